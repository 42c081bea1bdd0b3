import { X509Certificate, createPrivateKey } from 'node:crypto';

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Why kubeconfig certificate text is unusable, or undefined. Garbage there surfaced much later and
 * misleadingly: a broken certificate-authority-data as "untrusted CA", a broken client certificate as
 * OpenSSL's `PEM routines::no start line`. The reason never quotes the text (a key may be in it).
 */
export function certificatePemProblem(pem: string): string | undefined {
  const blocks = pem.match(CERTIFICATE_BLOCK);
  if (!blocks) return 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)';
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      return blocks.length === 1
        ? 'holds a PEM block that is not a valid X.509 certificate'
        : `holds ${blocks.length} PEM blocks and number ${i + 1} is not a valid X.509 certificate`;
    }
  }
  return undefined;
}

/** Why a client key is unusable or does not belong to the certificate, or undefined. */
export function clientKeyPemProblem(keyPem: string, certificatePem: string | undefined): string | undefined {
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    return 'is not a PEM private key (-----BEGIN PRIVATE KEY----- or RSA/EC PRIVATE KEY)';
  }
  const first = certificatePem?.match(CERTIFICATE_BLOCK)?.[0];
  if (first && !new X509Certificate(first).checkPrivateKey(key)) {
    return 'does not belong to the client certificate (they are from different pairs)';
  }
  return undefined;
}

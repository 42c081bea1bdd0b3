import { X509Certificate } from 'node:crypto';
import { createRequire } from 'node:module';
import type forgeModule from 'node-forge';
import { VigilError } from '../../domain/vigil-error.js';

/**
 * node-forge, required on the first DER input that is not a certificate: PEM and DER certificates,
 * nearly all of them, never need it, and it costs about 20 ms of start-up to every command that
 * loads the checks (`vigil --help` included, BENCHMARKS.md "CLI start-up"). It is CommonJS, so a
 * synchronous require keeps parsing synchronous.
 */
let loadedForge: typeof forgeModule | undefined;
function forgeLib(): typeof forgeModule {
  loadedForge ??= createRequire(import.meta.url)('node-forge') as typeof forgeModule;
  return loadedForge;
}

export type CertificateFormat = 'pem' | 'der' | 'pkcs12';

export interface ParsedCertificates {
  format: CertificateFormat;
  /** In bundle order (PKCS#12: the certificate that belongs to the key first). */
  certificates: X509Certificate[];
}

/**
 * Unreadable certificate data. The message completes "cannot parse tls.crt in ns/name: ..." and never
 * quotes the data: a Secret may hold key material next to (or instead of) the certificate.
 */
export class CertificateParseError extends VigilError {
  /** True when the data is a PKCS#12 bundle that the given (or empty) password does not open. */
  readonly needsPassword: boolean;

  constructor(message: string, options: { cause?: unknown; needsPassword?: boolean } = {}) {
    super('cert-parse', message, {
      retryable: false,
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
    });
    this.name = 'CertificateParseError';
    this.needsPassword = options.needsPassword ?? false;
  }
}

/** Accepts raw bytes (already base64-decoded from a Secret/ConfigMap/caBundle). */
export function parseCertificates(data: Buffer, opts: { pkcs12Password?: string } = {}): ParsedCertificates {
  if (data.length === 0)
    throw new CertificateParseError('is empty (0 bytes); store the PEM certificate here');
  // 0x30 is an ASN.1 SEQUENCE: DER certificate or PKCS#12. Text PEM never starts with '0' in practice,
  // and if it does the PEM reader below still gets its turn.
  if (data[0] === 0x30) {
    const der = readDer(data, opts.pkcs12Password);
    if (der) return der;
  }
  const text = data.toString('latin1');
  if (text.includes('-----BEGIN')) return { format: 'pem', certificates: readPem(text) };
  if (text.trim().length === 0) {
    throw new CertificateParseError('holds only whitespace; store the PEM certificate here');
  }
  throw new CertificateParseError(`not a PEM, DER or PKCS#12 certificate; ${notRecognisedHint(text)}`);
}

function notRecognisedHint(text: string): string {
  // "LS0tLS1CRUdJTi" is base64 of "-----BEGIN": the value was base64-encoded once too often, a common
  // slip when Secrets are written with `data:` instead of `stringData:`.
  if (text.trimStart().startsWith('LS0tLS1CRUdJTi')) {
    return 'it looks base64-encoded twice (use stringData, or encode the PEM only once)';
  }
  return 'expected text starting with -----BEGIN CERTIFICATE-----';
}

const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]{1,64})-----/g;

interface PemBlock {
  label: string;
  body: string | null; // null: no matching END before the next BEGIN or the end of data
}

function pemBlocks(text: string): PemBlock[] {
  const starts = [...text.matchAll(PEM_BEGIN)];
  return starts.map((m, i) => {
    const label = m[1] ?? '';
    const from = (m.index ?? 0) + m[0].length;
    const limit = starts[i + 1]?.index ?? text.length;
    const end = text.indexOf(`-----END ${label}-----`, from);
    return { label, body: end < 0 || end > limit ? null : text.slice(from, end) };
  });
}

function readPem(text: string): X509Certificate[] {
  const blocks = pemBlocks(text);
  const certBlocks = blocks.filter((b) => b.label === 'CERTIFICATE');
  // A BEGIN line that does not match (cut off, a dash missing) would silently drop its block.
  if (text.split('-----BEGIN').length - 1 !== blocks.length) {
    throw new CertificateParseError('malformed PEM: a BEGIN line is damaged or cut off; copy the whole PEM');
  }
  if (certBlocks.length === 0) {
    if (blocks.some((b) => b.label === 'TRUSTED CERTIFICATE')) {
      throw new CertificateParseError(
        'holds an OpenSSL TRUSTED CERTIFICATE block, which is not supported; ' +
          'convert it with `openssl x509 -in old.pem -out new.pem`',
      );
    }
    if (blocks.some((b) => b.label.endsWith('PRIVATE KEY'))) {
      throw new CertificateParseError(
        'holds a private key but no certificate; check that tls.crt and tls.key are not swapped',
      );
    }
    // Labels are fixed words like "CERTIFICATE REQUEST", safe to show.
    const labels = [...new Set(blocks.map((b) => b.label))].join(', ');
    throw new CertificateParseError(`holds PEM blocks (${labels}) but no CERTIFICATE block`);
  }
  return certBlocks.map((block, i) => {
    const which = `certificate ${i + 1} of ${certBlocks.length}`;
    if (block.body === null) {
      throw new CertificateParseError(
        `truncated PEM: BEGIN CERTIFICATE without END (${which}); copy the whole PEM including the END line`,
      );
    }
    return pemCertificate(block.body, which);
  });
}

function pemCertificate(body: string, which: string): X509Certificate {
  const b64 = body.replace(/\s+/g, '');
  // Buffer.from(..., 'base64') silently skips invalid characters; check first so that a damaged block
  // is reported as such instead of as an ASN.1 error.
  if (b64.length === 0) throw new CertificateParseError(`${which} is corrupt: the block is empty`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
    throw new CertificateParseError(
      `${which} is corrupt: the block is not valid base64; re-export the bundle`,
    );
  }
  const der = Buffer.from(b64, 'base64');
  try {
    return new X509Certificate(der);
  } catch (err) {
    throw new CertificateParseError(`${which} is corrupt: ${derProblem(der)}; re-export the bundle`, {
      cause: err,
    });
  }
}

/**
 * Why DER bytes are not a certificate. OpenSSL's own reason is useless here: after DER fails, node retries
 * the bytes as PEM and reports "no start line". Only sizes are shown, never content.
 */
function derProblem(der: Buffer): string {
  const declared = declaredDerLength(der);
  if (declared !== null && declared > der.length) return `truncated (${der.length} of ${declared} bytes)`;
  return 'not a valid X.509 certificate structure';
}

/** Total length an ASN.1 SEQUENCE header announces; null when there is no definite-length SEQUENCE. */
function declaredDerLength(b: Buffer): number | null {
  const first = b[1];
  if (b[0] !== 0x30 || first === undefined) return null;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || b.length < 2 + n) return null;
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + (b[2 + i] ?? 0);
  return 2 + n + length;
}

/** A DER certificate, else a PKCS#12 bundle; null when neither (the caller tries PEM, then gives up). */
function readDer(data: Buffer, password: string | undefined): ParsedCertificates | null {
  try {
    return { format: 'der', certificates: [new X509Certificate(data)] };
  } catch {
    // Not an X.509 certificate; maybe PKCS#12.
  }
  // A cut-off file (DER or PKCS#12) announces more bytes than it has; say so instead of "corrupt".
  const declared = declaredDerLength(data);
  if (declared !== null && declared > data.length && !data.includes('-----BEGIN')) {
    throw new CertificateParseError(
      `truncated DER data (${data.length} of ${declared} bytes); copy the whole certificate file`,
    );
  }
  let asn1: forgeModule.asn1.Asn1;
  try {
    asn1 = forgeLib().asn1.fromDer(data.toString('binary'), false);
  } catch {
    return null;
  }
  if (!looksLikePfx(asn1)) return null;
  return { format: 'pkcs12', certificates: readPkcs12(asn1, password) };
}

const PKCS7_DATA = '1.2.840.113549.1.7.1';
const PKCS7_SIGNED_DATA = '1.2.840.113549.1.7.2';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';

/** PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo (data or signedData), macData? }. */
function looksLikePfx(asn1: forgeModule.asn1.Asn1): boolean {
  if (!Array.isArray(asn1.value)) return false;
  const [version, authSafe] = asn1.value;
  if (
    !version ||
    version.type !== forgeLib().asn1.Type.INTEGER ||
    !authSafe ||
    !Array.isArray(authSafe.value)
  ) {
    return false;
  }
  const contentType = authSafe.value[0];
  if (
    !contentType ||
    contentType.type !== forgeLib().asn1.Type.OID ||
    typeof contentType.value !== 'string'
  ) {
    return false;
  }
  const oid = forgeLib().asn1.derToOid(contentType.value);
  return oid === PKCS7_DATA || oid === PKCS7_SIGNED_DATA;
}

function readPkcs12(asn1: forgeModule.asn1.Asn1, password: string | undefined): X509Certificate[] {
  // Many bundles (Java keystores exported for ingress, cert-manager `keystores.pkcs12`) use the empty
  // password, so it is tried after the configured one.
  const passwords = [...new Set([password ?? '', ''])];
  const failures: string[] = [];
  for (const pw of passwords) {
    let pfx: forgeModule.pkcs12.Pkcs12Pfx;
    try {
      pfx = forgeLib().pkcs12.pkcs12FromAsn1(asn1, false, pw);
    } catch (err) {
      failures.push(err instanceof Error ? err.message : String(err));
      continue;
    }
    return pkcs12Certificates(pfx);
  }
  const message = failures.join(' | ');
  // Forge reports a wrong password as a MAC failure, or (without a MAC) as garbage after decryption.
  if (/MAC|password|decrypt|pad/i.test(message) || /too few bytes|asn\.1/i.test(message)) {
    throw new CertificateParseError(
      password === undefined
        ? 'PKCS#12 bundle is password-protected; configure its password or store the certificate as PEM'
        : 'PKCS#12 bundle is password-protected; the configured password does not open it',
      { needsPassword: true },
    );
  }
  throw new CertificateParseError(
    'PKCS#12 bundle is corrupt or uses an unsupported encryption; re-export it',
  );
}

function pkcs12Certificates(pfx: forgeModule.pkcs12.Pkcs12Pfx): X509Certificate[] {
  const bags = pfx.getBags({ bagType: CERT_BAG })[CERT_BAG] ?? [];
  if (bags.length === 0) {
    throw new CertificateParseError(
      'PKCS#12 bundle holds no certificate (only keys); re-export it with the certificate',
    );
  }
  // Exporters do not agree on bag order; the bag tied to the private key (localKeyId) is the leaf,
  // so it goes first and the chain roles come out right.
  const ordered = [...bags].sort((a, b) => Number(hasKeyId(b)) - Number(hasKeyId(a)));
  return ordered.map((bag, i) => {
    // forge keeps parsed RSA certificates as objects (re-encoded from the captured TBS, so the bytes and
    // fingerprint match), and anything it cannot model (EC keys) as raw ASN.1.
    const node = bag.cert
      ? forgeLib().pki.certificateToAsn1(bag.cert)
      : (bag.asn1 as forgeModule.asn1.Asn1 | undefined);
    if (!node) throw new CertificateParseError(`PKCS#12 certificate ${i + 1} of ${bags.length} is empty`);
    const der = Buffer.from(forgeLib().asn1.toDer(node).getBytes(), 'binary');
    try {
      return new X509Certificate(der);
    } catch (err) {
      throw new CertificateParseError(
        `PKCS#12 certificate ${i + 1} of ${bags.length} is corrupt: ${derProblem(der)}; re-export the bundle`,
        { cause: err },
      );
    }
  });
}

function hasKeyId(bag: forgeModule.pkcs12.Bag): boolean {
  const attrs = bag.attributes as Record<string, unknown> | undefined;
  return Array.isArray(attrs?.localKeyId) && attrs.localKeyId.length > 0;
}

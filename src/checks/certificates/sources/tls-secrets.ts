import type { Finding } from '../../../domain/finding.js';
import type { CheckContext } from '../../check.js';
import type { CertificateLocation } from '../certificate-finding.js';
import { keystoreDataKey, type CertificateReader, type TlsSecret } from '../certificate-reader.js';
import { CertificateParseError, parseCertificates } from '../parse-certificates.js';
import { BundleCache, bundleFinding, decodeBase64 } from './bundle-finding.js';

function passwordProtected(data: Buffer): boolean {
  try {
    parseCertificates(data);
    return false;
  } catch (err) {
    return err instanceof CertificateParseError && err.needsPassword;
  }
}

function location(ctx: CheckContext, s: TlsSecret, key: string): CertificateLocation {
  return {
    cluster: ctx.cluster.name,
    source: 'tls-secret',
    object: `secret ${s.namespace}/${s.name} ${key}`,
    label: `Secret ${s.namespace}/${s.name} (${key})`,
    namespace: s.namespace,
    name: s.name,
  };
}

/** Findings for one Secret: its tls.crt chain, its optional ca.crt, and readable PKCS#12 keystores. */
export function secretFindings(ctx: CheckContext, s: TlsSecret, cache?: BundleCache): Finding[] {
  const out: Finding[] = [
    bundleFinding(ctx, location(ctx, s, 'tls.crt'), s.data['tls.crt'], 'chain', [], cache),
  ];
  if (s.data['ca.crt'] !== undefined && s.data['ca.crt'] !== '') {
    out.push(bundleFinding(ctx, location(ctx, s, 'ca.crt'), s.data['ca.crt'], 'ca-bundle', [], cache));
  }
  for (const key of Object.keys(s.data).filter((k) => keystoreDataKey.test(k))) {
    const data = decodeBase64(s.data[key]);
    // cert-manager keystores are encrypted with a password held in another Secret that least-privilege
    // RBAC does not let vigil read; tls.crt in the same Secret carries the same certificate, so this is
    // noted on that finding instead of raising an alert of its own.
    if (data && passwordProtected(data)) {
      const tls = out[0] as Finding;
      tls.evidence = [
        ...(tls.evidence ?? []),
        `${key}: password-protected PKCS#12 keystore, not read (tls.crt covers it)`,
      ];
      continue;
    }
    out.push(bundleFinding(ctx, location(ctx, s, key), data, 'chain'));
  }
  return out;
}

/**
 * Walks TLS Secrets page by page as the API returns them (server-side type selector), across all
 * namespaces or in one. Only findings are kept: holding every Secret at once is what made other
 * exporters run out of memory.
 */
export async function tlsSecretFindings(
  ctx: CheckContext<CertificateReader>,
  namespace?: string,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const cache = new BundleCache();
  for await (const page of ctx.reader.tlsSecretPages(ctx.config.certificates.secretPageSize, namespace)) {
    for (const s of page) for (const f of secretFindings(ctx, s, cache)) findings.push(f);
  }
  return findings;
}

import type { Finding, FindingEntry } from '../../../domain/finding.js';
import type { CheckContext } from '../../check.js';
import { certificateVerdict, unreadableFinding } from '../certificate-finding.js';
import { keystoreDataKey, type CertificateReader, type TlsSecret } from '../certificate-reader.js';
import type { BundleKind } from '../evaluate-bundle.js';
import { CertificateParseError, parseCertificates } from '../parse-certificates.js';
import { BundleCache, bundleOutcome, decodeBase64, formatNote, type Evaluated } from './bundle-finding.js';
import {
  SecretCertificateFinding,
  secretLocation,
  type SecretKeyVerdict,
} from './secret-certificate-finding.js';

function passwordProtected(data: Buffer): boolean {
  try {
    parseCertificates(data);
    return false;
  } catch (err) {
    return err instanceof CertificateParseError && err.needsPassword;
  }
}

/**
 * What one walk shares between Secrets: parsed bundles (BundleCache) and one verdict per bundle and
 * key (every Secret holding the wildcard under tls.crt points at the same one).
 */
export class SecretWalk {
  readonly bundles = new BundleCache();
  private readonly verdicts = new WeakMap<Evaluated, Map<string, SecretKeyVerdict>>();

  verdict(ctx: CheckContext, outcome: Evaluated, key: string): SecretKeyVerdict {
    let byKey = this.verdicts.get(outcome);
    if (!byKey) this.verdicts.set(outcome, (byKey = new Map()));
    let v = byKey.get(key);
    if (!v) {
      const { evaluation, format } = outcome;
      v = {
        cluster: ctx.cluster.name,
        key,
        verdict: certificateVerdict(evaluation, ctx.now, { evidence: formatNote(format) }),
      };
      byKey.set(key, v);
    }
    return v;
  }
}

function keyFinding(
  ctx: CheckContext,
  s: TlsSecret,
  key: string,
  data: Buffer | string | undefined,
  kind: BundleKind,
  walk: SecretWalk,
  cached: boolean,
): Finding | SecretCertificateFinding {
  const outcome = bundleOutcome(ctx, 'tls-secret', data, kind, cached ? walk.bundles : undefined);
  if ('error' in outcome)
    return unreadableFinding(secretLocation(ctx.cluster.name, s.namespace, s.name, key), outcome.error);
  return new SecretCertificateFinding(walk.verdict(ctx, outcome, key), s.namespace, s.name);
}

/**
 * Findings for one Secret: its tls.crt chain, its optional ca.crt, and readable PKCS#12 keystores.
 * Readable certificates come compact (SecretCertificateFinding, built when read); data that cannot
 * be read comes as a built finding.
 */
export function secretFindings(ctx: CheckContext, s: TlsSecret, walk = new SecretWalk()): FindingEntry[] {
  const out: FindingEntry[] = [keyFinding(ctx, s, 'tls.crt', s.data['tls.crt'], 'chain', walk, true)];
  if (s.data['ca.crt'] !== undefined && s.data['ca.crt'] !== '') {
    out.push(keyFinding(ctx, s, 'ca.crt', s.data['ca.crt'], 'ca-bundle', walk, true));
  }
  for (const key of Object.keys(s.data).filter((k) => keystoreDataKey.test(k))) {
    const data = decodeBase64(s.data[key]);
    // cert-manager keystores are encrypted with a password held in another Secret that least-privilege
    // RBAC does not let vigil read; tls.crt in the same Secret carries the same certificate, so this is
    // noted on that finding instead of raising an alert of its own.
    if (data && passwordProtected(data)) {
      const note = `${key}: password-protected PKCS#12 keystore, not read (tls.crt covers it)`;
      const tls = out[0] as FindingEntry;
      if (tls instanceof SecretCertificateFinding) out[0] = tls.noted(note);
      else {
        const built = tls as Finding;
        built.evidence = [...(built.evidence ?? []), note];
      }
      continue;
    }
    out.push(keyFinding(ctx, s, key, data, 'chain', walk, false));
  }
  return out;
}

/**
 * Walks TLS Secrets page by page as the API returns them (server-side type selector), across all
 * namespaces or in one. Only compact findings are kept: holding every Secret at once is what made
 * other exporters run out of memory, and holding every built finding grew vigil's memory by about
 * 1 KB a Secret.
 */
export async function tlsSecretFindings(
  ctx: CheckContext<CertificateReader>,
  namespace?: string,
): Promise<FindingEntry[]> {
  const findings: FindingEntry[] = [];
  const walk = new SecretWalk();
  for await (const page of ctx.reader.tlsSecretPages(ctx.config.certificates.secretPageSize, namespace)) {
    for (const s of page) for (const f of secretFindings(ctx, s, walk)) findings.push(f);
  }
  return findings;
}

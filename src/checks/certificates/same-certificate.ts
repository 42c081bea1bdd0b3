import type { Finding, FindingLocation } from '../../domain/finding.js';
import { fingerprint } from '../../domain/fingerprint.js';
import { compareSeverity } from '../../domain/severity.js';
import { describeExpiry, roleText } from './certificate-finding.js';
import { severityOfExpiry } from './expiry-thresholds.js';

/** Places named in a merged finding's summary; the rest are counted ("and 29 more"). */
export const namedLocations = 8;
/** Member summaries kept as evidence when a place has a problem beyond the expiry (a handshake). */
const problemLines = 5;

/** How a source reads as a noun in "in 37 Secrets across 37 namespaces". */
const nouns: Record<string, [one: string, many: string]> = {
  'tls-secret': ['Secret', 'Secrets'],
  'cluster-ca': ['ConfigMap', 'ConfigMaps'],
  'client-ca': ['ConfigMap', 'ConfigMaps'],
  'front-proxy-ca': ['ConfigMap', 'ConfigMaps'],
  'webhook-ca-bundle': ['webhook caBundle', 'webhook caBundles'],
  'apiservice-ca-bundle': ['APIService caBundle', 'APIService caBundles'],
  'crd-conversion-ca-bundle': ['CRD conversion caBundle', 'CRD conversion caBundles'],
  apiserver: ['API server endpoint', 'API server endpoints'],
  'apiserver-endpoint': ['API server endpoint', 'API server endpoints'],
  kubelet: ['kubelet', 'kubelets'],
  'tls-endpoint': ['TLS endpoint', 'TLS endpoints'],
  'kubeconfig-client-cert': ['kubeconfig', 'kubeconfigs'],
  registry: ['registry endpoint', 'registry endpoints'],
};

/**
 * One alert per certificate, wherever it is stored (DOMAIN.md §2: clusters copy one wildcard or CA
 * into dozens of namespaces; one message per copy is the noise that drives teams away). Findings
 * that carry the same certificate (SHA-256) on one cluster become one finding keyed by it, listing
 * every place in `locations`; its severity is the worst place's. The merged alert keeps its identity
 * while copies come and go; renewed everywhere, it is a new certificate, so the merged alert resolves
 * once no place holds the old one. A certificate found in one place only keeps its per-place finding
 * and alert (a second copy appearing resolves that one and opens the merged one). Findings without parsed certificate facts
 * (unreadable data, cert-manager status, source failures) are kept as they are, in their order.
 */
export function sameCertificateIncidents(findings: readonly Finding[], now: Date): Finding[] {
  const groups = new Map<string, Finding[]>();
  const order: (Finding | string)[] = [];
  for (const f of findings) {
    const sha = f.certificate?.fingerprint256;
    if (!sha) {
      order.push(f);
      continue;
    }
    const key = `${f.cluster}\u0000${sha}`;
    const members = groups.get(key);
    if (members) members.push(f);
    else {
      groups.set(key, [f]);
      order.push(key);
    }
  }
  return order.map((item) => (typeof item === 'string' ? merge(groups.get(item) ?? [], now) : item));
}

function merge(members: Finding[], now: Date): Finding {
  const sorted = [...members].sort(
    (a, b) => compareSeverity(b.severity, a.severity) || a.object.localeCompare(b.object),
  );
  const worst = sorted[0] as Finding & { certificate: NonNullable<Finding['certificate']> };
  const c = worst.certificate;
  const locations: FindingLocation[] = sorted.map((f) => ({
    source: f.source,
    object: f.object,
    ...(f.namespace !== undefined ? { namespace: f.namespace } : {}),
    severity: f.severity,
  }));
  // One place: the finding as the check made it, keyed by its place as before, so renewing or
  // re-issuing a certificate in its Secret escalates or resolves the same alert.
  if (sorted.length === 1) return worst;
  const keyed = {
    fingerprint: fingerprint(worst.cluster, 'certificates', 'certificate', c.fingerprint256),
    locations,
  };

  const sources = new Set(sorted.map((f) => f.source));
  const namespaces = new Set(sorted.flatMap((f) => (f.namespace !== undefined ? [f.namespace] : [])));
  const evidence = [...new Set(sorted.flatMap((f) => f.evidence ?? []))];
  // A place worse than the certificate's expiry alone has a problem of its own (a handshake that
  // fails): its own summary says what, so it is not lost in the merge.
  const problems = sorted
    .filter((f) => compareSeverity(f.severity, severityOfExpiry(c.expiry)) > 0)
    .slice(0, problemLines)
    .map((f) => f.summary);
  const merged: Finding = {
    cluster: worst.cluster,
    check: worst.check,
    severity: worst.severity,
    source: sources.size === 1 ? worst.source : 'certificate',
    object: `${roleText[c.role]} ${c.subject} (SHA-256 ${c.fingerprint256.slice(0, 23)})`,
    summary: `${roleText[c.role]} ${c.subject} ${describeExpiry(c, now)} ${placesText(sorted)}`,
    ...keyed,
    certificate: c,
    ...(namespaces.size === 1 && sorted.every((f) => f.namespace !== undefined)
      ? { namespace: [...namespaces][0] as string }
      : {}),
    ...([...problems, ...evidence].length > 0 ? { evidence: [...problems, ...evidence] } : {}),
  };
  if (worst.nextStep)
    merged.nextStep = `${worst.nextStep} The same certificate is in ${sorted.length} places: replace it in each.`;
  return merged;
}

/** "in 37 Secrets across 37 namespaces: prod/web-tls, … and 29 more". */
export function placesText(members: readonly Pick<Finding, 'source' | 'object' | 'namespace'>[]): string {
  const counts = new Map<string, { n: number; namespaces: Set<string> }>();
  for (const f of members) {
    const noun = (nouns[f.source] ?? [f.source, f.source])[0];
    const entry = counts.get(noun) ?? { n: 0, namespaces: new Set<string>() };
    entry.n++;
    if (f.namespace !== undefined) entry.namespaces.add(f.namespace);
    counts.set(noun, entry);
  }
  const kinds = [...counts].map(([one, { n, namespaces }]) => {
    const many = Object.values(nouns).find(([o]) => o === one)?.[1] ?? one;
    const across =
      namespaces.size > 1
        ? ` across ${namespaces.size} namespaces`
        : namespaces.size === 1
          ? ` in ${[...namespaces][0]}`
          : '';
    return `${n} ${n === 1 ? one : many}${across}`;
  });
  const named = members.slice(0, namedLocations).map((f) => f.object);
  const more = members.length - named.length;
  return `in ${kinds.join(', ')}: ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

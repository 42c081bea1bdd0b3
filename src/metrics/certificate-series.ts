import type { CheckSnapshot } from '../alerts/snapshot-store.js';
import { commonName } from './common-name.js';

/** Labels of the certificate gauges, in x509-certificate-exporter's style (`subject_CN`, `issuer_CN`). */
export const certificateLabelNames = [
  'cluster',
  'check',
  'source',
  'namespace',
  'name',
  'key',
  'object',
  'subject',
  'subject_CN',
  'issuer_CN',
] as const;

export type CertificateLabels = Record<(typeof certificateLabelNames)[number], string>;

/** One certificate as Prometheus sees it: metadata only, never keys or Secret data. */
export interface CertificateSeries {
  labels: CertificateLabels;
  /** notAfter, Unix seconds. */
  notAfter: number;
}

/** Longer label values are cut: a subject can be kilobytes, and every scrape repeats it twice. */
export const MAX_LABEL_CHARS = 256;

function cut(value: string | undefined): string {
  if (!value) return '';
  return value.length > MAX_LABEL_CHARS ? `${value.slice(0, MAX_LABEL_CHARS - 1)}…` : value;
}

/** The words that open a finding's object and name its kind (src/checks/certificates/sources/). */
const kindWords = new Set([
  'secret',
  'configmap',
  'certificate.cert-manager.io',
  'apiserver',
  'kubelet',
  'endpoint',
  'service',
  'kubeconfig',
  'registry',
]);

/**
 * The object's own name and data key, out of the finding's object as the certificate sources write
 * it: `secret shop/web-tls tls.crt` is `web-tls` and `tls.crt` in namespace `shop`; `kubelet node-1`
 * is `node-1`; `apiserver endpoint 10.0.0.1:6443` is `10.0.0.1:6443`; a caBundle's object starts with
 * its owner (`validatingwebhookconfiguration/policy`). Unknown shapes keep the whole object.
 */
export function objectName(object: string, namespace: string | undefined): { name: string; key: string } {
  const words = object.split(' ');
  const lead =
    words[0] === 'apiserver' && words[1] === 'endpoint' ? 2 : kindWords.has(words[0] ?? '') ? 1 : 0;
  let name = words[lead] ?? object;
  if (namespace && name.startsWith(`${namespace}/`)) name = name.slice(namespace.length + 1);
  const key =
    (words[0] === 'secret' || words[0] === 'configmap') && words.length === 3 ? (words[2] ?? '') : '';
  return { name: name || object, key };
}

/**
 * The certificate series of one stored run: one per finding with an expiry (an X.509 vigil parsed, or
 * a cert-manager Certificate's status.notAfter). `object` is the finding's object as chat shows it
 * (`secret shop/web-tls tls.crt`), unique per cluster, check and source; `name` and `key` are read out
 * of it (objectName). A bundle counts once, by the certificate in it that expires first, as in vigil's
 * findings.
 */
export function certificateSeriesOf(snapshot: CheckSnapshot): CertificateSeries[] {
  const byObject = new Map<string, CertificateSeries>();
  for (const f of snapshot.findings) {
    const at = f.certificate?.notAfter ?? f.notAfter;
    if (!at) continue;
    const notAfter = Math.floor(Date.parse(at) / 1000);
    if (!Number.isFinite(notAfter)) continue;
    const { name, key } = objectName(f.object, f.namespace);
    const labels: CertificateLabels = {
      cluster: snapshot.cluster,
      check: snapshot.check,
      source: cut(f.source),
      namespace: cut(f.namespace),
      name: cut(name),
      key: cut(key),
      object: cut(f.object),
      subject: cut(f.certificate?.subject),
      subject_CN: cut(commonName(f.certificate?.subject ?? '')),
      issuer_CN: cut(commonName(f.certificate?.issuer ?? '')),
    };
    const id = `${labels.source}\u0000${labels.object}`;
    const seen = byObject.get(id);
    if (!seen || notAfter < seen.notAfter) byObject.set(id, { labels, notAfter });
  }
  return [...byObject.values()];
}

/**
 * At most `max` series, the soonest to expire kept: the cap must never hide the certificate that
 * matters. Deterministic (ties by name), so every replica answers the same set.
 */
export function capSeries(
  runs: Iterable<readonly CertificateSeries[]>,
  max: number,
): { kept: CertificateSeries[]; dropped: number } {
  const all = [...runs].flat();
  if (all.length <= max) return { kept: all, dropped: 0 };
  all.sort(
    (a, b) =>
      a.notAfter - b.notAfter ||
      order(a.labels.cluster, b.labels.cluster) ||
      order(a.labels.check, b.labels.check) ||
      order(a.labels.source, b.labels.source) ||
      order(a.labels.object, b.labels.object),
  );
  return { kept: all.slice(0, max), dropped: all.length - max };
}

/** Code-unit order: the same on every replica whatever its locale. */
function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

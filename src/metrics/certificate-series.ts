import type { CheckSnapshot } from '../alerts/snapshot-store.js';
import { commonName } from './common-name.js';

/** Labels of the certificate gauges, in x509-certificate-exporter's style (`subject_CN`, `issuer_CN`). */
export const certificateLabelNames = [
  'cluster',
  'check',
  'source',
  'namespace',
  'name',
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

/**
 * The certificate series of one stored run: one per finding with an expiry (an X.509 vigil parsed, or
 * a cert-manager Certificate's status.notAfter), named as vigil names it in chat (`name` is the
 * finding's object, e.g. `secret shop/web-tls tls.crt`: unique per cluster, check and source). A
 * bundle counts once, by the certificate in it that expires first, as in vigil's findings.
 */
export function certificateSeriesOf(snapshot: CheckSnapshot): CertificateSeries[] {
  const byName = new Map<string, CertificateSeries>();
  for (const f of snapshot.findings) {
    const at = f.certificate?.notAfter ?? f.notAfter;
    if (!at) continue;
    const notAfter = Math.floor(Date.parse(at) / 1000);
    if (!Number.isFinite(notAfter)) continue;
    const labels: CertificateLabels = {
      cluster: snapshot.cluster,
      check: snapshot.check,
      source: cut(f.source),
      namespace: cut(f.namespace),
      name: cut(f.object),
      subject: cut(f.certificate?.subject),
      subject_CN: cut(commonName(f.certificate?.subject ?? '')),
      issuer_CN: cut(commonName(f.certificate?.issuer ?? '')),
    };
    const key = `${labels.source}\u0000${labels.name}`;
    const seen = byName.get(key);
    if (!seen || notAfter < seen.notAfter) byName.set(key, { labels, notAfter });
  }
  return [...byName.values()];
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
      order(a.labels.name, b.labels.name),
  );
  return { kept: all.slice(0, max), dropped: all.length - max };
}

/** Code-unit order: the same on every replica whatever its locale. */
function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

import type { ChartCertificate, ExpiryChartData } from './expiry-chart-data.js';

const DAY_MS = 86_400_000;

export type ChartRowKind = 'ca' | 'leaf';

export interface PlacedCertificate {
  certificate: ChartCertificate;
  /** Days from now to notAfter, fractional; negative once expired. */
  days: number;
}

/** One lane of the chart: a cluster's CAs or its leaf certificates. */
export interface ChartRow {
  cluster: string;
  kind: ChartRowKind;
  /** Expired, or expiring within the horizon, soonest first. */
  shown: PlacedCertificate[];
  /** Certificates of this lane expiring after the horizon (counted, not drawn). */
  later: number;
  warningDays: number;
  criticalDays: number;
}

/**
 * The lanes the picture draws and the text lists, built once so both say the same: per cluster (in
 * the given order) a CA lane, then a leaf lane, each with its own thresholds (CAs get earlier ones).
 */
export function chartRows(data: ExpiryChartData): ChartRow[] {
  const t = data.thresholds;
  return data.clusters.flatMap((cluster) =>
    (['ca', 'leaf'] as const).map((kind): ChartRow => {
      const mine = cluster.certificates.filter((c) => c.isCa === (kind === 'ca'));
      const placed = mine
        .map((certificate) => ({
          certificate,
          days: (certificate.notAfter.getTime() - data.now.getTime()) / DAY_MS,
        }))
        .filter((p) => Number.isFinite(p.days));
      const shown = placed.filter((p) => p.days <= data.horizonDays).sort((a, b) => a.days - b.days);
      return {
        cluster: cluster.name,
        kind,
        shown,
        later: placed.length - shown.length,
        warningDays: kind === 'ca' ? t.caWarningDays : t.warningDays,
        criticalDays: kind === 'ca' ? t.caCriticalDays : t.criticalDays,
      };
    }),
  );
}

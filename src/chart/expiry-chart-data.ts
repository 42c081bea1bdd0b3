import type { Severity } from '../domain/severity.js';

/** One certificate on the timeline: what the latest stored run knew of it. */
export interface ChartCertificate {
  /** What it is, as the listing names it: `secret apps/web-tls · CN=web`. */
  label: string;
  notAfter: Date;
  isCa: boolean;
  /** The finding's severity at that run (per-source threshold overrides included). */
  severity: Severity;
}

/** The thresholds drawn, from the `certificates:` config section (DOMAIN.md §2). */
export interface ChartThresholds {
  warningDays: number;
  criticalDays: number;
  caWarningDays: number;
  caCriticalDays: number;
}

/** Everything the expiry chart shows; plain data, so the picture and its text come from the same rows. */
export interface ExpiryChartData {
  now: Date;
  /** Days ahead the timeline covers (90 for `/k8s certs --chart`). */
  horizonDays: number;
  thresholds: ChartThresholds;
  clusters: { name: string; certificates: ChartCertificate[] }[];
}

import { z } from 'zod';

/**
 * `metrics:` in vigil.yaml: what `/metrics` on vigil serve's port may cost (src/metrics/). Certificate
 * series are one per certificate vigil watches; past the cap the ones expiring last are left out and
 * counted (`vigil_cert_series_dropped`), so a huge cluster cannot flood Prometheus.
 */
export const metricsConfigSchema = z
  .strictObject({
    /** Most certificate series exposed, over every cluster and check (each is two gauges). */
    maxCertificateSeries: z.number().int().min(0).max(1_000_000).default(20_000),
    /** How long a scrape's reads of Redis (snapshots, alerts, outbox) are reused by the next scrapes. */
    cacheSeconds: z.number().min(0).max(300).default(5),
  })
  .prefault({});

export type MetricsConfig = z.infer<typeof metricsConfigSchema>;

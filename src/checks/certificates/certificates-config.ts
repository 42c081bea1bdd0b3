import { z } from 'zod';

/** Certificate sources whose thresholds can be overridden one by one. */
export const certificateSources = [
  'apiserver',
  'apiserver-endpoint',
  'kubelet',
  'tls-endpoint',
  'tls-secret',
  'cluster-ca',
  'client-ca',
  'front-proxy-ca',
  'webhook-ca-bundle',
  'apiservice-ca-bundle',
  'crd-conversion-ca-bundle',
  'cert-manager',
  'kubeconfig-client-cert',
  'registry',
] as const;
export type CertificateSource = (typeof certificateSources)[number];

const daysHint = { error: 'must be a whole number of days from 0 to 3650, e.g. 28' };
const days = z.number(daysHint).int(daysHint).min(0, daysHint).max(3650, daysHint);

const thresholdOverride = z.strictObject({
  warningDays: days.optional(),
  criticalDays: days.optional(),
  caWarningDays: days.optional(),
  caCriticalDays: days.optional(),
});

/** The `certificates:` section of vigil.yaml: thresholds and how hard the scan may push. */
export const certificatesConfigSchema = z
  .strictObject({
    warningDays: days.default(28),
    criticalDays: days.default(14),
    // Replacing a CA is a project, not a restart: notice comes earlier.
    caWarningDays: days.default(90),
    caCriticalDays: days.default(30),
    secretPageSize: z.number().int().min(10).max(5000).default(500),
    probeTimeoutSeconds: z.number().positive().max(60).default(5),
    probeConcurrency: z.number().int().min(1).max(256).default(16),
    sources: z.partialRecord(z.enum(certificateSources), thresholdOverride).default({}),
  })
  .prefault({})
  .refine((c) => c.criticalDays <= c.warningDays, {
    error: 'criticalDays must not exceed warningDays',
    path: ['criticalDays'],
  })
  .refine((c) => c.caCriticalDays <= c.caWarningDays, {
    error: 'caCriticalDays must not exceed caWarningDays',
    path: ['caCriticalDays'],
  });

export type CertificatesConfig = z.infer<typeof certificatesConfigSchema>;

import { z } from 'zod';
import { alertsConfigSchema } from './alerts-config.js';
import { metricsConfigSchema } from './metrics-config.js';
import { permissionsConfigSchema } from './permissions-config.js';
import { registriesConfigSchema } from './registries-config.js';
import { outboxConfigSchema, schedulesConfigSchema } from './schedules-config.js';
import { statefulSetsConfigSchema } from './statefulsets-config.js';

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

// host:port, [v6]:port or an https URL; the port is required because the same host often serves
// several certificates (etcd 2379 and 2380, controller-manager 10257, scheduler 10259).
const endpointPattern = /^(https:\/\/)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}\/?$/;

/** Only judges a port that is there; a missing one is already reported by the pattern above. */
function validPort(endpoint: string): boolean {
  const digits = /:(\d+)\/?$/.exec(endpoint)?.[1];
  if (digits === undefined) return true;
  const port = Number(digits);
  return port >= 1 && port <= 65535;
}

const cluster = z
  .strictObject({
    // Names appear in chat commands (`/k8s certs prod`), so keep them short and shell-friendly.
    name: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
      error: 'must be a lower-case DNS label such as "prod" or "eu-west-1"',
    }),
    kubeconfig: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
    inCluster: z.boolean().optional(),
    tlsEndpoints: z
      .array(
        z
          .string()
          .regex(endpointPattern, { error: 'must be host:port, [ipv6]:port or https://host:port' })
          .refine(validPort, { error: 'port must be between 1 and 65535' }),
      )
      .default([]),
    requestTimeoutSeconds: z.number().positive().max(120).default(10),
  })
  .refine((c) => !(c.inCluster && (c.kubeconfig || c.context)), {
    error:
      'inCluster: true uses the pod service account; remove kubeconfig and context or set inCluster: false',
    path: ['inCluster'],
  });

export const configSchema = z.strictObject({
  clusters: z
    .array(cluster)
    .min(1, { error: 'list at least one cluster (name plus kubeconfig or inCluster)' }),
  certificates: z
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
    }),
  statefulsets: statefulSetsConfigSchema,
  registries: registriesConfigSchema,
  schedules: schedulesConfigSchema,
  outbox: outboxConfigSchema,
  alerts: alertsConfigSchema,
  permissions: permissionsConfigSchema,
  metrics: metricsConfigSchema,
});

export type VigilConfig = z.infer<typeof configSchema>;
export type ClusterConfig = VigilConfig['clusters'][number];
export type CertificatesConfig = VigilConfig['certificates'];

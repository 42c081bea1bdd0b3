import { z } from 'zod';
import { certificatesConfigSchema } from '../checks/certificates/certificates-config.js';
import { clusterConfigSchema } from '../checks/cluster-config.js';
import { hostCertificatesConfigSchema } from '../checks/host-certificates/host-certificates-config.js';
import { registriesConfigSchema } from '../checks/registries/registries-config.js';
import { statefulSetsConfigSchema } from '../checks/statefulsets/statefulsets-config.js';
import { alertsConfigSchema } from './alerts-config.js';
import { digestConfigSchema } from './digest-config.js';
import { maintenanceConfigSchema } from './maintenance-config.js';
import { metricsConfigSchema } from './metrics-config.js';
import { permissionsConfigSchema } from './permissions-config.js';
import { outboxConfigSchema, schedulesConfigSchema } from './schedules-config.js';

export const configSchema = z.strictObject({
  clusters: z
    .array(clusterConfigSchema)
    .min(1, { error: 'list at least one cluster (name plus kubeconfig or inCluster)' }),
  certificates: certificatesConfigSchema,
  statefulsets: statefulSetsConfigSchema,
  registries: registriesConfigSchema,
  hostCertificates: hostCertificatesConfigSchema,
  schedules: schedulesConfigSchema,
  outbox: outboxConfigSchema,
  alerts: alertsConfigSchema,
  permissions: permissionsConfigSchema,
  maintenance: maintenanceConfigSchema,
  metrics: metricsConfigSchema,
  digest: digestConfigSchema,
});

export type VigilConfig = z.infer<typeof configSchema>;
// The checks own their sections (src/checks/<check>/*-config.ts); re-exported for the rest of vigil.
export type { ClusterConfig } from '../checks/cluster-config.js';
export {
  certificateSources,
  type CertificateSource,
  type CertificatesConfig,
} from '../checks/certificates/certificates-config.js';

import type { CertificatesConfig } from './certificates/certificates-config.js';
import type { ClusterConfig } from './cluster-config.js';
import type { HostCertificatesConfig } from './host-certificates/host-certificates-config.js';
import type { RegistriesConfig } from './registries/registries-config.js';
import type { StatefulSetsConfig } from './statefulsets/statefulsets-config.js';

/**
 * The part of vigil.yaml the checks read: the clusters and each check's own section. The checks own
 * these schemas and src/config composes them into the whole file, so the checks never import the
 * config layer (.dependency-cruiser.js); any VigilConfig is a ChecksConfig.
 */
export interface ChecksConfig {
  clusters: ClusterConfig[];
  certificates: CertificatesConfig;
  statefulsets: StatefulSetsConfig;
  registries: RegistriesConfig;
  hostCertificates: HostCertificatesConfig;
}

import type { PullCheck } from './registry-probe-result.js';
import type { TlsProbeOptions } from './tls-probe.js';
import type { TlsProbeResult } from './tls-probe-result.js';

/** What probeRegistry (registry-probe.ts) probes, and how; its stages share it (registry-probe-state.ts). */
export interface RegistryProbeOptions {
  /** The registry key, e.g. `docker.io`, `myreg:5000`. */
  registry: string;
  /** Where its API is served (Docker Hub: registry-1.docker.io). */
  host: string;
  port: number;
  /** Plain HTTP: only for registries configured as insecure. */
  plainHttp: boolean;
  /** PEM CA the nodes trust for this registry, added to the system roots. */
  caPem?: string;
  /** Bound on the whole probe, every stage included. */
  timeoutMs: number;
  /** Images in use with the credentials their workloads send; the manifest HEAD asks for each. */
  pulls?: PullCheck[];
  /** Docker Hub: HEAD only (a GET counts toward the pull rate limit). */
  dockerHub: boolean;
  probeTls?: (o: TlsProbeOptions) => Promise<TlsProbeResult>;
}

import type { ClusterConfig, VigilConfig } from '../config/config-schema.js';
import type { CheckName, Finding, Unobserved } from '../domain/finding.js';
import type { TlsProbeResult } from '../probe/tls-probe-result.js';
import type { CertificateReader } from './certificates/certificate-reader.js';
import type { RegistryReader } from './registries/registry-reader.js';
import type { StatefulSetReader } from './statefulsets/statefulset-reader.js';

export type ProbeTls = (opts: {
  host: string;
  port: number;
  servername?: string;
  caPem?: string;
  timeoutMs?: number;
}) => Promise<TlsProbeResult>;

/** What a check needs of one cluster; src/kube's ClusterConnection satisfies it structurally. */
export interface ClusterTarget {
  name: string;
  server: { url: string; host: string; port: number; servername?: string };
  caPem?: string;
  insecureSkipTlsVerify: boolean;
  kubeconfigPath?: string;
  clientCertificatePem?: string;
  reader: CertificateReader;
  statefulSetReader: StatefulSetReader;
  registryReader: RegistryReader;
  ping(): Promise<void>;
}

export interface CheckContext {
  cluster: ClusterConfig;
  config: Readonly<VigilConfig>;
  target: ClusterTarget;
  /** False when the API could not be reached: checks still do what needs no API (handshakes). */
  apiReachable: boolean;
  now: Date;
  probeTls: ProbeTls;
}

export interface CheckResult {
  findings: Finding[];
  unobserved: Unobserved[];
}

export interface Check {
  name: Exclude<CheckName, 'cluster'>;
  run(ctx: CheckContext): Promise<CheckResult>;
}

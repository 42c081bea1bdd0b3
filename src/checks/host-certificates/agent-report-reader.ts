import type { NodeReports } from '../check.js';
import { hostCertificatesCheckName } from './host-check-name.js';
import type { HostReportReader } from './host-report-reader.js';

/** The reports `vigil agent` wrote for this cluster (src/agent), read through ReaderSource.nodeReports. */
export function agentReportReader(nodeReports: NodeReports, cluster: string): HostReportReader {
  return {
    mode: 'agents',
    reports: () => nodeReports.latest(cluster, hostCertificatesCheckName),
  };
}

/** `vigil check` against a cluster's API: no node report reaches it, which the check says. */
export const noHostReports: HostReportReader = { mode: 'none', reports: () => Promise.resolve([]) };

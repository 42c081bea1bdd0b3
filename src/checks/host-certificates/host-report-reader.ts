import type { NodeReport } from '../check.js';

/**
 * Where the host-certificates check gets what the nodes hold: the reports node agents put in Redis
 * (agent-report-reader.ts, for `vigil serve`), this node's own files (local-host-reader.ts, for
 * `vigil check --host-root`), or nothing (`vigil check` against an API, which no node file reaches).
 */
export interface HostReportReader {
  readonly mode: 'agents' | 'local' | 'none';
  /** The latest report of every node, one per node (none in mode `none`). */
  reports(): Promise<NodeReport[]>;
}

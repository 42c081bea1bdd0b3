import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ChecksConfig } from '../checks/checks-config.js';
import { formatHostReport } from '../checks/host-certificates/format-host-report.js';
import { hostReportsResult } from '../checks/host-certificates/host-reports-result.js';
import { localHostReader } from '../checks/host-certificates/local-host-reader.js';
import { sortFindings, type CheckReport } from '../checks/run-checks.js';
import { exitCodeFor, worstSeverity } from '../domain/severity.js';
import { VigilError } from '../domain/vigil-error.js';
import { renderJsonChunks } from '../output/render-json.js';
import type { CheckCommandResult } from './check-command.js';

export interface HostCheckOptions {
  /** The directory that holds the node's `/`: `/` on the node itself. */
  hostRoot: string;
  output: 'table' | 'json';
  /** The cluster name findings carry (`--cluster`); default `local`. */
  cluster?: string;
  /** The node's name; default this machine's host name. */
  node?: string;
}

function assertDirectory(path: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
    throw new VigilError(
      'cli-host-root',
      code === 'ENOENT'
        ? `--host-root ${path} does not exist; pass the directory that holds the node's files, / on the node itself`
        : `--host-root ${path} cannot be read (${code})`,
    );
  }
  if (!isDirectory) throw new VigilError('cli-host-root', `--host-root ${path} is not a directory`);
}

/**
 * `vigil check --host-root DIR`: this node's certificate files, judged by the host-certificates check
 * exactly as `vigil serve` judges an agent's report, printed as `kubeadm certs check-expiration`
 * prints them (or as `vigil check`'s JSON), with `vigil check`'s exit codes. No API, no kubeconfig.
 */
export async function runHostCheckCommand(
  config: Pick<ChecksConfig, 'certificates' | 'hostCertificates'>,
  o: HostCheckOptions,
  now: () => Date = () => new Date(),
): Promise<CheckCommandResult> {
  assertDirectory(o.hostRoot);
  const at = now();
  const node = o.node ?? hostname();
  const cluster = o.cluster ?? 'local';
  const reader = localHostReader({
    hostRoot: o.hostRoot,
    node,
    settings: config.hostCertificates,
    now: () => at,
  });
  const result = hostReportsResult({
    cluster,
    mode: reader.mode,
    reports: await reader.reports(),
    now: at,
    thresholds: config.certificates,
  });
  const report: CheckReport = {
    generatedAt: at.toISOString(),
    clusters: [
      { cluster, reachable: true, findings: sortFindings(result.findings), unobserved: result.unobserved },
    ],
  };
  const output = () =>
    o.output === 'json'
      ? renderJsonChunks(report)
      : [formatHostReport(result.nodes[0], result.findings, result.unobserved)];
  return {
    report,
    exitCode: exitCodeFor(worstSeverity(result.findings.map((f) => f.severity))),
    output,
    get text() {
      return [...output()].join('');
    },
  };
}

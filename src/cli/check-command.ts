import type { Check } from '../checks/check.js';
import { resolveCheckName } from '../checks/check-names.js';
import { allChecks } from '../checks/index.js';
import { runChecksCompact, type CheckReport } from '../checks/run-checks.js';
import type { VigilConfig } from '../config/config-schema.js';
import { worstSeverity, exitCodeFor } from '../domain/severity.js';
import { VigilError } from '../domain/vigil-error.js';
import { loadClusterConnection } from '../kube/load-cluster-connection.js';
import { logger } from '../logger.js';
import { renderJsonChunks } from '../output/render-json.js';
import { renderTable } from '../output/render-table.js';
import { probeTls } from '../probe/tls-probe.js';

export interface CheckCommandOptions {
  clusters: string[];
  only: string[];
  output: 'table' | 'json';
  problemsOnly: boolean;
  color: boolean;
}

export interface CheckCommandResult {
  /** Findings as the checks returned them; `findingOf` builds a compact one. */
  report: CheckReport;
  exitCode: 0 | 1 | 2 | 3;
  /** The rendered report in chunks, to be written as it is produced. */
  output(): Iterable<string>;
  readonly text: string;
}

/** Chunks are gathered into writes of about this size: one write per finding cost 10,000 system calls. */
const WRITE_BATCH_CHARS = 64 * 1024;

/**
 * Writes chunks to a stream in batches of about 64 KB, waiting for it to drain so a large report is
 * never queued whole. Why batches: stdout to a file or a pipe writes synchronously, and a report of
 * 10,000 certificates written one finding at a time spent more time in write(2) than in rendering
 * (BENCHMARKS.md "TLS Secret scan at scale").
 */
export async function writeChunks(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  let batch: string[] = [];
  let size = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const text = batch.join('');
    batch = [];
    size = 0;
    if (!stream.write(text)) await new Promise((resolve) => stream.once('drain', resolve));
  };
  for (const chunk of chunks) {
    batch.push(chunk);
    size += chunk.length;
    if (size >= WRITE_BATCH_CHARS) await flush();
  }
  batch.push('\n');
  await flush();
}

/** Validates --cluster and --only against the config so a typo is an error, not an empty report. */
export function validateSelection(
  config: Readonly<VigilConfig>,
  o: Pick<CheckCommandOptions, 'clusters' | 'only'>,
  checks: readonly Check[] = allChecks,
): void {
  const known = config.clusters.map((c) => c.name);
  const unknownClusters = o.clusters.filter((c) => !known.includes(c));
  if (unknownClusters.length > 0) {
    throw new VigilError(
      'cli-unknown-cluster',
      `unknown cluster ${unknownClusters.map((c) => `"${c}"`).join(', ')}; configured clusters: ${known.join(', ')}`,
    );
  }
  const unknownChecks = o.only.filter((c) => resolveCheckName(c, checks) === undefined);
  if (unknownChecks.length > 0) {
    const shortWords = checks.map((c) => c.command.short).filter((w) => !checks.some((c) => c.name === w));
    const or = shortWords.length > 0 ? ` (or ${shortWords.join(', ')})` : '';
    throw new VigilError(
      'cli-unknown-check',
      `unknown check ${unknownChecks.map((c) => `"${c}"`).join(', ')} for --only; available: ${checks.map((c) => c.name).join(', ')}${or}`,
    );
  }
}

export async function runCheckCommand(
  config: Readonly<VigilConfig>,
  o: CheckCommandOptions,
  now: () => Date = () => new Date(),
): Promise<CheckCommandResult> {
  validateSelection(config, o);
  // Compact: the findings of 100,000 TLS Secrets are built one at a time as the JSON is written.
  const report = await runChecksCompact(
    config,
    { clusters: o.clusters, only: o.only.map((c) => resolveCheckName(c) ?? c) },
    {
      connect: (c) => loadClusterConnection({ ...c, requestTimeoutMs: c.requestTimeoutSeconds * 1000 }),
      probeTls,
      now,
      checks: allChecks,
      log: logger,
    },
  );
  const worst = worstSeverity(report.clusters.flatMap((c) => c.findings.map((f) => f.severity)));
  const output = () =>
    o.output === 'json'
      ? renderJsonChunks(report)
      : [renderTable(report, { problemsOnly: o.problemsOnly, color: o.color })];
  return {
    report,
    exitCode: exitCodeFor(worst),
    output,
    get text() {
      return [...output()].join('');
    },
  };
}

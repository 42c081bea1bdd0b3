/**
 * One `vigil check --only certificates --output json` in-process, run as a child of
 * bench/findings-memory.ts:
 *
 *   node --max-semi-space-size=1 --heap-growing-percent=50 --expose-gc --import tsx \
 *     bench/findings-memory-child.ts CONFIG.yaml NOW_ISO [check|walk]
 *
 * `check` (default) runs `runCheckCommand` (the code path of `vigil check` after argument parsing)
 * with the clock fixed at NOW_ISO, then writes its JSON output with `writeChunks` into a sink that
 * only hashes it, so runs against the same fake can be compared byte for byte. `walk` only walks
 * the TLS Secret pages through the certificate check's reader and drops them: what the walk costs
 * without any finding, to read the `check` rows against. Samples the live heap after a full GC
 * (`--expose-gc`, this child only) before the check, after it (what the held findings cost) and
 * every 5,000 chunks while rendering, and RSS, heap committed and external memory every 50 ms.
 * Prints one JSON line on stdout.
 */
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { certificateCheck } from '../src/checks/certificates/certificate-check.js';
import { runCheckCommand, writeChunks } from '../src/cli/check-command.js';
import { loadConfig } from '../src/config/load-config.js';
import type { VigilConfig } from '../src/config/config-schema.js';
import { loadClusterConnection } from '../src/kube/load-cluster-connection.js';

export interface FindingsMemoryReport {
  tlsSecretFindings: number;
  bySeverity: Record<string, number>;
  /** sha256 of the JSON output as `vigil check` would write it. */
  outputSha256: string;
  outputBytes: number;
  checkMs: number;
  renderMs: number;
  /** process.resourceUsage().maxRSS at the end (MB): the child's peak resident set. */
  peakRssMb: number;
  /** RSS right after the check, before rendering (MB). */
  rssAfterCheckMb: number;
  /** Live heap after a full GC: before the check, after it (findings held), largest while rendering. */
  heapBeforeMb: number;
  heapAfterCheckMb: number;
  heapRenderPeakMb: number;
  /** Largest heapTotal (V8 heap committed), external and RSS sampled every 50 ms (MB). */
  heapTotalPeakMb: number;
  externalPeakMb: number;
  rssSampledPeakMb: number;
}

const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;
function liveHeap(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** The TLS Secret pages as the certificate check reads them, each dropped: the count of Secrets. */
async function walkOnly(config: VigilConfig): Promise<number> {
  const cluster = config.clusters[0];
  if (!cluster) throw new Error('the config lists no cluster');
  const target = loadClusterConnection({
    ...cluster,
    requestTimeoutMs: cluster.requestTimeoutSeconds * 1000,
  });
  await target.ping();
  const reader = await certificateCheck.reader({ cluster, config, target });
  let secrets = 0;
  for await (const page of reader.tlsSecretPages(config.certificates.secretPageSize)) secrets += page.length;
  return secrets;
}

async function main(configPath: string, nowIso: string, mode: string): Promise<FindingsMemoryReport> {
  const config = loadConfig(configPath);
  const now = new Date(nowIso);
  const heapBefore = liveHeap();
  const peaks = { heapTotal: 0, external: 0, rss: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peaks.heapTotal = Math.max(peaks.heapTotal, m.heapTotal);
    peaks.external = Math.max(peaks.external, m.external);
    peaks.rss = Math.max(peaks.rss, m.rss);
  };
  const sampler = setInterval(sample, 50);
  const t0 = performance.now();
  if (mode === 'walk') {
    const secrets = await walkOnly(config);
    const walkMs = performance.now() - t0;
    const rssAfterWalk = process.memoryUsage().rss;
    const heapAfterWalk = liveHeap();
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    clearInterval(sampler);
    sample();
    return {
      tlsSecretFindings: secrets,
      bySeverity: {},
      outputSha256: '',
      outputBytes: 0,
      checkMs: walkMs,
      renderMs: 0,
      peakRssMb,
      rssAfterCheckMb: rssAfterWalk / MB,
      heapBeforeMb: heapBefore / MB,
      heapAfterCheckMb: heapAfterWalk / MB,
      heapRenderPeakMb: heapAfterWalk / MB,
      heapTotalPeakMb: peaks.heapTotal / MB,
      externalPeakMb: peaks.external / MB,
      rssSampledPeakMb: peaks.rss / MB,
    };
  }
  const result = await runCheckCommand(
    config,
    { clusters: [], only: ['certificates'], output: 'json', problemsOnly: false, color: false },
    () => now,
  );
  const checkMs = performance.now() - t0;
  const rssAfterCheck = process.memoryUsage().rss;
  const heapAfterCheck = liveHeap();

  const hash = createHash('sha256');
  let bytes = 0;
  let chunks = 0;
  let heapRenderPeak = 0;
  // Counted from the output itself: what a consumer of the JSON sees. The tail carried over to the
  // next chunk is one character short of a match, so no match is counted twice.
  const pattern = '"source": "tls-secret"';
  let tail = '';
  let tlsSecretFindings = 0;
  const sink = new Writable({
    decodeStrings: false,
    write(chunk: string, _enc, done) {
      hash.update(chunk);
      bytes += Buffer.byteLength(chunk);
      const text = tail + chunk;
      tlsSecretFindings += text.split(pattern).length - 1;
      tail = text.slice(-(pattern.length - 1));
      if (++chunks % 5000 === 0) heapRenderPeak = Math.max(heapRenderPeak, liveHeap());
      done();
    },
  });
  const t1 = performance.now();
  await writeChunks(sink, result.output());
  const renderMs = performance.now() - t1;
  heapRenderPeak = Math.max(heapRenderPeak, liveHeap());
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  clearInterval(sampler);
  sample();

  const bySeverity: Record<string, number> = {};
  for (const c of result.report.clusters)
    for (const f of c.findings)
      if (f.source === 'tls-secret') bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
  return {
    tlsSecretFindings,
    bySeverity,
    outputSha256: hash.digest('hex'),
    outputBytes: bytes,
    checkMs,
    renderMs,
    peakRssMb,
    rssAfterCheckMb: rssAfterCheck / MB,
    heapBeforeMb: heapBefore / MB,
    heapAfterCheckMb: heapAfterCheck / MB,
    heapRenderPeakMb: heapRenderPeak / MB,
    heapTotalPeakMb: peaks.heapTotal / MB,
    externalPeakMb: peaks.external / MB,
    rssSampledPeakMb: peaks.rss / MB,
  };
}

const [configPath, nowIso, mode = 'check'] = process.argv.slice(2);
if (!configPath || !nowIso || (mode !== 'check' && mode !== 'walk')) {
  process.stderr.write(
    'usage: node --expose-gc --import tsx bench/findings-memory-child.ts CONFIG.yaml NOW_ISO [check|walk]\n',
  );
  process.exitCode = 2;
} else {
  main(configPath, nowIso, mode).then(
    (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
    (err: unknown) => {
      process.stderr.write(
        `findings-memory-child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = 1;
    },
  );
}

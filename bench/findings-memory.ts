/**
 * Benchmark (not a test): does `vigil check --only certificates --output json` keep flat memory
 * from 10,000 to 100,000 TLS Secrets? Runs bench/findings-memory-child.ts (runCheckCommand and
 * writeChunks in-process, no CLI startup) against one fake API server per size, in the same run:
 *
 *   npx tsx bench/findings-memory.ts [--runs 3] [--sizes 10000,100000] [--namespaces 1000]
 *                                    [--page-size 500] [--baseline DIR] [--walk]
 *
 * Both fakes (src/simulator/kube-api-server, seeded by bench/bench-cluster.ts: ten chains reused,
 * one Opaque Secret per five TLS ones) run in this process, so the child's RSS is vigil's alone.
 * Each run visits every size (and every tree) in rotating order. The child's clock is fixed at the
 * instant the certificates were issued, so every child against the same fake must print the same
 * bytes: the run fails otherwise, or when the output does not hold one tls-secret finding per
 * Secret. `--baseline DIR` also runs the child from another source tree (an older commit exported
 * with `git archive`, node_modules linked; this child is copied in when it has none), to compare
 * memory and prove identical output against the same fakes. `--walk` adds a row per size for the
 * Secret walk alone (pages read through the certificate check's reader and dropped, no findings):
 * what the walk itself costs, to read the check's rows against. Prints per-run numbers, medians and
 * the load average before and after.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FakeKubeApiServer } from '../src/simulator/kube-api-server/index.js';
import { chains, seed } from './bench-cluster.js';
import { NODE, REPO, VIGIL_NODE_FLAGS, exitWithHelpIf, positiveInt } from './bench-cli.js';
import { median, table } from './bench-stats.js';
import type { FindingsMemoryReport } from './findings-memory-child.js';
import { measure } from './measure-process.js';

const TOKEN = 'bench-token';
const CHILD = 'bench/findings-memory-child.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    sizes: { type: 'string', default: '10000,100000' },
    namespaces: { type: 'string', default: '1000' },
    'page-size': { type: 'string', default: '500' },
    baseline: { type: 'string' },
    walk: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
exitWithHelpIf(args.help, import.meta.url);
const RUNS = positiveInt('runs', args.runs);
const SIZES = args.sizes.split(',').map((s) => positiveInt('sizes', s));
const NAMESPACES = positiveInt('namespaces', args.namespaces);
const PAGE_SIZE = positiveInt('page-size', args['page-size']);
const TREES: { name: string; dir: string }[] = [{ name: 'this tree', dir: REPO }];
if (args.baseline) TREES.push({ name: 'baseline', dir: resolve(args.baseline) });

interface Sample extends FindingsMemoryReport {
  /** GNU time's view of the child: peak RSS (MB) and user + system CPU (ms). */
  timePeakRssMb: number;
  cpuMs: number;
}

async function main(): Promise<number> {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-findings-memory-'));
  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const { chains: cs, serving, ca } = chains(now);
  const fakes: FakeKubeApiServer[] = [];
  try {
    for (const t of TREES) {
      if (!existsSync(join(t.dir, CHILD))) copyFileSync(join(REPO, CHILD), join(t.dir, CHILD));
    }
    const configs = new Map<number, string>();
    for (const n of SIZES) {
      const fake = await FakeKubeApiServer.start({
        certPem: serving.certPem,
        keyPem: serving.keyPem,
        tokens: { [TOKEN]: 'system:serviceaccount:vigil:vigil' },
      });
      fakes.push(fake);
      seed(fake, cs, { secrets: n, namespaces: NAMESPACES, opaque: Math.floor(n / 5) });
      const kubeconfig = join(dir, `kubeconfig-${n}`);
      writeFileSync(kubeconfig, fake.kubeconfig({ caPem: ca.certPem, token: TOKEN }));
      const config = join(dir, `vigil-${n}.yaml`);
      writeFileSync(
        config,
        `clusters:\n  - name: bench\n    kubeconfig: ${kubeconfig}\n` +
          `certificates:\n  secretPageSize: ${PAGE_SIZE}\n`,
      );
      configs.set(n, config);
    }
    const loadBefore = loadavg();
    log(`load average before: ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);

    type Tree = (typeof TREES)[number];
    const modes = args.walk ? ['check', 'walk'] : ['check'];
    const cells = SIZES.flatMap((n) =>
      // The walk is src/kube's, the same in every tree: measured in this one only.
      TREES.flatMap((tree, t) =>
        (t === 0 ? modes : ['check']).map((mode) => ({
          n,
          tree,
          mode,
          name: `${tree.name}${mode === 'walk' ? ', walk only' : ''}`,
        })),
      ),
    );
    const samples = new Map<string, Sample[]>();
    const hashes = new Map<number, string>();
    const key = (n: number, tree: string) => `${n} ${tree}`;
    const runOne = async (n: number, tree: Tree, mode = 'check'): Promise<Sample> => {
      const file = join(dir, 'child.json');
      const argv = [
        ...VIGIL_NODE_FLAGS,
        '--expose-gc',
        '--import',
        'tsx',
        CHILD,
        configs.get(n) ?? '',
        now.toISOString(),
        mode,
      ];
      const m = await measure(NODE, argv, file, tree.dir);
      if (m.exitCode !== 0) throw new Error(`${tree.name} child exited ${m.exitCode} at ${n}:\n${m.stderr}`);
      const r = JSON.parse(readFileSync(file, 'utf8')) as FindingsMemoryReport;
      if (r.tlsSecretFindings !== n || (r.bySeverity['unknown'] ?? 0) > 0)
        throw new Error(
          `${tree.name} ${mode} at ${n}: ${r.tlsSecretFindings} tls-secret findings (${JSON.stringify(r.bySeverity)})`,
        );
      if (mode === 'walk') return { ...r, timePeakRssMb: m.peakRssMb, cpuMs: m.cpuMs };
      const seen = hashes.get(n);
      if (seen === undefined) hashes.set(n, r.outputSha256);
      else if (seen !== r.outputSha256)
        throw new Error(`${tree.name} at ${n}: output ${r.outputSha256} differs from ${seen}`);
      return { ...r, timePeakRssMb: m.peakRssMb, cpuMs: m.cpuMs };
    };

    log('warm-up (untimed)...');
    for (const t of TREES) await runOne(SIZES[0] as number, t);
    for (let i = 0; i < RUNS; i++) {
      const order = cells.map((_, k) => cells[(k + i) % cells.length] as (typeof cells)[number]);
      for (const c of order) {
        const s = await runOne(c.n, c.tree, c.mode);
        const list = samples.get(key(c.n, c.name)) ?? [];
        list.push(s);
        samples.set(key(c.n, c.name), list);
        log(
          `run ${i + 1}/${RUNS} ${c.n} ${c.name}: peak RSS ${s.timePeakRssMb.toFixed(0)} MB, ` +
            `live heap after check ${s.heapAfterCheckMb.toFixed(1)} MB, render peak ${s.heapRenderPeakMb.toFixed(1)} MB, ` +
            `check ${(s.checkMs / 1000).toFixed(2)} s, render ${(s.renderMs / 1000).toFixed(2)} s, cpu ${(s.cpuMs / 1000).toFixed(2)} s`,
        );
      }
    }

    const f1 = (x: number) => x.toFixed(1);
    const f0 = (x: number) => x.toFixed(0);
    const s2 = (x: number) => (x / 1000).toFixed(2);
    const columns: [string, (s: Sample) => number, (x: number) => string][] = [
      ['peak RSS MB', (s) => s.timePeakRssMb, f0],
      ['RSS after check MB', (s) => s.rssAfterCheckMb, f0],
      ['live heap before MB', (s) => s.heapBeforeMb, f1],
      ['live heap after check MB', (s) => s.heapAfterCheckMb, f1],
      ['live heap render peak MB', (s) => s.heapRenderPeakMb, f1],
      ['heap committed peak MB', (s) => s.heapTotalPeakMb, f0],
      ['external peak MB', (s) => s.externalPeakMb, f0],
      ['check s', (s) => s.checkMs, s2],
      ['render s', (s) => s.renderMs, s2],
      ['CPU s', (s) => s.cpuMs, s2],
      ['output MB', (s) => s.outputBytes / 1024 / 1024, f1],
    ];
    const rows = cells.map((c) => {
      const list = samples.get(key(c.n, c.name)) ?? [];
      return [
        `${c.n}`,
        c.name,
        ...columns.map(
          ([, get, fmt]) => `${list.map((s) => fmt(get(s))).join('/')} → ${fmt(median(list.map(get)))}`,
        ),
      ];
    });
    process.stdout.write(
      `\n${SIZES.join(' / ')} TLS Secrets in ${NAMESPACES} namespaces, page size ${PAGE_SIZE}, ${RUNS} runs (each run, then → median)\n\n` +
        `${table([['Secrets', 'run', ...columns.map(([t]) => t)], ...rows])}\n\n` +
        `identical output per size across ${TREES.map((t) => t.name).join(' and ')}: ` +
        `${[...hashes].map(([n, h]) => `${n} ${h.slice(0, 12)}`).join(', ')}\n` +
        `load average before: ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after: ${loadavg()
          .map((x) => x.toFixed(2))
          .join(' ')}\n`,
    );
    return 0;
  } finally {
    for (const f of fakes) await f.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `findings-memory: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 2;
  },
);

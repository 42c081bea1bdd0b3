/**
 * Benchmark (not a test): how fast each `vigil` command starts, and what it loads. Target (issue
 * 12): `vigil --help` and `vigil --version` under 150 ms from the compiled build, and `vigil check`
 * loading no chat or queue SDK.
 *
 *   npm run bench:cli -- --runs 9
 *   npx tsx bench/cli-startup.ts [--runs 9] [--compare REV] [--secrets 200]
 *
 * vigil is compiled by tsconfig.build.json into a temp dir and run as the container image runs it:
 * `node --max-semi-space-size=1 --expose-gc build/bin/vigil.js ...` (bin/vigil.js prefers dist/).
 * --compare REV also compiles that git revision (exported with `git archive`, built the same way), and
 * every command then runs against both builds in alternating order, so that the two columns come
 * from the same run on the same machine load.
 *
 * Commands: `--help`, `--version`, `check --help`, `serve --help`, `demo --help`, `agent --help`, and
 * `check --output json` against a simulated cluster (src/simulator/kube-api-server in this process,
 * real TLS, seeded with --secrets TLS Secrets). Each runs --runs times after one untimed warm-up:
 * wall time from spawn to exit; CPU (user + system, GNU time's %U + %S, 10 ms resolution: the figure
 * that depends least on a busy machine) and peak RSS from GNU time (%M) or /proc polling
 * (bench/measure-process.ts).
 * One extra run per command goes through test/support/record-loaded-packages.mjs, which records
 * which npm packages and how many of vigil's own modules the command loaded (not timed: the hook
 * slows loading). `check`'s output is checked: JSON with findings for the simulated cluster.
 *
 * Prints the medians per command and build. Exits 1 when the current build misses the target
 * (median `--help` or `--version` at 150 ms or more, or `check` loading @slack/*, botbuilder,
 * bullmq or ioredis), 2 when a command fails or prints the wrong thing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FakeKubeApiServer } from '../src/simulator/kube-api-server/index.js';
import { chains, seed } from './bench-cluster.js';
import { REPO, NODE, VIGIL_NODE_FLAGS, buildDist, exitWithHelpIf, positiveInt } from './bench-cli.js';
import { median, ms, table } from './bench-stats.js';
import { measure, type Measured } from './measure-process.js';

const TARGET_MS = 150;
const TOKEN = 'bench-token';
const RECORDER = join(REPO, 'test', 'support', 'record-loaded-packages.mjs');
/** The SDKs `vigil check` must not load: chat platforms and the job queue (issue 12). */
const CHAT_AND_QUEUE = /^(@slack\/|botbuilder|bullmq$|ioredis$)/;
/** Packages worth naming in the report: the SDKs and the heavier libraries. */
const NOTABLE =
  /^(@kubernetes\/client-node|@slack\/bolt|@slack\/web-api|botbuilder|bullmq|ioredis|zod|yaml|node-forge|pino|prom-client|undici|cron-parser|node-cron)$/;

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' },
    compare: { type: 'string' },
    secrets: { type: 'string', default: '200' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
exitWithHelpIf(args.help, import.meta.url);
const RUNS = positiveInt('runs', args.runs);
const SECRETS = positiveInt('secrets', args.secrets);

interface Build {
  label: string;
  bin: string;
}

interface Command {
  label: string;
  argv: string[];
  /** Throws when the command's exit code or output is wrong. */
  verify(exitCode: number, stdout: string): void;
}

interface Loaded {
  packages: Record<string, number>;
  ownModules: number;
}

/** `git archive REV` of what the build needs, with node_modules linked, compiled as this checkout is. */
function buildRevision(rev: string, dir: string): Build {
  const src = join(dir, 'src-tree');
  mkdirSync(src);
  const archive = spawnSync(
    'sh',
    [
      '-c',
      `git -C "${REPO}" archive "${rev}" src handlers jobs bin package.json tsconfig.json tsconfig.build.json | tar -x -C "${src}"`,
    ],
    { encoding: 'utf8' },
  );
  if (archive.status !== 0) throw new Error(`git archive ${rev} failed: ${archive.stderr}`);
  symlinkSync(join(REPO, 'node_modules'), join(src, 'node_modules'), 'dir');
  buildDist(dir, src);
  return { label: rev, bin: join(dir, 'build', 'bin', 'vigil.js') };
}

function usageCommand(label: string, argv: string[]): Command {
  return {
    label,
    argv,
    verify(code, stdout) {
      if (code !== 0 || !stdout.includes('Usage:')) throw new Error(`${label} exited ${code} without usage`);
    },
  };
}

function commands(config: string): Command[] {
  return [
    usageCommand('--help', ['--help']),
    {
      label: '--version',
      argv: ['--version'],
      verify(code, stdout) {
        // An older build without --version prints usage and exits 3: reported, not judged.
        if (code === 0 && !/^vigil \d+\.\d+\.\d+/.test(stdout))
          throw new Error(`--version printed ${stdout}`);
      },
    },
    usageCommand('check --help', ['check', '--help']),
    {
      label: 'check (simulated cluster)',
      argv: ['check', '--config', config, '--output', 'json'],
      verify(code, stdout) {
        const report = JSON.parse(stdout) as { findings?: { cluster: string; source: string }[] };
        const tls = report.findings?.filter((f) => f.cluster === 'bench' && f.source === 'tls-secret') ?? [];
        if (code !== 2 || tls.length !== SECRETS)
          throw new Error(`check exited ${code} with ${tls.length} of ${SECRETS} TLS Secret findings`);
      },
    },
    usageCommand('serve --help', ['serve', '--help']),
    usageCommand('demo --help', ['demo', '--help']),
    usageCommand('agent --help', ['agent', '--help']),
  ];
}

async function runOnce(build: Build, cmd: Command, dir: string, record?: string): Promise<Measured> {
  const stdoutFile = join(dir, 'stdout');
  const hook = record ? ['--import', RECORDER] : [];
  if (record) process.env['VIGIL_RECORD_PACKAGES'] = record;
  else delete process.env['VIGIL_RECORD_PACKAGES'];
  const m = await measure(NODE, [...VIGIL_NODE_FLAGS, ...hook, build.bin, ...cmd.argv], stdoutFile, dir);
  try {
    cmd.verify(m.exitCode, readFileSync(stdoutFile, 'utf8'));
  } catch (err) {
    throw new Error(`${build.label} ${cmd.label}: ${(err as Error).message}\n${m.stderr.slice(0, 2000)}`, {
      cause: err,
    });
  }
  return m;
}

function notable(loaded: Loaded): string {
  const names = Object.keys(loaded.packages)
    .filter((p) => NOTABLE.test(p))
    .sort();
  return names.length === 0 ? '(none)' : names.join(', ');
}

async function main(): Promise<number> {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-cli-'));
  const now = new Date();
  const { chains: cs, serving, ca } = chains(now);
  const fake = await FakeKubeApiServer.start({
    certPem: serving.certPem,
    keyPem: serving.keyPem,
    tokens: { [TOKEN]: 'system:serviceaccount:vigil:vigil' },
  });
  try {
    seed(fake, cs, { secrets: SECRETS, namespaces: 10, opaque: 20 });
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, fake.kubeconfig({ caPem: ca.certPem, token: TOKEN }));
    const config = join(dir, 'vigil.yaml');
    writeFileSync(config, `clusters:\n  - name: bench\n    kubeconfig: ${kubeconfig}\n`);

    log('compiling the current checkout (tsconfig.build.json)...');
    const currentDir = join(dir, 'current');
    mkdirSync(currentDir);
    buildDist(currentDir);
    const builds: Build[] = [{ label: 'current', bin: join(currentDir, 'build', 'bin', 'vigil.js') }];
    if (args.compare) {
      log(`compiling ${args.compare} for comparison...`);
      const revDir = join(dir, 'compare');
      mkdirSync(revDir);
      builds.unshift(buildRevision(args.compare, revDir));
    }

    const cmds = commands(config);
    const wall = new Map<string, number[]>();
    const rss = new Map<string, number[]>();
    const cpu = new Map<string, number[]>();
    const loaded = new Map<string, Loaded>();
    const key = (b: Build, c: Command) => `${b.label}\u0000${c.label}`;
    const load0 = loadavg()[0] ?? NaN;
    for (const cmd of cmds) {
      for (const b of builds) {
        await runOnce(b, cmd, dir); // warm-up: page cache, V8 code cache of node itself
        const record = join(dir, 'loaded.json');
        await runOnce(b, cmd, dir, record);
        loaded.set(key(b, cmd), JSON.parse(readFileSync(record, 'utf8')) as Loaded);
      }
      for (let run = 0; run < RUNS; run++) {
        // Alternate which build goes first, so neither always runs right after the other.
        const order = run % 2 === 0 ? builds : [...builds].reverse();
        for (const b of order) {
          const m = await runOnce(b, cmd, dir);
          wall.set(key(b, cmd), [...(wall.get(key(b, cmd)) ?? []), m.wallMs]);
          rss.set(key(b, cmd), [...(rss.get(key(b, cmd)) ?? []), m.peakRssMb]);
          cpu.set(key(b, cmd), [...(cpu.get(key(b, cmd)) ?? []), m.cpuMs]);
        }
      }
      log(`  ${cmd.label}: done`);
    }
    const load1 = loadavg()[0] ?? NaN;

    const rows: string[][] = [
      [
        'command',
        ...builds.flatMap((b) => [`${b.label} ms`, 'CPU ms', 'MB', 'own modules', 'packages loaded']),
      ],
    ];
    for (const cmd of cmds) {
      rows.push([
        cmd.label,
        ...builds.flatMap((b) => {
          const l = loaded.get(key(b, cmd)) as Loaded;
          return [
            ms(median(wall.get(key(b, cmd)) ?? [])),
            ms(median(cpu.get(key(b, cmd)) ?? [])),
            ms(median(rss.get(key(b, cmd)) ?? [])),
            String(l.ownModules),
            notable(l),
          ];
        }),
      ]);
    }
    const nodeVersion = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
    process.stdout.write(
      `vigil CLI start-up, compiled build, node ${nodeVersion} ${VIGIL_NODE_FLAGS.join(' ')}, ` +
        `${RUNS} runs per command, medians; load average ${load0.toFixed(2)} -> ${load1.toFixed(2)}\n\n` +
        `${table(rows)}\n\n`,
    );
    for (const cmd of cmds) {
      const l = loaded.get(key(builds.at(-1) as Build, cmd)) as Loaded;
      const all = Object.entries(l.packages)
        .sort((a, b) => b[1] - a[1])
        .map(([p, n]) => `${p} ${n}`);
      process.stdout.write(`current ${cmd.label}: ${all.join(', ') || 'no npm package'}\n`);
    }

    const current = builds.at(-1) as Build;
    const problems: string[] = [];
    for (const label of ['--help', '--version']) {
      const cmd = cmds.find((c) => c.label === label) as Command;
      const m = median(wall.get(key(current, cmd)) ?? []);
      if (!(m < TARGET_MS)) problems.push(`${label} took a median of ${ms(m)} ms (target < ${TARGET_MS} ms)`);
    }
    const check = cmds.find((c) => c.label.startsWith('check (')) as Command;
    const sdks = Object.keys(loaded.get(key(current, check))?.packages ?? {}).filter((p) =>
      CHAT_AND_QUEUE.test(p),
    );
    if (sdks.length > 0) problems.push(`check loaded ${sdks.join(', ')}`);
    process.stdout.write(
      problems.length === 0 ? '\ntarget met\n' : `\ntarget missed: ${problems.join('; ')}\n`,
    );
    return problems.length === 0 ? 0 : 1;
  } finally {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);

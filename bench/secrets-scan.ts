/**
 * Benchmark (not a test): vigil's TLS Secret scan against the floor (the same pages fetched and
 * JSON-decoded, nothing else) and against `kubectl get secrets -A --field-selector
 * type=kubernetes.io/tls -o json`, all talking to the same fake API server in the same run.
 *
 *   npm run bench:secrets -- --runs 3
 *   npx tsx bench/secrets-scan.ts [--runs 3] [--secrets 10000] [--namespaces 200] [--opaque 2000]
 *                                 [--page-size 500] [--kubectl PATH] [--skip tsx,kubectl] [--serve]
 *   npx tsx bench/secrets-scan.ts --secrets 100000 --namespaces 1000 --opaque 20000 --skip tsx,kubectl
 *
 * --serve seeds the fake, prints the config and kubectl command, and keeps serving until Ctrl-C: for
 * profiling by hand (e.g. `node --import tsx --cpu-prof src/main.ts check --config ...`).
 *
 * The fake (src/simulator/kube-api-server) runs in this process, seeded with TLS Secrets spread over
 * namespaces plus Opaque ones that the server-side selector must skip. The Secrets are generated on
 * read (bench/bench-cluster.ts), so the fake holds only their keys. Each run, in rotating order:
 *   floor         bench/floor-child.ts under plain node: the same paginated list over HTTPS with
 *                 keep-alive, each page JSON-decoded, no certificate work: what no scan can beat;
 *   vigil (tsx)   `vigil check --only certificates --output json` from the source checkout
 *                 (`node --import tsx src/main.ts`): wall time and peak RSS of the whole CLI;
 *   vigil (dist)  the same command compiled by tsconfig.build.json into a temp dir, as the
 *                 container image runs it (bin/vigil.js prefers dist/);
 *   kubectl       the plain listing, wall time and peak RSS;
 * then bench/scan-child.ts: the Secret walk alone, timed inside the process (no startup), with RSS
 * and heap sampled per page. Output is checked: 10,000 readable tls-secret findings, 10,000 items.
 * Peak RSS comes from GNU time (`%M`, which covers waited-for descendants too) when installed,
 * else from polling VmHWM in /proc for the child and its descendants.
 * `--skip` leaves out `tsx` (the source-checkout row) and/or `kubectl` (about 75 MB of RSS per
 * 1,000 Secrets: 7 GB at 100,000). Prints per-run numbers, medians and the load average before and
 * after; exits 1 when the compiled vigil misses the target: median wall time above 1.5 x the
 * floor's, or median peak RSS at or above 150 MB.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:https';
import { cpus, loadavg, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { FakeKubeApiServer } from '../src/simulator/kube-api-server/index.js';
import type { FloorChildReport } from './floor-child.js';
import type { ScanChildReport } from './scan-child.js';
import { chains, seed, TLS_TYPE } from './bench-cluster.js';
import { hasGnuTime, measure, type Measured } from './measure-process.js';
import { median, table } from './bench-stats.js';
import { REPO, NODE, VIGIL_NODE_FLAGS, buildDist, exitWithHelpIf, positiveInt } from './bench-cli.js';

const TOKEN = 'bench-token';
const MEMORY_TARGET_MB = 150;
/** vigil (dist) may take at most this many times the floor's wall time. */
const FLOOR_RATIO_TARGET = 1.5;

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    secrets: { type: 'string', default: '10000' },
    namespaces: { type: 'string', default: '200' },
    opaque: { type: 'string', default: '2000' },
    'page-size': { type: 'string', default: '500' },
    kubectl: { type: 'string' },
    skip: { type: 'string', default: '' },
    serve: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
exitWithHelpIf(args.help, import.meta.url);
const RUNS = positiveInt('runs', args.runs);
const SECRETS = positiveInt('secrets', args.secrets);
const NAMESPACES = positiveInt('namespaces', args.namespaces);
const OPAQUE = Number(args.opaque) >= 0 ? Math.floor(Number(args.opaque)) : 0;
const PAGE_SIZE = positiveInt('page-size', args['page-size']);
const SKIP = new Set(args.skip.split(',').filter(Boolean));
for (const k of SKIP) {
  if (k !== 'tsx' && k !== 'kubectl') throw new Error(`--skip takes tsx and/or kubectl, not "${k}"`);
}

/** GET /version as the kubectl dispatcher does, to pick the kubectl it would run. */
function serverVersion(
  url: string,
  caPem: string,
): Promise<{ major: string; minor: string; gitVersion: string }> {
  return new Promise((res, rej) => {
    const req = request(`${url}/version`, { ca: caPem }, (r) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (body += c));
      r.on('end', () => res(JSON.parse(body) as { major: string; minor: string; gitVersion: string }));
    });
    req.on('error', rej);
    req.end();
  });
}

interface VigilJson {
  findings: { source: string; severity: string; object: string }[];
}

function checkVigil(
  m: Measured,
  stdoutFile: string,
): { findings: number; bySeverity: Record<string, number> } {
  // Exit codes 0-3 are the worst severity found; anything else (or no JSON) is a crash.
  let json: VigilJson;
  try {
    json = JSON.parse(readFileSync(stdoutFile, 'utf8')) as VigilJson;
  } catch {
    throw new Error(`vigil exited ${m.exitCode} without JSON output:\n${m.stderr}`);
  }
  const secretFindings = json.findings.filter((f) => f.source === 'tls-secret');
  const bySeverity: Record<string, number> = {};
  for (const f of secretFindings) bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
  if (secretFindings.length !== SECRETS || (bySeverity['unknown'] ?? 0) > 0) {
    const odd = json.findings.filter((f) => f.severity === 'unknown').slice(0, 3);
    throw new Error(
      `vigil reported ${secretFindings.length} tls-secret findings (${JSON.stringify(bySeverity)}), expected ${SECRETS} readable ones; ` +
        `exit ${m.exitCode}; first unknown findings: ${JSON.stringify(odd)}\n${m.stderr}`,
    );
  }
  return { findings: secretFindings.length, bySeverity };
}

function checkEmpty(m: Measured, stdoutFile: string): void {
  let json: VigilJson;
  try {
    json = JSON.parse(readFileSync(stdoutFile, 'utf8')) as VigilJson;
  } catch {
    throw new Error(`vigil (0 Secrets) exited ${m.exitCode} without JSON output:\n${m.stderr}`);
  }
  const n = json.findings.filter((f) => f.source === 'tls-secret').length;
  if (n !== 0) throw new Error(`vigil reported ${n} tls-secret findings on the cluster without Secrets`);
}

function checkKubectl(m: Measured, stdoutFile: string): number {
  if (m.exitCode !== 0) throw new Error(`kubectl exited ${m.exitCode}:\n${m.stderr}`);
  const list = JSON.parse(readFileSync(stdoutFile, 'utf8')) as { items: { type?: string }[] };
  const tls = list.items.filter((s) => s.type === TLS_TYPE).length;
  if (list.items.length !== SECRETS || tls !== SECRETS) {
    throw new Error(
      `kubectl listed ${list.items.length} Secrets (${tls} TLS), expected ${SECRETS} TLS Secrets`,
    );
  }
  return list.items.length;
}

function readFloor(m: Measured, stdoutFile: string): FloorChildReport {
  if (m.exitCode !== 0) throw new Error(`floor-child exited ${m.exitCode}:\n${m.stderr}`);
  const r = JSON.parse(readFileSync(stdoutFile, 'utf8')) as FloorChildReport;
  if (r.items !== SECRETS) throw new Error(`the floor listed ${r.items} TLS Secrets, expected ${SECRETS}`);
  return r;
}

// ---------------------------------------------------------------- report

const sec = (ms: number) => (ms / 1000).toFixed(2);
const mb = (x: number) => x.toFixed(0);

// ---------------------------------------------------------------- main

interface Tool {
  name: string;
  cmd: string;
  argv: string[];
  check: (m: Measured, stdoutFile: string) => void;
}

type Run = Measured & { listRequests: number; floorWalkMs?: number };

async function main(): Promise<number> {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const now = new Date();
  const setupStart = performance.now();
  const { chains: cs, daysLeft, serving, ca } = chains(now);
  const fake = await FakeKubeApiServer.start({
    certPem: serving.certPem,
    keyPem: serving.keyPem,
    tokens: { [TOKEN]: 'system:serviceaccount:vigil:vigil' },
  });
  const empty = await FakeKubeApiServer.start({
    certPem: serving.certPem,
    keyPem: serving.keyPem,
    tokens: { [TOKEN]: 'system:serviceaccount:vigil:vigil' },
  });
  try {
    seed(fake, cs, { secrets: SECRETS, namespaces: NAMESPACES, opaque: OPAQUE });
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, fake.kubeconfig({ caPem: ca.certPem, token: TOKEN }));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, ca.certPem);
    const config = join(dir, 'vigil.yaml');
    writeFileSync(
      config,
      `clusters:\n  - name: bench\n    kubeconfig: ${kubeconfig}\n` +
        `certificates:\n  secretPageSize: ${PAGE_SIZE}\n`,
    );
    const kubectlCache = join(dir, 'kubectl-cache');
    mkdirSync(kubectlCache);
    // The same CLI against a cluster without Secrets: what `vigil check` costs before the walk
    // (startup, access check, the other certificate sources, rendering), to read the rows against.
    const emptyKubeconfig = join(dir, 'kubeconfig-empty');
    writeFileSync(emptyKubeconfig, empty.kubeconfig({ caPem: ca.certPem, token: TOKEN }));
    const emptyConfig = join(dir, 'vigil-empty.yaml');
    writeFileSync(emptyConfig, `clusters:\n  - name: empty\n    kubeconfig: ${emptyKubeconfig}\n`);

    // The kubectl on PATH here is often gcloud's dispatcher, which GETs /version and then runs
    // kubectl.<major>.<minor> beside itself. Call that binary directly so that what is measured is
    // kubectl itself, not kubectl plus a dispatcher process.
    const version = await serverVersion(fake.url, ca.certPem);
    const kubectl = SKIP.has('kubectl')
      ? 'kubectl'
      : (args.kubectl ?? resolveKubectl(`${version.major}.${version.minor.replace(/\D.*$/, '')}`));
    const kubectlVersion = SKIP.has('kubectl') ? 'skipped' : clientVersion(kubectl);
    const nodeVersion = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const kubectlArgv = [
      '--kubeconfig',
      kubeconfig,
      '--cache-dir',
      kubectlCache,
      'get',
      'secrets',
      '-A',
      '--field-selector',
      `type=${TLS_TYPE}`,
      '-o',
      'json',
    ];
    const vigilCheck = ['check', '--config', config, '--only', 'certificates', '--output', 'json'];

    log(
      `fake API server ${fake.url} (${version.gitVersion}): ${SECRETS} TLS Secrets in ${NAMESPACES} namespaces, ` +
        `${OPAQUE} Opaque Secrets, ${cs.length} distinct chains (tls.crt ${cs[0]?.tlsCrt.length ?? 0} B PEM); ` +
        `setup ${sec(performance.now() - setupStart)} s`,
    );
    if (args.serve) {
      log(
        `config ${config}\nkubeconfig ${kubeconfig}\n${NODE} --import tsx src/main.ts ${vigilCheck.join(' ')}`,
      );
      log(`${kubectl} ${kubectlArgv.join(' ')}`);
      log('serving until Ctrl-C');
      await new Promise<void>((res) => process.once('SIGINT', () => res()));
      return 0;
    }
    log(`node ${nodeVersion}, kubectl ${kubectlVersion} (${kubectl})`);
    const loadBefore = loadavg();
    log(`load average before: ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);
    log(
      `peak RSS via ${hasGnuTime ? 'GNU time %M' : '/proc VmHWM polling (apt-get install -y time for GNU time)'}`,
    );
    log('compiling vigil (tsconfig.build.json) into a temp dir...');
    const distMain = buildDist(dir);

    // The same node flags as bin/vigil.js, the npm scripts and the container image.
    const allTools: Tool[] = [
      {
        name: 'floor',
        cmd: NODE,
        argv: ['bench/floor-child.ts', fake.url, caFile, TOKEN, String(PAGE_SIZE)],
        check: (m, file) => void readFloor(m, file),
      },
      {
        name: 'vigil (tsx)',
        cmd: NODE,
        argv: [...VIGIL_NODE_FLAGS, '--import', 'tsx', 'src/main.ts', ...vigilCheck],
        check: checkVigil,
      },
      {
        name: 'vigil (dist)',
        cmd: NODE,
        argv: [...VIGIL_NODE_FLAGS, distMain, ...vigilCheck],
        check: checkVigil,
      },
      { name: 'kubectl', cmd: kubectl, argv: kubectlArgv, check: checkKubectl },
      {
        name: 'vigil (dist) 0 Secrets',
        cmd: NODE,
        argv: [
          ...VIGIL_NODE_FLAGS,
          distMain,
          'check',
          '--config',
          emptyConfig,
          '--only',
          'certificates',
          '--output',
          'json',
        ],
        check: checkEmpty,
      },
    ];
    const tools = allTools.filter(
      (t) => !(SKIP.has('tsx') && t.name === 'vigil (tsx)') && !(SKIP.has('kubectl') && t.name === 'kubectl'),
    );
    const vigils = tools.filter((t) => t.name === 'vigil (tsx)' || t.name === 'vigil (dist)');
    // --expose-gc: scan-child measures the live heap before and after the walk after a full GC.
    const scanArgv = [...VIGIL_NODE_FLAGS, '--expose-gc', '--import', 'tsx', 'bench/scan-child.ts', config];

    const secretLists = () => fake.requests.filter((r) => r.path === '/api/v1/secrets').length;
    const run = async (cmd: string, argv: string[], file: string): Promise<Run> => {
      const before = secretLists();
      const m = await measure(cmd, argv, file, REPO);
      return { ...m, listRequests: secretLists() - before };
    };

    // Untimed warm-up: tsx's compile cache, kubectl's discovery cache, the fake's JIT.
    log('warm-up (untimed)...');
    const warmFile = join(dir, 'warm.json');
    const firstVigil = vigils[0] as Tool;
    const found = checkVigil(await run(NODE, firstVigil.argv, warmFile), warmFile);
    for (const t of tools) if (t !== firstVigil) t.check(await run(t.cmd, t.argv, warmFile), warmFile);
    const severities = Object.entries(found.bySeverity)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    log(`vigil findings for the Secrets: ${severities} (expiry mix: daysLeft ${daysLeft.join(', ')})`);
    const listQuery = fake.requests.find((r) => r.path === '/api/v1/secrets')?.query;
    if (listQuery?.['fieldSelector'] !== `type=${TLS_TYPE}`) {
      throw new Error(
        `vigil listed Secrets without the server-side type selector: ${JSON.stringify(listQuery)}`,
      );
    }

    // What vigil costs before it reads anything: loading its modules.
    const floor: Record<string, Measured> = {};
    for (const t of vigils) {
      const argv = t.argv.slice(0, t.argv.indexOf('check'));
      floor[t.name] = await measure(NODE, [...argv, '--help'], join(dir, 'help.txt'), REPO);
    }

    const rows: { runs: Record<string, Run>; scan: ScanChildReport }[] = [];
    for (let i = 1; i <= RUNS; i++) {
      // Rotate who goes first so that no tool always meets the same server state.
      const order = tools.map((_, k) => tools[(k + i - 1) % tools.length] as Tool);
      const runs: Record<string, Run> = {};
      for (const t of order) {
        const file = join(dir, `out-${i}.json`);
        const r = await run(t.cmd, t.argv, file);
        t.check(r, file);
        if (t.name === 'floor') r.floorWalkMs = readFloor(r, file).walkMs;
        runs[t.name] = r;
        rmSync(file, { force: true });
      }
      const sFile = join(dir, `scan-${i}.json`);
      const s = await run(NODE, scanArgv, sFile);
      if (s.exitCode !== 0) throw new Error(`scan-child exited ${s.exitCode}:\n${s.stderr}`);
      const scan = JSON.parse(readFileSync(sFile, 'utf8')) as ScanChildReport;
      if (scan.findings !== SECRETS)
        throw new Error(`scan-child made ${scan.findings} findings, expected ${SECRETS}`);
      rows.push({ runs, scan });
      log(
        `run ${i}/${RUNS}: ` +
          tools
            .map(
              (t) =>
                `${t.name} ${sec(runs[t.name]?.wallMs ?? NaN)} s (cpu ${sec(runs[t.name]?.cpuMs ?? NaN)} s) ${mb(runs[t.name]?.peakRssMb ?? NaN)} MB`,
            )
            .join(' | ') +
          ` | scan only ${sec(scan.scanMs)} s ${mb(scan.maxRssKb / 1024)} MB`,
      );
    }

    const col = (name: string, key: 'wallMs' | 'peakRssMb' | 'cpuMs') =>
      rows.map((r) => r.runs[name]?.[key] ?? NaN);
    const scanCol = (f: (s: ScanChildReport) => number) => rows.map((r) => f(r.scan));
    const columns: { title: string; values: number[]; fmt: (x: number) => string }[] = [
      ...tools.flatMap((t) => [
        { title: `${t.name} s`, values: col(t.name, 'wallMs'), fmt: sec },
        { title: `${t.name} MB`, values: col(t.name, 'peakRssMb'), fmt: mb },
        { title: `${t.name} cpu s`, values: col(t.name, 'cpuMs'), fmt: sec },
      ]),
      { title: 'floor walk only s', values: rows.map((r) => r.runs['floor']?.floorWalkMs ?? NaN), fmt: sec },
      { title: 'scan only s', values: scanCol((s) => s.scanMs), fmt: sec },
      { title: 'scan only MB', values: scanCol((s) => s.maxRssKb / 1024), fmt: mb },
      { title: 'scan RSS page 1 MB', values: scanCol((s) => s.rssFirstPageMb), fmt: mb },
      { title: 'scan RSS last page MB', values: scanCol((s) => s.rssLastPageMb), fmt: mb },
      { title: 'scan live heap before/after MB', values: scanCol((s) => s.heapBeforeMb), fmt: mb },
    ];
    const heapAfter = scanCol((s) => s.heapAfterMb);
    const body = rows.map((_, i) => [
      String(i + 1),
      ...columns.map((c, k) =>
        k === columns.length - 1
          ? `${c.fmt(c.values[i] ?? NaN)}/${mb(heapAfter[i] ?? NaN)}`
          : c.fmt(c.values[i] ?? NaN),
      ),
    ]);
    body.push([
      'median',
      ...columns.map((c, k) =>
        k === columns.length - 1
          ? `${c.fmt(median(c.values))}/${mb(median(heapAfter))}`
          : c.fmt(median(c.values)),
      ),
    ]);
    const last = rows.at(-1);
    const lines = [
      '',
      `${SECRETS} TLS Secrets in ${NAMESPACES} namespaces (+${OPAQUE} Opaque), page size ${PAGE_SIZE}, ${RUNS} runs, ` +
        `${cpus().length} CPUs, node ${nodeVersion}, kubectl ${kubectlVersion}`,
      `Secret list requests per run: ${tools.map((t) => `${t.name} ${last?.runs[t.name]?.listRequests ?? '?'}`).join(', ')}`,
      `startup floor (\`--help\`): ${Object.entries(floor)
        .map(([k, m]) => `${k} ${sec(m.wallMs)} s ${mb(m.peakRssMb)} MB`)
        .join(', ')}`,
      '',
      table([['run', ...columns.map((c) => c.title)], ...body]),
      '',
    ];
    const floorWall = median(col('floor', 'wallMs'));
    const kubectlWall = median(col('kubectl', 'wallMs'));
    let ok = true;
    // The target is judged on the compiled build, which is what bin/vigil.js and the container run;
    // the tsx row is a source checkout, whose loader adds about 50 MB of its own (reported, not judged).
    for (const t of vigils) {
      const wall = median(col(t.name, 'wallMs'));
      const peak = median(col(t.name, 'peakRssMb'));
      const fast = wall <= FLOOR_RATIO_TARGET * floorWall;
      const small = peak < MEMORY_TARGET_MB;
      const judged = t.name === 'vigil (dist)';
      if (judged) ok &&= fast && small;
      lines.push(
        `${t.name}${judged ? '' : ' (informative)'}: wall ${sec(wall)} s = ${(wall / floorWall).toFixed(2)} x the floor's ${sec(floorWall)} s ` +
          `(target ${FLOOR_RATIO_TARGET} x) -> ${fast ? 'met' : 'MISSED'}` +
          (SKIP.has('kubectl')
            ? ''
            : `, ${(wall / kubectlWall).toFixed(2)} x kubectl's ${sec(kubectlWall)} s`) +
          `; peak RSS ${mb(peak)} MB vs ${MEMORY_TARGET_MB} MB -> ${small ? 'met' : 'MISSED'}`,
      );
    }
    lines.push(
      `load average before: ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    return ok ? 0 : 1;
  } finally {
    await fake.stop();
    await empty.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function onPath(name: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(d, name);
    if (d && existsSync(p)) return p;
  }
  return undefined;
}

function resolveKubectl(serverMinor: string): string {
  const found = onPath('kubectl');
  if (!found) throw new Error('kubectl not found on PATH; pass --kubectl PATH');
  const versioned = join(dirname(realpathSync(found)), `kubectl.${serverMinor}`);
  return existsSync(versioned) ? versioned : found;
}

function clientVersion(kubectl: string): string {
  const r = spawnSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  try {
    return (JSON.parse(r.stdout) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion;
  } catch {
    return 'unknown';
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `secrets-scan: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 2;
  },
);

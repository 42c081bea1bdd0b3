/**
 * Benchmark (not a test): vigil's TLS Secret scan against `kubectl get secrets -A --field-selector
 * type=kubernetes.io/tls -o json`, both talking to the same fake API server in the same run.
 *
 *   npm run bench:secrets -- --runs 5
 *   npx tsx bench/secrets-scan.ts [--runs 5] [--secrets 10000] [--namespaces 200] [--opaque 2000]
 *                                 [--page-size 500] [--kubectl PATH] [--serve]
 *
 * --serve seeds the fake, prints the config and kubectl command, and keeps serving until Ctrl-C: for
 * profiling by hand (e.g. `node --import tsx --cpu-prof src/main.ts check --config ...`).
 *
 * The fake (test/fakes/kube-api-server) runs in this process, seeded with TLS Secrets spread over
 * namespaces plus Opaque ones that the server-side selector must skip. Each run, interleaved:
 *   vigil    `vigil check --only certificates --output json` as a child process (node + tsx, the
 *            source checkout's entry point): wall time and peak RSS of the whole CLI;
 *   kubectl  the plain listing, wall time and peak RSS;
 *   scan     bench/scan-child.ts: the Secret walk alone, timed inside the process (no startup).
 * Peak RSS comes from GNU time (`%M`, which covers waited-for descendants too) when installed,
 * else from polling VmHWM in /proc for the child and its descendants.
 * Prints per-run numbers and medians; exits 1 when the target is missed: vigil's median wall time
 * above kubectl's, or vigil's median peak RSS at or above 200 MB.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { cpus, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FakeKubeApiServer } from '../test/fakes/kube-api-server/index.js';
import { issueCa, issueLeaf, type IssuedCert } from '../test/fixtures/certs/cert-factory.js';
import type { ScanChildReport } from './scan-child.js';

const REPO = resolve(import.meta.dirname, '..');
const NODE = join(REPO, 'node_modules', '.bin', 'node');
const TOKEN = 'bench-token';
const MEMORY_TARGET_MB = 200;
const TLS_TYPE = 'kubernetes.io/tls';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    secrets: { type: 'string', default: '10000' },
    namespaces: { type: 'string', default: '200' },
    opaque: { type: 'string', default: '2000' },
    'page-size': { type: 'string', default: '500' },
    kubectl: { type: 'string' },
    serve: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (args.help) {
  process.stdout.write(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0] ?? '');
  process.exit(0);
}
const positiveInt = (name: string, raw: string): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not "${raw}"`);
  return n;
};
const RUNS = positiveInt('runs', args.runs);
const SECRETS = positiveInt('secrets', args.secrets);
const NAMESPACES = positiveInt('namespaces', args.namespaces);
const OPAQUE = Number(args.opaque) >= 0 ? Math.floor(Number(args.opaque)) : 0;
const PAGE_SIZE = positiveInt('page-size', args['page-size']);

// ---------------------------------------------------------------- fixture cluster

const b64 = (s: string) => Buffer.from(s).toString('base64');
const pad = (n: number, width: number) => String(n).padStart(width, '0');

interface Chain {
  tlsCrt: string;
  tlsKey: string;
  caCrt: string;
}

/**
 * A handful of distinct leaf + intermediate chains (about 2.5 KB of PEM each) reused across all
 * Secrets, as many Secrets share one wildcard certificate in real clusters. A few are expiring or
 * expired so that every severity shows up in the findings.
 */
function chains(now: Date): { chains: Chain[]; daysLeft: number[]; serving: IssuedCert; ca: IssuedCert } {
  const root = issueCa('Bench Root CA', now, { ageDays: 400 });
  const intermediate = issueCa('Bench Issuing CA R1', now, { ageDays: 200, lifetimeDays: 1825, issuer: root });
  const daysLeft = [340, 250, 180, 120, 75, 45, 20, 9, 3, -4];
  const out = daysLeft.map((d, i) => {
    const host = `svc-${i}.apps.bench.example.com`;
    const leaf = issueLeaf(host, now, d, {
      issuer: intermediate,
      sans: [host, `*.svc-${i}.apps.bench.example.com`, `svc-${i}.internal.bench.example.com`, `svc-${i}`],
      lifetimeDays: 397,
    });
    return { tlsCrt: leaf.certPem + intermediate.certPem, tlsKey: leaf.keyPem, caCrt: root.certPem };
  });
  const serving = issueLeaf('kube-apiserver', now, 300, { issuer: root, sans: ['localhost', '127.0.0.1'] });
  return { chains: out, daysLeft, serving, ca: root };
}

function tlsSecret(ns: string, name: string, chain: Chain): Record<string, unknown> {
  const created = '2025-01-15T10:00:00Z';
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: TLS_TYPE,
    metadata: {
      namespace: ns,
      name,
      labels: { 'app.kubernetes.io/name': name.replace(/-tls$/, ''), 'controller.cert-manager.io/fao': 'true' },
      // What cert-manager writes: clients must download and skip all of it.
      annotations: {
        'cert-manager.io/alt-names': `${name}.${ns}.svc,${name}.${ns}.svc.cluster.local`,
        'cert-manager.io/certificate-name': name,
        'cert-manager.io/common-name': `${name}.${ns}.svc`,
        'cert-manager.io/ip-sans': '',
        'cert-manager.io/issuer-group': 'cert-manager.io',
        'cert-manager.io/issuer-kind': 'ClusterIssuer',
        'cert-manager.io/issuer-name': 'bench-issuer',
        'cert-manager.io/uri-sans': '',
      },
      managedFields: [
        {
          apiVersion: 'v1',
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:data': { '.': {}, 'f:ca.crt': {}, 'f:tls.crt': {}, 'f:tls.key': {} },
            'f:metadata': { 'f:annotations': { '.': {} }, 'f:labels': { '.': {} } },
            'f:type': {},
          },
          manager: 'cert-manager-certificates-issuing',
          operation: 'Update',
          time: created,
        },
      ],
      creationTimestamp: created,
    },
    data: { 'tls.crt': b64(chain.tlsCrt), 'tls.key': b64(chain.tlsKey) },
  };
}

function opaqueSecret(ns: string, name: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { namespace: ns, name, labels: { 'app.kubernetes.io/name': name } },
    data: { username: b64('app'), password: b64(`pw-${name}-${'x'.repeat(24)}`), 'config.json': b64('{"a":1}'.repeat(40)) },
  };
}

/** Secrets spread round-robin over the namespaces, TLS and Opaque interleaved by name within each. */
function seed(fake: FakeKubeApiServer, cs: Chain[]): void {
  const nsName = (i: number) => `team-${pad(i % NAMESPACES, 3)}`;
  const objs: Record<string, unknown>[] = [];
  for (let i = 0; i < SECRETS; i++) {
    objs.push(tlsSecret(nsName(i), `app-${pad(i, 5)}-tls`, cs[i % cs.length] as Chain));
  }
  for (let i = 0; i < OPAQUE; i++) objs.push(opaqueSecret(nsName(i), `app-${pad(i, 5)}-db`));
  fake.upsertMany(objs);
}

/** GET /version as the kubectl dispatcher does, to pick the kubectl it would run. */
function serverVersion(url: string, caPem: string): Promise<{ major: string; minor: string; gitVersion: string }> {
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

// ---------------------------------------------------------------- measuring child processes

interface Measured {
  wallMs: number;
  peakRssMb: number;
  exitCode: number;
  stderr: string;
}

const hasGnuTime = (() => {
  if (!existsSync('/usr/bin/time')) return false;
  const r = spawnSync('/usr/bin/time', ['--version'], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.includes('GNU');
})();

/** Child pids of every process, from /proc/PID/stat (field 4 is the parent pid). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // Gone in the meantime.
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

function vmHwmKb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs a command with stdout to a file, returning wall time (spawn to exit, measured here) and the
 * peak RSS of the largest process in its tree.
 */
function measure(cmd: string, argv: string[], stdoutFile: string): Promise<Measured> {
  const out = openSync(stdoutFile, 'w');
  const timeFile = `${stdoutFile}.time`;
  const [file, fileArgs] = hasGnuTime
    ? ['/usr/bin/time', ['-f', '%e %M', '-o', timeFile, cmd, ...argv]]
    : [cmd, argv];
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const child = spawn(file, fileArgs, { cwd: REPO, stdio: ['ignore', out, 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (stderr += c));
    let polledKb = 0;
    const poll = hasGnuTime
      ? undefined
      : setInterval(() => {
          if (child.pid === undefined) return;
          for (const pid of descendants(child.pid)) polledKb = Math.max(polledKb, vmHwmKb(pid));
        }, 10);
    child.on('error', rej);
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      if (poll) clearInterval(poll);
      closeSync(out);
      let peakKb = polledKb;
      if (hasGnuTime) {
        const line = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1) ?? '';
        peakKb = Number(line.split(' ')[1]);
      }
      res({ wallMs, peakRssMb: peakKb / 1024, exitCode: code ?? -1, stderr });
    });
  });
}

// ---------------------------------------------------------------- checking what the tools returned

interface VigilJson {
  findings: { source: string; severity: string; object: string }[];
}

function checkVigil(m: Measured, stdoutFile: string): { findings: number; bySeverity: Record<string, number> } {
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

function checkKubectl(m: Measured, stdoutFile: string): number {
  if (m.exitCode !== 0) throw new Error(`kubectl exited ${m.exitCode}:\n${m.stderr}`);
  const list = JSON.parse(readFileSync(stdoutFile, 'utf8')) as { items: { type?: string }[] };
  const tls = list.items.filter((s) => s.type === TLS_TYPE).length;
  if (list.items.length !== SECRETS || tls !== SECRETS) {
    throw new Error(`kubectl listed ${list.items.length} Secrets (${tls} TLS), expected ${SECRETS} TLS Secrets`);
  }
  return list.items.length;
}

// ---------------------------------------------------------------- report

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  '))
    .join('\n');
}

const sec = (ms: number) => (ms / 1000).toFixed(2);
const mb = (x: number) => x.toFixed(0);

// ---------------------------------------------------------------- main

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
  try {
    seed(fake, cs);
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, fake.kubeconfig({ caPem: ca.certPem, token: TOKEN }));
    const config = join(dir, 'vigil.yaml');
    writeFileSync(
      config,
      `clusters:\n  - name: bench\n    kubeconfig: ${kubeconfig}\n` +
        `certificates:\n  secretPageSize: ${PAGE_SIZE}\n`,
    );
    const kubectlCache = join(dir, 'kubectl-cache');
    mkdirSync(kubectlCache);

    // The kubectl on PATH here is often gcloud's dispatcher, which GETs /version and then runs
    // kubectl.<major>.<minor> beside itself. Call that binary directly so that what is measured is
    // kubectl itself, not kubectl plus a dispatcher process.
    const version = await serverVersion(fake.url, ca.certPem);
    const kubectl = args.kubectl ?? resolveKubectl(`${version.major}.${version.minor.replace(/\D.*$/, '')}`);
    const kubectlVersion = clientVersion(kubectl);

    if (args.serve) {
      log(`config ${config}\nkubeconfig ${kubeconfig}\n${NODE} --import tsx src/main.ts check --config ${config} --only certificates --output json`);
      log(`${kubectl} --kubeconfig ${kubeconfig} --cache-dir ${kubectlCache} get secrets -A --field-selector type=${TLS_TYPE} -o json`);
      log('serving until Ctrl-C');
      await new Promise<void>((res) => process.once('SIGINT', () => res()));
      return 0;
    }

    const vigilArgv = ['--import', 'tsx', 'src/main.ts', 'check', '--config', config, '--only', 'certificates', '--output', 'json'];
    const kubectlArgv = ['--kubeconfig', kubeconfig, '--cache-dir', kubectlCache, 'get', 'secrets', '-A', '--field-selector', `type=${TLS_TYPE}`, '-o', 'json'];
    const scanArgv = ['--import', 'tsx', 'bench/scan-child.ts', config];

    log(
      `fake API server ${fake.url} (${version.gitVersion}): ${SECRETS} TLS Secrets in ${NAMESPACES} namespaces, ` +
        `${OPAQUE} Opaque Secrets, ${cs.length} distinct chains (tls.crt ${cs[0]?.tlsCrt.length ?? 0} B PEM); ` +
        `setup ${sec(performance.now() - setupStart)} s`,
    );
    log(`node ${spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()}, kubectl ${kubectlVersion} (${kubectl})`);
    log(`peak RSS via ${hasGnuTime ? 'GNU time %M' : '/proc VmHWM polling (apt-get install -y time for GNU time)'}`);

    const secretLists = () => fake.requests.filter((r) => r.path === '/api/v1/secrets').length;
    const run = async (label: string, cmd: string, argv: string[], file: string) => {
      const before = secretLists();
      const m = await measure(cmd, argv, file);
      return { ...m, label, listRequests: secretLists() - before };
    };

    // Untimed warm-up: tsx's compile cache, kubectl's discovery cache, the fake's JIT.
    log('warm-up (untimed)...');
    const warmVigil = await run('vigil', NODE, vigilArgv, join(dir, 'warm-vigil.json'));
    const warm = checkVigil(warmVigil, join(dir, 'warm-vigil.json'));
    checkKubectl(await run('kubectl', kubectl, kubectlArgv, join(dir, 'warm-kubectl.json')), join(dir, 'warm-kubectl.json'));
    const severities = Object.entries(warm.bySeverity)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    log(`vigil findings for the Secrets: ${severities} (expiry mix: daysLeft ${daysLeft.join(', ')})`);
    const listQuery = fake.requests.find((r) => r.path === '/api/v1/secrets')?.query;
    if (listQuery?.['fieldSelector'] !== `type=${TLS_TYPE}`) {
      throw new Error(`vigil listed Secrets without the server-side type selector: ${JSON.stringify(listQuery)}`);
    }

    const rows: { vigil: Measured & { listRequests: number }; kubectl: Measured & { listRequests: number }; scan: ScanChildReport; scanPeakMb: number }[] = [];
    for (let i = 1; i <= RUNS; i++) {
      const vFile = join(dir, `vigil-${i}.json`);
      const kFile = join(dir, `kubectl-${i}.json`);
      const sFile = join(dir, `scan-${i}.json`);
      // Alternate who goes first so neither always gets the warmer server.
      const order = i % 2 === 1 ? ['vigil', 'kubectl'] : ['kubectl', 'vigil'];
      const got: Record<string, Measured & { listRequests: number }> = {};
      for (const who of order) {
        got[who] = who === 'vigil' ? await run('vigil', NODE, vigilArgv, vFile) : await run('kubectl', kubectl, kubectlArgv, kFile);
      }
      const vigil = got['vigil'] as Measured & { listRequests: number };
      const kc = got['kubectl'] as Measured & { listRequests: number };
      checkVigil(vigil, vFile);
      checkKubectl(kc, kFile);
      const s = await run('scan', NODE, scanArgv, sFile);
      if (s.exitCode !== 0) throw new Error(`scan-child exited ${s.exitCode}:\n${s.stderr}`);
      const scan = JSON.parse(readFileSync(sFile, 'utf8')) as ScanChildReport;
      if (scan.findings !== SECRETS) throw new Error(`scan-child made ${scan.findings} findings, expected ${SECRETS}`);
      rows.push({ vigil, kubectl: kc, scan, scanPeakMb: s.peakRssMb });
      for (const f of [vFile, kFile, sFile]) rmSync(f, { force: true });
      log(
        `run ${i}/${RUNS}: vigil ${sec(vigil.wallMs)} s ${mb(vigil.peakRssMb)} MB | kubectl ${sec(kc.wallMs)} s ${mb(kc.peakRssMb)} MB | ` +
          `scan ${sec(scan.scanMs)} s ${mb(scan.maxRssKb / 1024)} MB`,
      );
    }

    const header = ['run', 'vigil wall s', 'vigil peak MB', 'kubectl wall s', 'kubectl peak MB', 'scan only s', 'scan proc peak MB', 'scan RSS 1st/last page MB'];
    const body = rows.map((r, i) => [
      String(i + 1),
      sec(r.vigil.wallMs),
      mb(r.vigil.peakRssMb),
      sec(r.kubectl.wallMs),
      mb(r.kubectl.peakRssMb),
      sec(r.scan.scanMs),
      mb(r.scan.maxRssKb / 1024),
      `${mb(r.scan.rssFirstPageMb)}/${mb(r.scan.rssLastPageMb)}`,
    ]);
    const med = {
      vigilWall: median(rows.map((r) => r.vigil.wallMs)),
      vigilPeak: median(rows.map((r) => r.vigil.peakRssMb)),
      kubectlWall: median(rows.map((r) => r.kubectl.wallMs)),
      kubectlPeak: median(rows.map((r) => r.kubectl.peakRssMb)),
      scan: median(rows.map((r) => r.scan.scanMs)),
      scanPeak: median(rows.map((r) => r.scan.maxRssKb / 1024)),
      first: median(rows.map((r) => r.scan.rssFirstPageMb)),
      last: median(rows.map((r) => r.scan.rssLastPageMb)),
    };
    body.push([
      'median',
      sec(med.vigilWall),
      mb(med.vigilPeak),
      sec(med.kubectlWall),
      mb(med.kubectlPeak),
      sec(med.scan),
      mb(med.scanPeak),
      `${mb(med.first)}/${mb(med.last)}`,
    ]);
    const last = rows.at(-1);
    const lines = [
      '',
      `${SECRETS} TLS Secrets in ${NAMESPACES} namespaces (+${OPAQUE} Opaque), page size ${PAGE_SIZE}, ${RUNS} runs, ` +
        `${cpus().length} CPUs, node ${process.version}, kubectl ${kubectlVersion}`,
      `list requests per run: vigil ${last?.vigil.listRequests ?? '?'}, kubectl ${last?.kubectl.listRequests ?? '?'}, ` +
        `scan ${last?.scan.pages ?? '?'} non-empty pages`,
      '',
      table([header, ...body]),
      '',
    ];
    const fast = med.vigilWall <= med.kubectlWall;
    const small = med.vigilPeak < MEMORY_TARGET_MB;
    lines.push(
      `target wall time: vigil ${sec(med.vigilWall)} s vs kubectl ${sec(med.kubectlWall)} s -> ${fast ? 'met' : 'MISSED'}`,
      `target peak RSS:  vigil ${mb(med.vigilPeak)} MB vs ${MEMORY_TARGET_MB} MB -> ${small ? 'met' : 'MISSED'}`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    return fast && small ? 0 : 1;
  } finally {
    await fake.stop();
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
    process.stderr.write(`secrets-scan: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);

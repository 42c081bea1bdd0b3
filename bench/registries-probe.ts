/**
 * Benchmark (not a test): `vigil check --only registries` with 50 registries, of which 10 accept TCP
 * connections and never answer. Target (issue 3): probes run concurrently with a per-probe timeout,
 * so the whole check finishes within about one timeout, not ten.
 *
 *   npm run bench:registries -- --runs 5
 *   npx tsx bench/registries-probe.ts [--runs 5] [--registries 50] [--silent 10] [--timeout 2]
 *                                     [--concurrency 16] [--no-baseline]
 *
 * Everything runs on 127.0.0.1. The fake Kubernetes API server (one Deployment per registry, each
 * with a pull secret) runs in this process; the registries run in a child process
 * (bench/registries-fleet.ts) so that their CPU is not charged to vigil: 40 fake registries (half
 * HTTPS with a Bearer token service, half plain HTTP with Basic auth, configured insecure) and 10
 * silent servers (half behind HTTPS, so the TLS handshake hangs, half plain HTTP, so `GET /v2/`
 * hangs). Each run calls the real
 * `vigil check` code path (runCheckCommand, JSON output) and checks the result: 40 ok findings and
 * 10 warnings that say "timeout". The baseline run (probeConcurrency 1) shows what sequential
 * probing would cost. Exits 1 when the median exceeds 1.5 × the timeout.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCheckCommand } from '../src/cli/check-command.js';
import { parseConfig } from '../src/config/load-config.js';
import { findingOf } from '../src/domain/finding.js';
import { FakeKubeApiServer } from '../src/simulator/kube-api-server/index.js';
import { issueCa, issueLeaf } from '../src/simulator/cert-factory.js';
import type { Fleet } from './registries-fleet.js';
import { median } from './bench-stats.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    registries: { type: 'string', default: '50' },
    silent: { type: 'string', default: '10' },
    timeout: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '16' },
    'no-baseline': { type: 'boolean', default: false },
  },
});
const runs = Number(args.runs);
const total = Number(args.registries);
const silentCount = Number(args.silent);
const timeoutSeconds = Number(args.timeout);
const concurrency = Number(args.concurrency);

const now = new Date();
const b64 = (s: string) => Buffer.from(s).toString('base64');

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-registries-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const ca = issueCa('bench-ca', now);
    const caFile = join(dir, 'registry-ca.pem');
    const apiCert = issueLeaf('kube-apiserver', now, 100, { issuer: ca, sans: ['127.0.0.1'] });
    const api = await FakeKubeApiServer.start({
      certPem: apiCert.chainPem,
      keyPem: apiCert.keyPem,
      tokens: { bench: 'vigil' },
    });
    stops.push(() => api.stop());

    const fleet = await startFleet(stops);
    const registries = fleet.registries;
    writeFileSync(caFile, fleet.caPem);
    api.upsertMany(
      registries.flatMap((r, i) => [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { namespace: 'bench', name: `pull-${i}` },
          type: 'kubernetes.io/dockerconfigjson',
          data: {
            '.dockerconfigjson': b64(
              JSON.stringify({ auths: { [r.registry]: { username: 'ci', password: 'bench-password' } } }),
            ),
          },
        },
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { namespace: 'bench', name: `app-${i}` },
          spec: {
            selector: { matchLabels: { app: `app-${i}` } },
            template: {
              metadata: { labels: { app: `app-${i}` } },
              spec: {
                imagePullSecrets: [{ name: `pull-${i}` }],
                containers: [{ name: 'app', image: `${r.registry}/team/app:1.0` }],
              },
            },
          },
        },
      ]),
    );
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, api.kubeconfig({ caPem: ca.certPem, token: 'bench', contextName: 'bench' }));
    const config = (probeConcurrency: number) =>
      parseConfig(
        {
          clusters: [{ name: 'bench', kubeconfig }],
          registries: {
            insecure: registries.filter((r) => !r.https).map((r) => r.registry),
            caFiles: Object.fromEntries(registries.filter((r) => r.https).map((r) => [r.registry, caFile])),
            probeTimeoutSeconds: timeoutSeconds,
            probeConcurrency,
          },
        },
        'bench',
        dir,
      );

    const once = async (probeConcurrency: number) => {
      const t0 = performance.now();
      const result = await runCheckCommand(
        config(probeConcurrency),
        { clusters: [], only: ['registries'], output: 'json', problemsOnly: false, color: false },
        () => new Date(),
      );
      const ms = performance.now() - t0;
      const findings = result.report.clusters
        .flatMap((c) => c.findings)
        .filter((f) => f.check === 'registries')
        .map(findingOf);
      const ok = findings.filter((f) => f.severity === 'ok').length;
      const timedOut = findings.filter((f) => f.severity === 'warning' && /timeout/.test(f.summary)).length;
      if (ok !== total - silentCount || timedOut !== silentCount) {
        throw new Error(
          `wrong result: ${ok} ok and ${timedOut} timeouts, expected ${total - silentCount} and ${silentCount}`,
        );
      }
      return ms;
    };

    console.log(
      `${total} registries (${silentCount} silent), probe timeout ${timeoutSeconds} s, probeConcurrency ${concurrency}, ${runs} runs`,
    );
    await once(concurrency); // warm-up: module loading, first TLS contexts
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const ms = await once(concurrency);
      times.push(ms);
      console.log(`  run ${i + 1}: ${(ms / 1000).toFixed(2)} s`);
    }
    const med = median(times);
    console.log(
      `median: ${(med / 1000).toFixed(2)} s (${(med / (timeoutSeconds * 1000)).toFixed(2)} × the timeout)`,
    );
    if (!args['no-baseline']) {
      const seq = await once(1);
      console.log(`baseline, probeConcurrency 1 (one run): ${(seq / 1000).toFixed(2)} s`);
    }
    const pass = med <= timeoutSeconds * 1000 * 1.5;
    console.log(pass ? 'target met: within 1.5 × one timeout' : 'TARGET MISSED: above 1.5 × one timeout');
    return pass ? 0 : 1;
  } finally {
    await Promise.allSettled(stops.map((s) => s()));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts bench/registries-fleet.ts and waits for its JSON line; closing its stdin stops it. */
async function startFleet(stops: (() => Promise<void>)[]): Promise<Fleet> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      // Absolute loader URL, so the benchmark also runs from another working directory.
      import.meta.resolve('tsx'),
      join(import.meta.dirname, 'registries-fleet.ts'),
      '--registries',
      String(total),
      '--silent',
      String(silentCount),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  stops.push(async () => {
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));
  });
  let out = '';
  return new Promise<Fleet>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(JSON.parse(line) as Fleet);
    });
    child.once('exit', (code) => reject(new Error(`registries-fleet exited with ${code}`)));
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);

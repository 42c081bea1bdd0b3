/**
 * Soak (not a test, not in npm test): does `vigil serve` hold its memory flat over many check runs
 * and many slash commands? Target (issue 15): the heap after a full GC at the end of each phase is
 * within 10 % of the heap after warm-up.
 *
 *   npm run soak:memory                                   # full: 10,000 runs, then 100,000 commands
 *   npm run soak:memory -- --runs 1000 --commands 5000    # a quick check (a few minutes)
 *   npx tsx bench/soak-memory.ts [--clusters 50] [--runs 10000] [--commands 100000]
 *                                [--in-flight 8] [--concurrency 20] [--samples 10]
 *
 * Everything runs on 127.0.0.1. The soak starts a real redis-server, the fake Slack Web API
 * (test/fakes/slack: auth.test, the outbox's posts, the response_url target) and --clusters
 * simulated clusters (src/simulator/kube-api-server, real TLS, each with a kube-root-ca ConfigMap and
 * three TLS Secrets, one expiring in 9 days so that every cluster has an open alert). Then the real
 * `vigil serve`, compiled by tsconfig.build.json into a temp dir and started as the container starts
 * it (`node --max-semi-space-size=1 --expose-gc`), plus `--inspect=127.0.0.1:PORT`: the soak reads
 * the live heap through the inspector (HeapProfiler.collectGarbage, Runtime.getHeapUsage), which
 * needs no debug switch in vigil. Its own schedules never fire (yearly, no start-up runs).
 *
 * Phase 1, check runs: the soak enqueues run-check jobs into serve's BullMQ `checks` queue, as
 * `/k8s check` and the job schedulers do (jobs/queue/queue-names.ts), round robin over the clusters
 * and the certificates, statefulsets and registries checks, keeping --in-flight queued or running
 * (serve runs 4 at a time). Each run reads its cluster, stores its snapshot, reconciles the alerts
 * and (on the first runs) notifies Slack. Phase 2, slash commands: --concurrency clients send signed
 * `/k8s` commands (certs CLUSTER, alerts, sts CLUSTER, certs) to POST /slack/events, one after
 * another; every answer must be HTTP 200 with a text.
 *
 * Each phase samples the heap after GC --samples times after its warm-up (the first tenth of the
 * phase), and RSS from /proc. Prints the samples, throughput and the growth from warm-up to the end.
 * Exits 1 when either phase grew by more than 10 %, 2 when a run failed or an answer was wrong.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createQueues } from '../jobs/create-queues.js';
import { jobNames } from '../jobs/queue/queue-names.js';
import { createRedisConnection } from '../src/redis/redis-connection.js';
import { issueCa, issueLeaf } from '../src/simulator/cert-factory.js';
import { FakeKubeApiServer } from '../src/simulator/kube-api-server/index.js';
import { FakeSlackWebApi, postToSlackEvents, slashCommandBody } from '../test/fakes/slack/index.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { buildDist, exitWithHelpIf, positiveInt } from './bench-cli.js';
import { processCpuMs, rssMb, table } from './bench-stats.js';
import { freePort, HeapProbe, startServe } from './serve-process.js';

const SIGNING_SECRET = 'soak-signing-secret';
const CHANNEL = 'C0SOAK';
const PREFIX = 'vigil-soak';
const TOKEN = 'soak-token';
const GROWTH_LIMIT = 0.1;
const CHECKS = ['certificates', 'statefulsets', 'registries'] as const;

const { values: args } = parseArgs({
  options: {
    clusters: { type: 'string', default: '50' },
    runs: { type: 'string', default: '10000' },
    commands: { type: 'string', default: '100000' },
    'in-flight': { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '20' },
    samples: { type: 'string', default: '10' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
exitWithHelpIf(args.help, import.meta.url);
const CLUSTERS = positiveInt('clusters', args.clusters);
const RUNS = positiveInt('runs', args.runs);
const COMMANDS = positiveInt('commands', args.commands);
const IN_FLIGHT = positiveInt('in-flight', args['in-flight']);
const CONCURRENCY = positiveInt('concurrency', args.concurrency);
const SAMPLES = positiveInt('samples', args.samples);

interface Sample {
  done: number;
  seconds: number;
  heapMb: number;
  rssMb: number;
}

interface Phase {
  name: string;
  samples: Sample[];
  seconds: number;
  cpuSeconds: number;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const clusterName = (i: number) => `soak-${String(i).padStart(2, '0')}`;

/** Sample points: the end of warm-up (a tenth), then SAMPLES evenly spaced up to `total`. */
function samplePoints(total: number): number[] {
  const warm = Math.max(1, Math.floor(total / 10));
  const points = [warm];
  for (let i = 1; i <= SAMPLES; i++) points.push(Math.round(warm + ((total - warm) * i) / SAMPLES));
  return [...new Set(points)];
}

function growth(phase: Phase): number {
  const first = phase.samples[0]?.heapMb ?? NaN;
  const last = phase.samples.at(-1)?.heapMb ?? NaN;
  return last / first - 1;
}

async function main(): Promise<number> {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-soak-memory-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const now = new Date();
    const [redis, slack] = await Promise.all([startRedisServer(), FakeSlackWebApi.start()]);
    stops.push(
      () => redis.stop(),
      () => slack.close(),
    );
    const ca = issueCa('soak-kube-ca', now);
    const serving = issueLeaf('kube-apiserver', now, 300, { issuer: ca, sans: ['127.0.0.1'] });
    const leaves = [200, 60, 9].map((days, i) => issueLeaf(`app-${i}.soak.example.com`, now, days));
    const clusters: { name: string; kubeconfig: string }[] = [];
    for (let i = 0; i < CLUSTERS; i++) {
      const fake = await FakeKubeApiServer.start({
        certPem: serving.chainPem,
        keyPem: serving.keyPem,
        tokens: { [TOKEN]: 'system:serviceaccount:vigil:vigil' },
      });
      stops.push(() => fake.stop());
      fake.upsertMany([
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { namespace: 'kube-system', name: 'kube-root-ca.crt' },
          data: { 'ca.crt': ca.certPem },
        },
        ...leaves.map((leaf, n) => ({
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'kubernetes.io/tls',
          metadata: { namespace: 'apps', name: `app-${n}-tls` },
          data: { 'tls.crt': b64(leaf.certPem), 'tls.key': b64('not read') },
        })),
      ]);
      const kubeconfig = join(dir, `kubeconfig-${i}`);
      writeFileSync(kubeconfig, fake.kubeconfig({ caPem: ca.certPem, token: TOKEN }));
      clusters.push({ name: clusterName(i), kubeconfig });
    }
    const configPath = join(dir, 'vigil.yaml');
    const rawConfig = {
      clusters,
      schedules: {
        checks: { certificates: '0 0 1 1 *', statefulsets: '0 0 1 1 *', registries: '0 0 1 1 *' },
        runOnStart: false,
      },
      alerts: { routes: [{ match: {}, slack: [CHANNEL] }] },
    };
    writeFileSync(configPath, JSON.stringify(rawConfig, null, 2)); // JSON is YAML

    log('compiling vigil (tsconfig.build.json)...');
    const main = buildDist(dir);
    const inspectPort = await freePort();
    const serve = await startServe({
      program: [main],
      config: configPath,
      env: {
        SLACK_BOT_TOKEN: slack.token,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        REDIS_URL: redis.url,
        VIGIL_REDIS_PREFIX: PREFIX,
      },
      logPath: join(dir, 'serve.log'),
      nodeFlags: [`--inspect=127.0.0.1:${inspectPort}`],
    });
    stops.unshift(() => serve.stop());
    const heap = await HeapProbe.connect(inspectPort);
    stops.unshift(async () => heap.close());
    const readyHeap = await heap.heapAfterGcMb();
    log(
      `vigil serve ready (pid ${serve.pid}): heap after GC ${readyHeap.toFixed(1)} MB, RSS ${(await rssMb(serve.pid, 'VmRSS')).toFixed(0)} MB; ` +
        `${CLUSTERS} clusters, ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}`,
    );

    const sample = async (done: number, t0: number): Promise<Sample> => ({
      done,
      seconds: (performance.now() - t0) / 1000,
      heapMb: await heap.heapAfterGcMb(),
      rssMb: await rssMb(serve.pid, 'VmRSS'),
    });

    // ---- phase 1: check runs, enqueued into serve's own queue
    const conn = createRedisConnection({
      url: redis.url,
      prefix: PREFIX,
      name: 'soak-enqueue',
      forBullMQ: true,
      onError: () => {},
    });
    const queues = createQueues(conn.redis, PREFIX);
    stops.unshift(async () => {
      await queues.close();
      await conn.close();
    });
    const runs: Phase = { name: 'check runs', samples: [], seconds: 0, cpuSeconds: 0 };
    {
      const points = samplePoints(RUNS);
      const cpu0 = await processCpuMs(serve.pid);
      const t0 = performance.now();
      let added = 0;
      let failed = 0;
      let lastProgress = t0;
      for (;;) {
        const c = await queues.checks.getJobCounts('waiting', 'active', 'prioritized', 'failed');
        failed = c['failed'] ?? 0;
        // Not `delayed`: that is where serve's own (yearly) job schedulers keep their next runs.
        const outstanding = (c['waiting'] ?? 0) + (c['active'] ?? 0) + (c['prioritized'] ?? 0);
        const done = added - outstanding;
        if (failed > 0) throw new Error(`${failed} check runs failed; see ${serve.logPath}`);
        if (points.length > 0 && done >= points[0]!) {
          points.shift();
          runs.samples.push(await sample(done, t0));
          const s = runs.samples.at(-1)!;
          log(`  ${done} runs: heap after GC ${s.heapMb.toFixed(1)} MB, RSS ${s.rssMb.toFixed(0)} MB`);
        }
        if (done >= RUNS) break;
        if (performance.now() - lastProgress > 30_000) {
          lastProgress = performance.now();
          log(`  ... ${done} runs done, ${outstanding} queued or running (${JSON.stringify(c)})`);
        }
        for (let n = outstanding; n < IN_FLIGHT && added < RUNS; n++, added++) {
          const cluster = clusterName(added % CLUSTERS);
          const check = CHECKS[Math.floor(added / CLUSTERS) % CHECKS.length]!;
          await queues.checks.add(
            jobNames.runCheck,
            { cluster, check },
            { removeOnComplete: true, removeOnFail: false, attempts: 1 },
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      runs.seconds = (performance.now() - t0) / 1000;
      runs.cpuSeconds = ((await processCpuMs(serve.pid)) - cpu0) / 1000;
    }

    // ---- phase 2: slash commands
    const commands: Phase = { name: 'slash commands', samples: [], seconds: 0, cpuSeconds: 0 };
    let late = 0;
    {
      const points = samplePoints(COMMANDS);
      const cpu0 = await processCpuMs(serve.pid);
      const t0 = performance.now();
      let next = 0;
      let done = 0;
      let sampling: Promise<void> = Promise.resolve();
      const texts = (i: number) => {
        const cluster = clusterName(i % CLUSTERS);
        return [`certs ${cluster}`, 'alerts', `sts ${cluster}`, 'certs'][i % 4]!;
      };
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let i = next++; i < COMMANDS; i = next++) {
            const body = slashCommandBody({
              text: texts(i),
              response_url: slack.responseUrl(`soak/${i}`),
              channel_id: CHANNEL,
              channel_name: 'oncall',
            });
            const res = await postToSlackEvents(`${serve.base}/slack/events`, body, SIGNING_SECRET);
            const raw = await res.text();
            const text = res.status === 200 ? ((JSON.parse(raw) as { text?: string }).text ?? '') : '';
            if (res.status !== 200 || text === '')
              throw new Error(`/k8s ${texts(i)}: HTTP ${res.status}: ${raw.slice(0, 200)}`);
            if (/^Working on it/.test(text)) late++;
            done++;
            if (points.length > 0 && done >= points[0]!) {
              points.shift();
              // One sample at a time; the other clients keep sending meanwhile.
              sampling = sampling.then(async () => {
                const s = await sample(done, t0);
                commands.samples.push(s);
                log(
                  `  ${s.done} commands: heap after GC ${s.heapMb.toFixed(1)} MB, RSS ${s.rssMb.toFixed(0)} MB`,
                );
              });
            }
          }
        }),
      );
      await sampling;
      commands.seconds = (performance.now() - t0) / 1000;
      commands.cpuSeconds = ((await processCpuMs(serve.pid)) - cpu0) / 1000;
      // The response_url answers of late commands would only grow the fake; they are not needed.
      slack.responses.length = 0;
    }

    const peak = await rssMb(serve.pid);
    const phases = [runs, commands];
    process.stdout.write(
      `\nvigil serve (compiled) against ${CLUSTERS} simulated clusters: ${RUNS} check runs, then ${COMMANDS} slash commands ` +
        `(${CONCURRENCY} clients); heap after GC when ready ${readyHeap.toFixed(1)} MB; peak RSS ${peak.toFixed(0)} MB; ` +
        `load average ${loadavg()[0]!.toFixed(2)}\n\n`,
    );
    for (const p of phases) {
      const total = p.name === 'check runs' ? RUNS : COMMANDS;
      process.stdout.write(
        `${p.name}: ${total} in ${p.seconds.toFixed(0)} s (${(total / p.seconds).toFixed(1)}/s, ` +
          `${((p.cpuSeconds * 1000) / total).toFixed(1)} ms of serve CPU each)` +
          (p === commands ? `, ${late} answered late ("Working on it")` : '') +
          `; heap after GC ${p.samples[0]!.heapMb.toFixed(1)} MB after warm-up, ${p.samples.at(-1)!.heapMb.toFixed(1)} MB at the end ` +
          `(${(growth(p) * 100).toFixed(1)} %)\n`,
      );
      process.stdout.write(
        `${table([
          ['done', 's', 'heap after GC MB', 'RSS MB'],
          ...p.samples.map((s) => [
            String(s.done),
            s.seconds.toFixed(0),
            s.heapMb.toFixed(1),
            s.rssMb.toFixed(0),
          ]),
        ])}\n\n`,
      );
    }
    const grew = phases.filter((p) => !(growth(p) <= GROWTH_LIMIT));
    process.stdout.write(
      grew.length === 0
        ? `target met: heap after GC within ${GROWTH_LIMIT * 100} % of warm-up in both phases\n`
        : `TARGET MISSED: heap after GC grew by more than ${GROWTH_LIMIT * 100} % in ${grew.map((p) => p.name).join(' and ')}\n`,
    );
    return grew.length === 0 ? 0 : 1;
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
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

/**
 * Benchmark (not a test): one `/metrics` scrape of vigil serve with 10,000 certificates stored.
 * Target (issue "adoption"): a scrape with 10,000 certificates answers in under 1 s.
 *
 *   npm run bench:metrics -- --runs 5
 *   npx tsx bench/metrics-scrape.ts [--runs 5] [--scrapes 10] [--clusters 50] [--certificates 10000]
 *
 * Everything runs on 127.0.0.1, in this process but for Redis. The benchmark starts a real
 * redis-server and seeds it through vigil's own stores with the latest check runs of `--clusters`
 * clusters (bench/bench-slack-fleet.ts: certificate findings made by vigil's own certificateFinding
 * from real X.509 certificates, plus StatefulSet and registry runs, and one open alert per finding
 * that is not ok), sized so the certificate runs hold `--certificates` certificates in all. Then, per
 * run, it builds vigil's metrics as `vigil serve` does (createMetrics over the Redis stores, the
 * outbox read from a real BullMQ notify queue, Node process metrics on, `metrics.cacheSeconds: 0` so
 * that every scrape reads Redis again) and serves its route on a loopback HTTP server.
 *
 * Per run: one cold scrape (a replica's first: every stored run is read, gunzipped and parsed) and
 * `--scrapes` warm scrapes (the runs are unchanged, so only the run index, the open alerts and the
 * notify queue are read again; the 20,000 certificate gauge values are set and rendered each time).
 * Time is from sending the GET to reading the whole body; CPU is this process's (user + system, which
 * includes gunzip on libuv's threads and the HTTP client) over the same span, the figure that does
 * not depend on what else the machine runs. Every body is checked: exactly
 * `--certificates` series of each certificate gauge. Prints each run and the median over runs. Exits
 * 1 when the median cold or warm scrape takes 1 s or more, 2 when a body is wrong.
 */
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { parseConfig } from '../src/config/load-config.js';
import { createMetrics } from '../src/metrics/create-metrics.js';
import { createRedisConnection } from '../src/redis/redis-connection.js';
import { createRedisStores } from '../src/redis/redis-stores.js';
import { createQueues } from '../jobs/create-queues.js';
import { readOutboxStats } from '../jobs/notify/outbox-stats.js';
import { planSchedules } from '../jobs/queue/schedule-plan.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { exitWithHelpIf, positiveInt } from './bench-cli.js';
import { buildFleet, seedFleet } from './bench-slack-fleet.js';
import { median, ms, table } from './bench-stats.js';

const PREFIX = 'vigil-bench';
const TARGET_MS = 1000;

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    scrapes: { type: 'string', default: '10' },
    clusters: { type: 'string', default: '50' },
    certificates: { type: 'string', default: '10000' },
    help: { type: 'boolean', default: false },
  },
});
exitWithHelpIf(args.help, import.meta.url);
const runs = positiveInt('runs', args.runs);
const scrapes = positiveInt('scrapes', args.scrapes);
const clusters = positiveInt('clusters', args.clusters);
const certificates = positiveInt('certificates', args.certificates);

/**
 * buildFleet gives certificates 80 % of each cluster's findings, less rounding (see its split):
 * the smallest total whose certificate runs hold at least `certificates`.
 */
function findingsFor(wanted: number): number {
  const perCluster = (total: number) => {
    const each = Math.floor(total / clusters);
    return each - Math.round(each * 0.15) - Math.round(each * 0.05);
  };
  let total = Math.ceil((wanted / 0.8 / clusters) * 0.98) * clusters;
  while (perCluster(total) * clusters < wanted) total += clusters;
  return total;
}

const now = new Date();
const redis = await startRedisServer();
const connection = createRedisConnection({ url: redis.url, prefix: PREFIX, onError: () => undefined });
const queueConnection = createRedisConnection({
  url: redis.url,
  prefix: PREFIX,
  forBullMQ: true,
  onError: () => undefined,
});
let code = 0;
try {
  const fleet = buildFleet({ clusters, findings: findingsFor(certificates), now });
  // buildFleet names the clusters itself; the config lists the same names.
  const named = parseConfig(
    { clusters: fleet.clusters.map((name) => ({ name, inCluster: true })), metrics: { cacheSeconds: 0 } },
    'bench',
    '/',
  );
  const stored = fleet.snapshots
    .filter((s) => s.check === 'certificates')
    .reduce((n, s) => n + s.findings.filter((f) => f.certificate ?? f.notAfter).length, 0);
  const stores = createRedisStores(connection, named.alerts);
  const seedStarted = performance.now();
  await seedFleet(fleet, stores, now);
  process.stdout.write(
    `seeded ${fleet.clusters.length} clusters, ${stored} certificates in the certificate runs, ` +
      `${fleet.problems.length} open alerts in ${ms(performance.now() - seedStarted)} ms\n`,
  );
  const queues = createQueues(queueConnection.redis, PREFIX);
  const schedules = planSchedules(named);

  const rows: string[][] = [
    ['run', 'cold ms', 'cold CPU ms', 'warm median ms', 'warm CPU ms', 'warm max ms', 'KiB', 'cert series'],
  ];
  const cold: number[] = [];
  const coldCpu: number[] = [];
  const warm: number[] = [];
  const warmCpu: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const metrics = createMetrics({
      config: named,
      snapshots: stores.snapshots,
      alerts: stores.alerts,
      outbox: () => readOutboxStats(queues.notify, Date.now()),
      schedules,
      platforms: ['slack'],
    });
    const server = createServer((req, res) => void metrics.route.handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`;
    const scrape = async () => {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const body = await (await fetch(url)).text();
      const elapsed = performance.now() - started;
      const used = process.cpuUsage(cpu);
      const cpuMs = (used.user + used.system) / 1000;
      for (const name of ['vigil_cert_not_after_timestamp_seconds', 'vigil_cert_expires_in_seconds']) {
        const series = body.split('\n').filter((l) => l.startsWith(`${name}{`)).length;
        if (series !== stored) throw new Error(`${name}: ${series} series, expected ${stored}`);
      }
      return { elapsed, cpuMs, bytes: Buffer.byteLength(body) };
    };
    const first = await scrape();
    const times: number[] = [];
    const cpuTimes: number[] = [];
    for (let i = 0; i < scrapes; i++) {
      const r = await scrape();
      times.push(r.elapsed);
      cpuTimes.push(r.cpuMs);
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
    cold.push(first.elapsed);
    coldCpu.push(first.cpuMs);
    warm.push(median(times));
    warmCpu.push(median(cpuTimes));
    rows.push([
      String(run),
      ms(first.elapsed),
      ms(first.cpuMs),
      ms(median(times)),
      ms(median(cpuTimes)),
      ms(Math.max(...times)),
      String(Math.round(first.bytes / 1024)),
      String(stored),
    ]);
  }
  rows.push([
    'median',
    ms(median(cold)),
    ms(median(coldCpu)),
    ms(median(warm)),
    ms(median(warmCpu)),
    '',
    '',
    '',
  ]);
  process.stdout.write(`${table(rows)}\n`);
  process.stdout.write(
    `node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  const met = median(cold) < TARGET_MS && median(warm) < TARGET_MS;
  process.stdout.write(`target (< ${TARGET_MS} ms cold and warm): ${met ? 'met' : 'MISSED'}\n`);
  if (!met) code = 1;
  await queues.close();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  code = 2;
} finally {
  await Promise.allSettled([connection.close(), queueConnection.close()]);
  await redis.stop();
}
process.exit(code);

/**
 * Benchmark (not a test): delivery of 1,000 transitions across 10 Slack channels through the real
 * outbox, under the per-channel pace, with injected 429s. Targets (issue 4): nothing lost, nothing
 * duplicated, and a total time close to the pace limit.
 *
 *   npm run bench:delivery -- --runs 3
 *   npm run bench:delivery -- --fleet --runs 1      # 10,000 transitions, 100 channels, 429s and 5xx
 *   npx tsx bench/delivery-pace.ts [--runs 3] [--channels 10] [--alerts 25] [--pace-ms 1000]
 *                                  [--concurrency 16] [--no-429] [--5xx] [--max-overhead 10]
 *                                  [--fleet] [--heap-every-ms 10000]
 *
 * Everything runs on 127.0.0.1, in this process except redis-server and the fake Slack Web API, which
 * runs in a child process of its own (bench/fake-slack-child.ts) so that the messages it keeps do not
 * count in this process's heap. Each run wires the queue the
 * way `vigil serve` does (startJobs, with only the notify worker running: no schedules, no
 * check worker, no watchdog): the Outbox, BullMQ, RedisOutboxState, the Redis alert store and the real
 * SlackPlatform (WebClient with rejectRateLimitedCalls) against the fake Slack Web API
 * (test/fakes/slack). The platform is wrapped only to time each call.
 *
 * Work: `--channels` channels, `--alerts` alerts routed to each (vigil.yaml routes by namespace), and
 * four transitions per alert decided by vigil's own lifecycle functions: opened (warning), escalated
 * (critical, judgeOpenAlert), acknowledged (acknowledge), resolved (judgeOpenAlert, resolveAfterOkRuns
 * 1). That is 10 × 25 × 4 = 1,000 transitions, 100 deliveries per channel: one post and three
 * edits-plus-thread-replies per alert. All of it is enqueued at once, as four waves (a check run opening
 * 250 alerts, one escalating them, 250 acknowledgements, a run resolving them), so every channel has
 * work from the start and the pace is the only limit.
 *
 * Pace: `outbox.minIntervalMs.slack`, 1000 ms by default (Slack's 1 message per second per channel).
 * A channel with n deliveries needs at least (n − 1) × pace, plus every Retry-After it is told to
 * wait; the theoretical minimum of the run is the largest of these over the channels.
 *
 * 429s (unless --no-429): the fake answers HTTP 429 with Retry-After at set points of the run, on 5
 * of the 10 channels: conversations.history at the start (3 s), twice 2 s on whatever call comes
 * next, two in a row on chat.update (1 s each), 5 s on a thread reply whose chat.update went through,
 * and one 429 without Retry-After (vigil then waits 1 s). With more than 10 channels the same pattern
 * repeats on every block of 10. --5xx adds bare 5xx answers on 3 channels of each block of 10 (a 503
 * on a post, a 500 on an edit, a 502 on whatever comes next); vigil backs off
 * `outbox.retryInitialMs` (2 s, ±20 %) after each, which the minimum then includes, as it includes
 * each Retry-After.
 *
 * --fleet is issue 12's scale: 100 channels × 25 alerts = 10,000 transitions, with the 429s and the
 * 5xx, judged within 5 %. The heap is sampled after a full GC every --heap-every-ms during every run;
 * the last sample must be within 10 % of the first one taken after a fifth of the run (warm-up).
 * Besides the thread check, each alert's successful calls must be exactly post, then (edit, thread
 * reply) three times: every edit and reply in the order of the alert's transitions (seq).
 *
 * Checked afterwards, from the fake's messages: each alert has exactly one message in its channel
 * and none elsewhere, each message has exactly three thread replies (escalated, acknowledged,
 * resolved) in that order and ends resolved; every notify job completed, none failed. Prints per-run
 * and per-channel numbers and the medians over runs. Exits 1 when anything was lost, duplicated,
 * misrouted or out of order, or when the median total time exceeds the theoretical minimum by more
 * than --max-overhead percent (10).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AlertChanges } from '../src/alerts/alert-store.js';
import { lifecyclePolicy } from '../src/alerts/lifecycle-policy.js';
import { createSlackPlatform } from '../src/chat/slack/index.js';
import { parseConfig } from '../src/config/load-config.js';
import { createRedisStores } from '../src/redis/redis-stores.js';
import { startJobs } from '../jobs/start-jobs.js';
import { countingCheckDeps } from '../test/support/fake-check-deps.js';
import { queueClients } from '../test/support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../test/support/redis-server.js';
import { max, median, min, percentile, processCpuMs, seconds, table } from './bench-stats.js';
import { exitWithHelpIf, positiveInt } from './bench-cli.js';
import { channelId, lifecycles } from './delivery-work.js';
import type { MessageDigest } from './fake-slack-child.js';
import { RemoteFakeSlack } from './fake-slack-remote.js';
import { countingLog, TimedPlatform, type Op } from './timed-platform.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    channels: { type: 'string', default: '10' },
    alerts: { type: 'string', default: '25' },
    'pace-ms': { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '16' },
    'no-429': { type: 'boolean', default: false },
    '5xx': { type: 'boolean', default: false },
    fleet: { type: 'boolean', default: false },
    'heap-every-ms': { type: 'string', default: '10000' },
    'order-wait-ms': { type: 'string' },
    'max-overhead': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
exitWithHelpIf(args.help, import.meta.url);
const RUNS = positiveInt('runs', args.runs);
const FLEET = args.fleet;
const CHANNELS = positiveInt('channels', FLEET && args.channels === '10' ? '100' : args.channels);
const ALERTS = positiveInt('alerts', args.alerts);
const SERVER_ERRORS = args['5xx'] || FLEET;
const HEAP_EVERY_MS = positiveInt('heap-every-ms', args['heap-every-ms']);
/** How much the heap after GC may grow from warm-up to the end of a run. */
const HEAP_GROWTH_LIMIT = 0.1;
const PACE_MS = positiveInt('pace-ms', args['pace-ms']);
const CONCURRENCY = positiveInt('concurrency', args.concurrency);
const MAX_OVERHEAD = Number(args['max-overhead'] ?? (FLEET ? '5' : '10'));
const INJECT = !args['no-429'];
const TRANSITIONS_PER_ALERT = 4;
const PER_CHANNEL = ALERTS * TRANSITIONS_PER_ALERT;
const TOTAL = CHANNELS * PER_CHANNEL;

/** Where and when the fake answers 429: fraction of the expected run, channel index, the rule. */
const INJECTIONS: {
  at: number;
  channel: number;
  method?: string;
  times: number;
  retryAfterSeconds: number | null;
}[] = [
  { at: 0, channel: 0, method: 'conversations.history', times: 1, retryAfterSeconds: 3 },
  { at: 0.2, channel: 1, times: 1, retryAfterSeconds: 2 },
  { at: 0.6, channel: 1, times: 1, retryAfterSeconds: 2 },
  // After the first quarter every post is a thread reply: this one follows a successful chat.update.
  { at: 0.4, channel: 4, method: 'chat.postMessage', times: 1, retryAfterSeconds: 5 },
  { at: 0.3, channel: 7, method: 'chat.update', times: 2, retryAfterSeconds: 1 },
  { at: 0.7, channel: 9, times: 1, retryAfterSeconds: null },
];

/** Bare 5xx answers (--5xx, --fleet), on other channels of each block of 10 than most 429s. */
const SERVER_ERROR_INJECTIONS: { at: number; channel: number; method?: string; status: number }[] = [
  { at: 0.15, channel: 2, method: 'chat.postMessage', status: 503 },
  { at: 0.5, channel: 5, method: 'chat.update', status: 500 },
  { at: 0.8, channel: 8, status: 502 },
];

/** The channels an injection for block channel `c` hits: c, c + 10, c + 20, ... below CHANNELS. */
const blockChannels = (c: number): number[] =>
  Array.from({ length: Math.max(1, Math.ceil(CHANNELS / 10)) }, (_, k) => c + 10 * k).filter(
    (x) => x < CHANNELS || (CHANNELS < 10 && x === c % CHANNELS),
  );

interface ChannelResult {
  channel: string;
  deliveries: number;
  first: number;
  last: number;
  retryAfterMs: number;
  rateLimited: number;
  serverErrors: number;
  minimum: number;
  minGap: number;
  p1Gap: number;
  /** Gaps under 90 % of the pace. */
  shortGaps: number;
}

interface RunResult {
  totalMs: number;
  minimumMs: number;
  enqueueMs: number;
  channels: ChannelResult[];
  problems: string[];
  calls: Record<Op, number>;
  rateLimited: number;
  /** conversations.history calls (findPosted) in the busiest 60 s. */
  historyPerMinute: number;
  log: { info: number; warn: number; error: number };
  /** Heap used after a full GC (MB), sampled every HEAP_EVERY_MS: [ms since t0, MB]. */
  heap: [number, number][];
  /** CPU seconds from t0 to the last delivery: this process (outbox, enqueueing), redis-server, the fake. */
  cpu: { bench: number; redis: number; slack: number };
}

/** redis-server's own CPU seconds so far (INFO cpu: used_cpu_user + used_cpu_sys). */
async function redisCpuSeconds(redis: { info(section: string): Promise<string> }): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
  return field('used_cpu_user') + field('used_cpu_sys');
}

// A full GC on demand without --expose-gc on the command line (npm runs this script through tsx).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function heapAfterGcMb(): number {
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function runOnce(redis: RedisServer, dir: string, runNo: number): Promise<RunResult> {
  const slack = await RemoteFakeSlack.start();
  const prefix = `bench-delivery-${runNo}-${randomBytes(3).toString('hex')}`;
  const clients = queueClients(redis, prefix);
  const timers: NodeJS.Timeout[] = [];
  let scheduling: Awaited<ReturnType<typeof startJobs>> | undefined;
  try {
    const rawConfig = {
      clusters: [{ name: 'bench', kubeconfig: join(dir, 'unused.kubeconfig') }],
      outbox: {
        minIntervalMs: { slack: PACE_MS },
        concurrency: CONCURRENCY,
        ...(args['order-wait-ms']
          ? { orderWaitMs: positiveInt('order-wait-ms', args['order-wait-ms']) }
          : {}),
      },
      alerts: {
        resolveAfterOkRuns: 1,
        // One message per alert is what this measures (the pace per channel); with grouping on, each
        // channel's 25 alerts opened in one run would be one summary message (README "Grouping").
        grouping: { enabled: false },
        routes: Array.from({ length: CHANNELS }, (_, c) => ({
          match: { namespace: `team-${c}` },
          slack: [channelId(c)],
        })),
      },
    };
    const config = parseConfig(rawConfig, 'bench-delivery', dir);
    const stores = createRedisStores(clients.storeConnection, config.alerts);
    const platform = new TimedPlatform(
      createSlackPlatform({ botToken: slack.token, apiUrl: slack.apiUrl }),
      Math.ceil(TOTAL * 2.5),
    );
    const log = countingLog();
    scheduling = await startJobs({
      config,
      redis: { bullmq: clients.bullmq, store: clients.store },
      prefix,
      checks: countingCheckDeps().deps,
      alerts: stores.alerts,
      snapshots: stores.snapshots,
      platforms: new Map([['slack', platform]]),
      log,
      now: () => new Date(),
      run: { schedulers: false, startupRuns: false, checkWorker: false, notifyWorker: true, watchdog: false },
    });
    const { waves, alertIds } = lifecycles(new Date(), lifecyclePolicy(config.alerts), {
      channels: CHANNELS,
      alerts: ALERTS,
    });
    const expectedMinMs = (PER_CHANNEL - 1) * PACE_MS;
    for (let c = 0; c < CHANNELS; c++) platform.intern(channelId(c));
    for (const ids of alertIds) for (const id of ids) platform.intern(id);
    const heap: [number, number][] = [];

    // t0: the first transition is handed to the outbox.
    const cpu0 = {
      bench: process.cpuUsage(),
      redis: await redisCpuSeconds(clients.storeConnection.redis),
      slack: await processCpuMs(slack.pid),
    };
    const t0 = performance.now();
    platform.t0 = t0;
    if (INJECT) {
      for (const inj of INJECTIONS) {
        for (const c of blockChannels(inj.channel)) {
          timers.push(
            setTimeout(
              () =>
                void slack.rateLimit({
                  channel: channelId(c % CHANNELS),
                  times: inj.times,
                  retryAfterSeconds: inj.retryAfterSeconds,
                  ...(inj.method ? { method: inj.method } : {}),
                }),
              inj.at * expectedMinMs,
            ),
          );
        }
      }
    }
    if (SERVER_ERRORS) {
      for (const inj of SERVER_ERROR_INJECTIONS) {
        for (const c of blockChannels(inj.channel)) {
          timers.push(
            setTimeout(
              () =>
                void slack.failStatus({
                  channel: channelId(c % CHANNELS),
                  times: 1,
                  status: inj.status,
                  ...(inj.method ? { method: inj.method } : {}),
                }),
              inj.at * expectedMinMs,
            ),
          );
        }
      }
    }
    const sampler = setInterval(() => heap.push([performance.now() - t0, heapAfterGcMb()]), HEAP_EVERY_MS);
    timers.push(sampler);
    const outbox = scheduling.outbox;
    for (const wave of waves) {
      if (wave.batch) {
        // One check run: one atomic write of every alert it changed, then the outbox.
        const changes: AlertChanges = {
          alerts: wave.steps.flatMap((s) => s.changes.alerts),
          transitions: wave.steps.flatMap((s) => s.changes.transitions),
        };
        const expected = Object.fromEntries(
          wave.steps.flatMap((s) =>
            s.expected === undefined ? [] : [[s.changes.alerts[0]!.id, s.expected]],
          ),
        );
        if (!(await stores.alerts.apply(changes, expected))) throw new Error(`apply refused (${wave.label})`);
        await outbox.notify(changes.transitions, changes.alerts);
      } else {
        // Acknowledgements: one human action each.
        for (const s of wave.steps) {
          const id = s.changes.alerts[0]!.id;
          if (!(await stores.alerts.apply(s.changes, { [id]: s.expected ?? -1 })))
            throw new Error(`apply refused (${wave.label} ${id})`);
          await outbox.notify(s.changes.transitions, s.changes.alerts);
        }
      }
    }
    const enqueueMs = performance.now() - t0;

    // Wait until every notify job is finished (completed or failed), bounded.
    const deadline = t0 + 3 * expectedMinMs + 120_000;
    let counts: Record<string, number> = {};
    for (;;) {
      counts = await scheduling.queues.notify.getJobCounts(
        'completed',
        'failed',
        'waiting',
        'delayed',
        'active',
      );
      if ((counts['completed'] ?? 0) + (counts['failed'] ?? 0) >= TOTAL) break;
      if (performance.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 200)); // anything late (a duplicate) would land now
    clearInterval(sampler);
    const benchCpu = process.cpuUsage(cpu0.bench);
    const cpu = {
      bench: (benchCpu.user + benchCpu.system) / 1e6,
      redis: (await redisCpuSeconds(clients.storeConnection.redis)) - cpu0.redis,
      slack: ((await processCpuMs(slack.pid)) - cpu0.slack) / 1000,
    };
    heap.push([performance.now() - t0, heapAfterGcMb()]);

    const problems: string[] = [];
    if ((counts['completed'] ?? 0) !== TOTAL) {
      problems.push(`notify jobs: ${JSON.stringify(counts)}, expected ${TOTAL} completed`);
    }
    if (log.counts.error > 0) problems.push(`outbox logged ${log.counts.error} errors: ${log.errors[0]}`);

    // Nothing lost, nothing duplicated, nothing misrouted, per-alert order: from Slack's side.
    const want = ['escalated', 'acknowledged', 'resolved'];
    const digest = await slack.digest(Array.from({ length: CHANNELS }, (_, c) => channelId(c)));
    for (let c = 0; c < CHANNELS; c++) {
      const ch = channelId(c);
      const byAlert = new Map<string, MessageDigest[]>();
      for (const m of digest[ch] ?? []) byAlert.set(m.alertId, [...(byAlert.get(m.alertId) ?? []), m]);
      for (const id of byAlert.keys()) {
        if (!alertIds[c]!.includes(id))
          problems.push(`${ch}: message for alert ${id}, which is not routed here`);
      }
      for (const id of alertIds[c]!) {
        const posted = byAlert.get(id) ?? [];
        if (posted.length !== 1) {
          problems.push(
            `${ch}: alert ${id} has ${posted.length} messages (${posted.length ? 'duplicated' : 'lost'})`,
          );
          continue;
        }
        const m = posted[0]!;
        const ok =
          m.replies.length === want.length &&
          want.every((w, i) => new RegExp(`\\b${w}\\b`).test(m.replies[i] ?? ''));
        if (!ok)
          problems.push(
            `${ch}: alert ${id} thread is [${m.replies.join(' | ')}], expected ${want.join(', ')}`,
          );
        if (!m.resolved) problems.push(`${ch}: alert ${id} message does not show it resolved`);
      }
    }
    // From vigil's side: each alert's successful calls, in the order they finished, are its post and
    // then one edit and one thread reply per later transition, so no edit overtook an earlier one.
    const calls = platform.calls;
    const perAlert = new Map<string, string[]>();
    for (const x of [...calls].sort((a, b) => a.end - b.end)) {
      if (!x.ok || x.op === 'findPosted') continue;
      perAlert.set(x.alertId, [...(perAlert.get(x.alertId) ?? []), x.op]);
    }
    const story = ['post', 'update', 'reply', 'update', 'reply', 'update', 'reply'].join(' ');
    let outOfOrder = 0;
    for (const ids of alertIds) {
      for (const id of ids) {
        const seen = (perAlert.get(id) ?? []).join(' ');
        if (seen !== story) {
          outOfOrder++;
          if (outOfOrder <= 5) problems.push(`alert ${id}: calls ${seen}, expected ${story}`);
        }
      }
    }
    if (outOfOrder > 5) problems.push(`... ${outOfOrder} alerts in all with calls out of order`);

    // Timing, per channel: a delivery ends with its post (opened) or its thread reply (the others).
    const channels: ChannelResult[] = [];
    for (let c = 0; c < CHANNELS; c++) {
      const ch = channelId(c);
      const mine = calls.filter((x) => x.channel === ch);
      const delivered = mine.filter((x) => x.ok && (x.op === 'post' || x.op === 'reply'));
      const done = delivered.map((x) => x.end).sort((a, b) => a - b);
      const limited = mine.filter((x) => x.code === 'chat-rate-limited');
      const retryAfterMs = limited.reduce((n, x) => n + (x.retryAfterMs ?? 0), 0);
      const serverErrors = mine.filter((x) => x.code !== undefined && x.code !== 'chat-rate-limited').length;
      // Slack paces chat.postMessage per channel: the gaps between the requests that post (a message
      // or a thread reply), as they leave vigil.
      const sent = delivered.map((x) => x.start).sort((a, b) => a - b);
      const gaps = sent.slice(1).map((t, i) => t - sent[i]!);
      channels.push({
        channel: ch,
        deliveries: done.length,
        first: done[0] ?? NaN,
        last: done[done.length - 1] ?? NaN,
        retryAfterMs,
        rateLimited: limited.length,
        serverErrors,
        // Each 5xx costs vigil's first outage backoff (retryInitialMs), as a 429 costs its Retry-After.
        minimum: (PER_CHANNEL - 1) * PACE_MS + retryAfterMs + serverErrors * config.outbox.retryInitialMs,
        minGap: min(gaps),
        p1Gap: percentile(gaps, 1),
        shortGaps: gaps.filter((g) => g < 0.9 * PACE_MS).length,
      });
    }
    // findPosted reads conversations.history, which Slack limits per workspace (Tier 3, about 50 a
    // minute), not per channel: the most calls in any 60 s.
    const history = calls
      .filter((x) => x.op === 'findPosted')
      .map((x) => x.start)
      .sort((a, b) => a - b);
    let historyPerMinute = 0;
    for (let i = 0, j = 0; j < history.length; j++) {
      while (history[j]! - history[i]! >= 60_000) i++;
      historyPerMinute = Math.max(historyPerMinute, j - i + 1);
    }
    const opCounts = { post: 0, update: 0, reply: 0, findPosted: 0 } as Record<Op, number>;
    for (const x of calls) opCounts[x.op] += 1;
    return {
      totalMs: max(channels.map((c) => c.last)),
      minimumMs: max(channels.map((c) => c.minimum)),
      enqueueMs,
      channels,
      problems,
      calls: opCounts,
      rateLimited: calls.filter((x) => x.code === 'chat-rate-limited').length,
      historyPerMinute,
      log: log.counts,
      heap,
      cpu,
    };
  } finally {
    for (const t of timers) clearTimeout(t);
    await scheduling?.stop().catch(() => undefined);
    await clients.close().catch(() => undefined);
    await slack.close();
  }
}

/** The first sample after a fifth of the run (warm-up) against the last, after every job finished. */
function heapVerdict(heap: readonly [number, number][]): { warm: number; end: number; growth: number } {
  const end = heap.at(-1)?.[1] ?? NaN;
  const runMs = heap.at(-1)?.[0] ?? 0;
  const warm = heap.find(([t]) => t >= runMs / 5)?.[1] ?? end;
  return { warm, end, growth: end / warm - 1 };
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-delivery-'));
  writeFileSync(join(dir, 'unused.kubeconfig'), 'apiVersion: v1\nkind: Config\n');
  const redis = await startRedisServer();
  try {
    console.log(
      `${TOTAL} transitions: ${CHANNELS} channels × ${ALERTS} alerts × ${TRANSITIONS_PER_ALERT} (opened, escalated, acknowledged, resolved); ` +
        `pace ${PACE_MS} ms per channel, notify concurrency ${CONCURRENCY}, 429s ${INJECT ? 'injected' : 'off'}, ` +
        `5xx ${SERVER_ERRORS ? 'injected' : 'off'}; ` +
        `${cpus().length} CPUs; ${RUNS} runs`,
    );
    console.log(
      `a channel's floor: (${PER_CHANNEL} − 1) × ${PACE_MS} ms = ${seconds((PER_CHANNEL - 1) * PACE_MS)} s, plus the Retry-After it is told to wait`,
    );
    const results: RunResult[] = [];
    let failed = false;
    let heapGrew = false;
    for (let run = 1; run <= RUNS; run++) {
      const r = await runOnce(redis, dir, run);
      results.push(r);
      const overhead = (r.totalMs / r.minimumMs - 1) * 100;
      console.log(
        `run ${run}: total ${seconds(r.totalMs)} s, theoretical minimum ${seconds(r.minimumMs)} s (+${overhead.toFixed(1)} %), ` +
          `enqueued in ${seconds(r.enqueueMs)} s, 429s ${r.rateLimited}, calls: ${r.calls.post} post, ${r.calls.update} update, ` +
          `${r.calls.reply} reply, ${r.calls.findPosted} findPosted (at most ${r.historyPerMinute} in 60 s); outbox log ${r.log.warn} warn, ${r.log.error} error; ` +
          (r.problems.length === 0
            ? 'nothing lost, duplicated or out of order'
            : `${r.problems.length} PROBLEMS`) +
          `; load average ${loadavg()[0]!.toFixed(2)}`,
      );
      for (const p of r.problems.slice(0, 10)) console.log(`  PROBLEM: ${p}`);
      if (r.problems.length > 0) failed = true;
      console.log(
        `  CPU until the last delivery: this process (outbox and enqueueing) ${r.cpu.bench.toFixed(1)} s, ` +
          `redis-server ${r.cpu.redis.toFixed(1)} s, fake Slack ${r.cpu.slack.toFixed(1)} s: ` +
          `${((r.cpu.bench * 1000) / TOTAL).toFixed(1)} + ${((r.cpu.redis * 1000) / TOTAL).toFixed(1)} + ` +
          `${((r.cpu.slack * 1000) / TOTAL).toFixed(1)} ms per transition`,
      );
      const h = heapVerdict(r.heap);
      console.log(
        `  heap after GC (MB, every ${HEAP_EVERY_MS / 1000} s): ${r.heap.map(([, mb]) => mb.toFixed(1)).join(' ')}; ` +
          `after warm-up ${h.warm.toFixed(1)} MB, at the end ${h.end.toFixed(1)} MB (${h.growth >= 0 ? '+' : ''}${(h.growth * 100).toFixed(1)} %)`,
      );
      if (h.growth > HEAP_GROWTH_LIMIT) {
        heapGrew = true;
        console.log(`  PROBLEM: the heap grew by more than ${HEAP_GROWTH_LIMIT * 100} % after warm-up`);
      }
    }
    const last = results[results.length - 1]!;
    console.log(
      `\nper channel (run ${results.length}): times in s since t0; minimum = (n − 1) × pace + Retry-After; ` +
        'gaps in ms between the starts of consecutive chat.postMessage calls (posts and thread replies)',
    );
    console.log(
      table([
        [
          'channel',
          'delivered',
          'first',
          'last',
          '429s',
          'Retry-After',
          '5xx',
          'minimum',
          'last/min',
          'min gap',
          'p1 gap',
          'gaps<90%',
        ],
        ...last.channels.map((c) => [
          c.channel,
          String(c.deliveries),
          seconds(c.first),
          seconds(c.last),
          String(c.rateLimited),
          seconds(c.retryAfterMs),
          String(c.serverErrors),
          seconds(c.minimum),
          (c.last / c.minimum).toFixed(3),
          String(Math.round(c.minGap)),
          String(Math.round(c.p1Gap)),
          String(c.shortGaps),
        ]),
      ]),
    );
    const medTotal = median(results.map((r) => r.totalMs));
    const medMin = median(results.map((r) => r.minimumMs));
    const medOverhead = median(results.map((r) => (r.totalMs / r.minimumMs - 1) * 100));
    const minGap = min(results.flatMap((r) => r.channels.map((c) => c.minGap)));
    const shortGaps = results.map((r) => r.channels.reduce((n, c) => n + c.shortGaps, 0));
    console.log(
      `\nmedian over ${RUNS} runs: total ${seconds(medTotal)} s against a theoretical minimum of ${seconds(medMin)} s ` +
        `(+${medOverhead.toFixed(1)} %); smallest gap between two posts to one channel: ${Math.round(minGap)} ms ` +
        `(pace ${PACE_MS} ms); gaps under 90 % of the pace per run: ${shortGaps.join(', ')} of ${TOTAL - CHANNELS}`,
    );
    const slow = medOverhead > MAX_OVERHEAD;
    if (failed)
      console.log(
        'TARGET MISSED: notifications lost, duplicated, misrouted or out of order (see PROBLEM lines)',
      );
    if (slow) console.log(`TARGET MISSED: more than ${MAX_OVERHEAD} % above the pace limit`);
    if (heapGrew) console.log(`TARGET MISSED: heap after GC grew by more than ${HEAP_GROWTH_LIMIT * 100} %`);
    if (!failed && !slow && !heapGrew)
      console.log(
        `target met: nothing lost, duplicated or out of order, within ${MAX_OVERHEAD} % of the pace limit, heap flat`,
      );
    return failed || slow || heapGrew ? 1 : 0;
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(3);
  },
);

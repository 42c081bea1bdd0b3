/**
 * Benchmark (not a test): delivery of 1,000 transitions across 10 Slack channels through the real
 * outbox, under the per-channel pace, with injected 429s. Targets (issue 4): nothing lost, nothing
 * duplicated, and a total time close to the pace limit.
 *
 *   npm run bench:delivery -- --runs 3
 *   npx tsx bench/delivery-pace.ts [--runs 3] [--channels 10] [--alerts 25] [--pace-ms 1000]
 *                                  [--concurrency 16] [--no-429] [--max-overhead 10]
 *
 * Everything runs on 127.0.0.1, in this process except redis-server. Each run wires the queue the
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
 * and one 429 without Retry-After (vigil then waits 1 s).
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
import type { AlertChanges } from '../src/alerts/alert-store.js';
import { lifecyclePolicy } from '../src/alerts/lifecycle-policy.js';
import { createSlackPlatform } from '../src/chat/slack/index.js';
import { parseConfig } from '../src/config/load-config.js';
import { createRedisStores } from '../src/redis/redis-stores.js';
import { startJobs } from '../jobs/start-jobs.js';
import { FakeSlackWebApi, type FakeSlackMessage } from '../test/fakes/slack/index.js';
import { countingCheckDeps } from '../test/support/fake-check-deps.js';
import { queueClients } from '../test/support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../test/support/redis-server.js';
import { max, median, min, percentile, seconds, table } from './bench-stats.js';
import { exitWithHelpIf, positiveInt } from './bench-cli.js';
import { channelId, lifecycles } from './delivery-work.js';
import { countingLog, TimedPlatform, type Op } from './timed-platform.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    channels: { type: 'string', default: '10' },
    alerts: { type: 'string', default: '25' },
    'pace-ms': { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '16' },
    'no-429': { type: 'boolean', default: false },
    'max-overhead': { type: 'string', default: '10' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
exitWithHelpIf(args.help, import.meta.url);
const RUNS = positiveInt('runs', args.runs);
const CHANNELS = positiveInt('channels', args.channels);
const ALERTS = positiveInt('alerts', args.alerts);
const PACE_MS = positiveInt('pace-ms', args['pace-ms']);
const CONCURRENCY = positiveInt('concurrency', args.concurrency);
const MAX_OVERHEAD = Number(args['max-overhead']);
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

interface ChannelResult {
  channel: string;
  deliveries: number;
  first: number;
  last: number;
  retryAfterMs: number;
  rateLimited: number;
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
}

const visible = (m: FakeSlackMessage) => `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`;

async function runOnce(redis: RedisServer, dir: string, runNo: number): Promise<RunResult> {
  const slack = await FakeSlackWebApi.start();
  const prefix = `bench-delivery-${runNo}-${randomBytes(3).toString('hex')}`;
  const clients = queueClients(redis, prefix);
  const timers: NodeJS.Timeout[] = [];
  let scheduling: Awaited<ReturnType<typeof startJobs>> | undefined;
  try {
    const rawConfig = {
      clusters: [{ name: 'bench', kubeconfig: join(dir, 'unused.kubeconfig') }],
      outbox: { minIntervalMs: { slack: PACE_MS }, concurrency: CONCURRENCY },
      alerts: {
        resolveAfterOkRuns: 1,
        routes: Array.from({ length: CHANNELS }, (_, c) => ({
          match: { namespace: `team-${c}` },
          slack: [channelId(c)],
        })),
      },
    };
    const config = parseConfig(rawConfig, 'bench-delivery', dir);
    const stores = createRedisStores(clients.storeConnection, config.alerts);
    const platform = new TimedPlatform(createSlackPlatform({ botToken: slack.token, apiUrl: slack.apiUrl }));
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

    // t0: the first transition is handed to the outbox.
    const t0 = performance.now();
    platform.t0 = t0;
    if (INJECT) {
      for (const inj of INJECTIONS) {
        timers.push(
          setTimeout(
            () =>
              slack.rateLimit({
                channel: channelId(inj.channel % CHANNELS),
                times: inj.times,
                retryAfterSeconds: inj.retryAfterSeconds,
                ...(inj.method ? { method: inj.method } : {}),
              }),
            inj.at * expectedMinMs,
          ),
        );
      }
    }
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

    const problems: string[] = [];
    if ((counts['completed'] ?? 0) !== TOTAL) {
      problems.push(`notify jobs: ${JSON.stringify(counts)}, expected ${TOTAL} completed`);
    }
    if (log.counts.error > 0) problems.push(`outbox logged ${log.counts.error} errors: ${log.errors[0]}`);

    // Nothing lost, nothing duplicated, nothing misrouted, per-alert order: from Slack's side.
    const want = ['escalated', 'acknowledged', 'resolved'];
    for (let c = 0; c < CHANNELS; c++) {
      const ch = channelId(c);
      const messages = slack.messages(ch);
      const byAlert = new Map<string, FakeSlackMessage[]>();
      for (const m of messages) {
        const id = String(m.metadata?.event_payload['alert_id'] ?? '');
        byAlert.set(id, [...(byAlert.get(id) ?? []), m]);
      }
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
        const thread = m.replies.map((r) => r.text ?? '');
        const ok =
          thread.length === want.length &&
          want.every((w, i) => new RegExp(`\\b${w}\\b`).test(thread[i] ?? ''));
        if (!ok)
          problems.push(`${ch}: alert ${id} thread is [${thread.join(' | ')}], expected ${want.join(', ')}`);
        if (!/resolved/i.test(visible(m)))
          problems.push(`${ch}: alert ${id} message does not show it resolved`);
      }
    }

    // Timing, per channel: a delivery ends with its post (opened) or its thread reply (the others).
    const channels: ChannelResult[] = [];
    for (let c = 0; c < CHANNELS; c++) {
      const ch = channelId(c);
      const mine = platform.calls.filter((x) => x.channel === ch);
      const delivered = mine.filter((x) => x.ok && (x.op === 'post' || x.op === 'reply'));
      const done = delivered.map((x) => x.end).sort((a, b) => a - b);
      const limited = mine.filter((x) => x.code === 'chat-rate-limited');
      const retryAfterMs = limited.reduce((n, x) => n + (x.retryAfterMs ?? 0), 0);
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
        minimum: (PER_CHANNEL - 1) * PACE_MS + retryAfterMs,
        minGap: min(gaps),
        p1Gap: percentile(gaps, 1),
        shortGaps: gaps.filter((g) => g < 0.9 * PACE_MS).length,
      });
    }
    // findPosted reads conversations.history, which Slack limits per workspace (Tier 3, about 50 a
    // minute), not per channel: the most calls in any 60 s.
    const history = platform.calls
      .filter((x) => x.op === 'findPosted')
      .map((x) => x.start)
      .sort((a, b) => a - b);
    let historyPerMinute = 0;
    for (let i = 0, j = 0; j < history.length; j++) {
      while (history[j]! - history[i]! >= 60_000) i++;
      historyPerMinute = Math.max(historyPerMinute, j - i + 1);
    }
    const calls = { post: 0, update: 0, reply: 0, findPosted: 0 } as Record<Op, number>;
    for (const x of platform.calls) calls[x.op] += 1;
    return {
      totalMs: max(channels.map((c) => c.last)),
      minimumMs: max(channels.map((c) => c.minimum)),
      enqueueMs,
      channels,
      problems,
      calls,
      rateLimited: platform.calls.filter((x) => x.code === 'chat-rate-limited').length,
      historyPerMinute,
      log: log.counts,
    };
  } finally {
    for (const t of timers) clearTimeout(t);
    await scheduling?.stop().catch(() => undefined);
    await clients.close().catch(() => undefined);
    await slack.close();
  }
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-delivery-'));
  writeFileSync(join(dir, 'unused.kubeconfig'), 'apiVersion: v1\nkind: Config\n');
  const redis = await startRedisServer();
  try {
    console.log(
      `${TOTAL} transitions: ${CHANNELS} channels × ${ALERTS} alerts × ${TRANSITIONS_PER_ALERT} (opened, escalated, acknowledged, resolved); ` +
        `pace ${PACE_MS} ms per channel, notify concurrency ${CONCURRENCY}, 429s ${INJECT ? 'injected' : 'off'}; ` +
        `${cpus().length} CPUs; ${RUNS} runs`,
    );
    console.log(
      `a channel's floor: (${PER_CHANNEL} − 1) × ${PACE_MS} ms = ${seconds((PER_CHANNEL - 1) * PACE_MS)} s, plus the Retry-After it is told to wait`,
    );
    const results: RunResult[] = [];
    let failed = false;
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
    if (!failed && !slow)
      console.log(`target met: nothing lost or duplicated, within ${MAX_OVERHEAD} % of the pace limit`);
    return failed || slow ? 1 : 0;
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

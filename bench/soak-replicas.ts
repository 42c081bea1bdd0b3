/**
 * Soak (not a test, not in npm test): three `vigil serve` replicas, one Redis with AOF, a simulated
 * day in minutes, faults injected, every notification counted (vigil issue 15; figures in
 * RELIABILITY.md).
 *
 *   npm run soak:replicas -- --ticks 120              # short: about 2-3 minutes
 *   npm run soak:replicas -- --ticks 1440             # the full day: one tick a simulated minute
 *   npx tsx bench/soak-replicas.ts [--ticks 120] [--tick-seconds 1] [--clusters 3] [--certs 3]
 *                                  [--replicas 3] [--seed 15] [--no-faults] [--keep]
 *
 * Everything runs on 127.0.0.1. One redis-server with appendonly yes (fsync always), the fake Slack
 * Web API and the fake Bot Connector (test/fakes, in this process, recording every post, edit and
 * thread reply), one fake Kubernetes API server and one fake registry per cluster
 * (src/simulator). The replicas are child processes running src/serve/run-serve.ts through
 * bench/soak-serve-child.ts (per-second schedules allowed; one replica's clock is 90 s ahead).
 *
 * Time: every check of every cluster is scheduled every `--tick-seconds` (a six-field cron pattern),
 * and one tick stands for one simulated minute: 1,440 ticks are a day. The scenario
 * (bench/soak-scenario.ts) changes the clusters at planned ticks: certificates enter the warning
 * window, turn critical and are renewed; db/mongo breaks and recovers; the registry flaps. The
 * soak acknowledges some open incidents from Slack (signed block_actions) and from Teams
 * (Action.Execute invokes), each to a random live replica.
 *
 * Faults, at fixed fractions of the run: Slack 429 and 5xx storms, Teams 429 and 502 storms, kill -9
 * of a random replica (restarted 3 s later), Redis killed and restarted from its AOF, one cluster's
 * API server answering 500 and another's hanging (each for 15 ticks), and the clock offset of one
 * replica throughout. The last ticks are quiet and healthy; then the soak waits for the outbox to
 * drain and counts:
 *
 * - ticks: every scheduler's tick jobs seen completed (BullMQ keeps 1,000; polled every 5 s),
 *   ticks missing between the first and the last, ticks run more than once (attemptsStarted > 1),
 * - incidents: the scenario's broken phases against the alerts vigil opened for them (missed, split),
 *   alerts with no phase (the API outages' cluster alerts),
 * - notifications: for every alert and each platform, the transitions that notify (from the audit
 *   log) against what the fakes hold: one post, then one thread reply per transition, in order;
 *   duplicates, losses, out-of-order lines, final messages that do not show the final state,
 * - acks: sent, landed once (audit `acknowledged` by that user), landed twice, lost.
 *
 * Exits 0 when nothing was lost or duplicated, 1 otherwise, 3 on a harness failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { createQueues } from '../jobs/create-queues.js';
import type { Alert, AuditEntry } from '../src/domain/alert.js';
import { createRedisConnection } from '../src/redis/redis-connection.js';
import { RedisAlertStore } from '../src/redis/redis-alert-store.js';
import { decodeAuditMember } from '../src/redis/redis-audit-log.js';
import { auditKeys } from '../src/redis/redis-keys.js';
import { issueCa, issueLeaf } from '../src/simulator/cert-factory.js';
import {
  startFakeRegistry,
  sampleManifest,
  type FakeRegistryOptions,
} from '../src/simulator/fake-registry.js';
import { FakeKubeApiServer } from '../src/simulator/kube-api-server/index.js';
import { freeLoopbackPort } from '../src/system/loopback-redis.js';
import {
  FakeSlackWebApi,
  blockActionsBody,
  postToSlackEvents,
  type FakeSlackMessage,
} from '../test/fakes/slack/index.js';
import {
  FakeBotConnector,
  cardOf,
  channel,
  conversationUpdateActivity,
  executeActions,
  invokeActivity,
  maria,
  postActivity,
  visibleText,
  type FakeActivity,
} from '../test/fakes/teams/index.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { NODE, REPO, exitWithHelpIf, positiveInt } from './bench-cli.js';
import { prng, table } from './bench-stats.js';
import {
  applyChange,
  initialObjects,
  planScenario,
  soakObjects,
  type QuietWindow,
  type SoakCluster,
  type SoakObject,
} from './soak-scenario.js';

const { values: args } = parseArgs({
  options: {
    ticks: { type: 'string', default: '120' },
    'tick-seconds': { type: 'string', default: '1' },
    clusters: { type: 'string', default: '3' },
    certs: { type: 'string', default: '3' },
    replicas: { type: 'string', default: '3' },
    seed: { type: 'string', default: '15' },
    'clock-offset-ms': { type: 'string', default: '90000' },
    'no-faults': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
exitWithHelpIf(args.help, import.meta.url);
const TICKS = positiveInt('ticks', args.ticks);
const TICK_S = positiveInt('tick-seconds', args['tick-seconds']);
if (60 % TICK_S !== 0) throw new Error(`--tick-seconds must divide 60 (1, 2, 3, 5, ...), not ${TICK_S}`);
const TICK_MS = TICK_S * 1000;
const CLUSTERS = positiveInt('clusters', args.clusters);
const CERTS = positiveInt('certs', args.certs);
const REPLICAS = positiveInt('replicas', args.replicas);
const SEED = positiveInt('seed', args.seed);
const FAULTS = !args['no-faults'];

const PREFIX = 'soak';
const SIGNING_SECRET = 'soak-signing-secret';
const SLACK_CHANNEL = 'C0SOAK';
const teamsChannel = channel('Alerts');
const TEAMS_ALIAS = 'platform-sre-alerts';
const KUBE_TOKEN = 'soak-kube-token';
const CLOCK_OFFSET_MS = Number(args['clock-offset-ms']);
if (!Number.isInteger(CLOCK_OFFSET_MS))
  throw new Error('--clock-offset-ms must be a whole number of milliseconds');
const TAIL_TICKS = Math.max(12, Math.round(TICKS * 0.08));

const checkOfKind = {
  certificate: 'certificates',
  statefulset: 'statefulsets',
  registry: 'registries',
} as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stamp = () => new Date().toISOString().slice(11, 19);
const say = (line: string) => console.log(`${stamp()} ${line}`);

// ---- replicas ------------------------------------------------------------------------------------

interface Replica {
  index: number;
  port: number;
  offsetMs: number;
  child?: ChildProcess;
  starts: number;
  kills: number;
  /** Exits the soak did not ask for (e.g. exit 3 when Redis is down at start-up), with their codes. */
  crashes: string[];
  /** While true, an exit is followed by a restart 3 s later, as Kubernetes restarts a pod. */
  supervised: boolean;
  /** /readyz said the clock is off (the clock guard paused its scheduled work). */
  clockUnready?: boolean;
}

function startReplica(r: Replica, configPath: string, env: Record<string, string>, logDir: string): void {
  const log = openSync(join(logDir, `replica-${r.index}.log`), 'a');
  const child = spawn(
    NODE,
    [
      '--max-semi-space-size=1',
      '--expose-gc',
      '--import',
      'tsx',
      join(REPO, 'bench', 'soak-serve-child.ts'),
      configPath,
    ],
    { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', log, log] },
  );
  r.child = child;
  r.starts += 1;
  child.once('exit', (code, signal) => {
    closeSync(log);
    if (!r.supervised) return;
    if (signal !== 'SIGKILL') r.crashes.push(signal ?? `exit ${code}`);
    setTimeout(() => {
      if (r.supervised && r.child === child) startReplica(r, configPath, env, logDir);
    }, 3000);
  });
}

function replicaEnv(r: Replica, redisUrl: string, slack: FakeSlackWebApi): Record<string, string> {
  return {
    REDIS_URL: redisUrl,
    VIGIL_REDIS_PREFIX: PREFIX,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    VIGIL_TEAMS_INSECURE_DEV: 'true',
    PORT: String(r.port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    SOAK_CLOCK_OFFSET_MS: String(r.offsetMs),
  };
}

const alive = (r: Replica) =>
  r.child !== undefined && r.child.exitCode === null && r.child.signalCode === null;

async function waitReady(r: Replica, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!r.supervised) throw new Error(`replica ${r.index} is stopped`);
    try {
      const res = await fetch(`http://127.0.0.1:${r.port}/readyz`);
      const body = await res.text();
      if (res.status === 200) return;
      // The replica whose clock is off says so and stays unready (jobs/clock-guard/): it is up.
      if (r.offsetMs !== 0 && /clock/.test(body)) {
        r.clockUnready = true;
        return;
      }
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`replica ${r.index} not ready within ${timeoutMs} ms`);
}

async function killHard(r: Replica): Promise<void> {
  const child = r.child;
  if (!child || !alive(r)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
  r.kills += 1;
}

async function stopGracefully(r: Replica): Promise<void> {
  r.supervised = false;
  const child = r.child;
  if (!child || !alive(r)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

// ---- acks ----------------------------------------------------------------------------------------

interface AckSent {
  alertId: string;
  platform: 'slack' | 'teams';
  user: string;
  attempts: number;
  answered: boolean;
  /** What vigil answered (the HTTP body; for Slack, later also the response_url post). */
  reply: string;
}

async function sendWithRetry(
  replicas: Replica[],
  rand: () => number,
  send: (base: string) => Promise<Response>,
) {
  for (let attempt = 1; attempt <= 4; attempt++) {
    // Kubernetes sends requests only to ready pods: never to the one whose clock is off.
    const live = replicas.filter((x) => alive(x) && !x.clockUnready);
    const r = live[Math.floor(rand() * live.length)];
    if (r) {
      try {
        const res = await send(`http://127.0.0.1:${r.port}`);
        const reply = await res.text();
        if (res.status === 200) return { attempts: attempt, answered: true, reply };
      } catch {
        // the replica died under the request: try another, as a user clicking again would
      }
    }
    await sleep(500);
  }
  return { attempts: 4, answered: false, reply: '' };
}

function slackAlertId(m: FakeSlackMessage): string | undefined {
  const id = m.metadata?.event_payload['alert_id'];
  return typeof id === 'string' ? id : undefined;
}

/** The alert a Teams card is about: its Acknowledge button's data, else the id its text shows. */
function teamsAlertId(a: FakeActivity, ids: readonly string[]): string | undefined {
  for (const version of [a, ...a.history]) {
    const card = cardOf(version as FakeActivity);
    for (const act of executeActions(card)) {
      const id = act.data['alertId'];
      if (typeof id === 'string') return id;
    }
  }
  const text = visibleText(cardOf(a));
  return ids.find((id) => new RegExp(`\\b${id}\\b`).test(text));
}

// ---- main ----------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-soak-'));
  const stops: (() => Promise<void>)[] = [];
  const replicas: Replica[] = [];
  const t0 = performance.now();
  try {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const ca = issueCa('soak-ca', now);
    const apiCert = issueLeaf('kube-apiserver', now, 300, { issuer: ca, sans: ['127.0.0.1', 'localhost'] });
    const [redis, slack, connector] = await Promise.all([
      startRedisServer({ persist: true }),
      FakeSlackWebApi.start(),
      FakeBotConnector.start(),
    ]);
    stops.push(
      () => redis.stop(),
      () => slack.close(),
      () => connector.close(),
    );

    const runTimes: { cluster: string; check: string; at: number }[] = [];
    const clusterNames = Array.from({ length: CLUSTERS }, (_, i) => `c${i + 1}`);
    const clusters: SoakCluster[] = [];
    for (const name of clusterNames) {
      const api = await FakeKubeApiServer.start({
        certPem: apiCert.chainPem,
        keyPem: apiCert.keyPem,
        tokens: { [KUBE_TOKEN]: 'system:serviceaccount:vigil:vigil' },
      });
      const registryOptions: FakeRegistryOptions = {
        manifests: { 'shop/web:1.0': sampleManifest('shop/web') },
      };
      const registry = await startFakeRegistry(registryOptions);
      stops.push(
        () => api.stop(),
        () => registry.stop(),
      );
      clusters.push({ name, api, registryOptions, registryHost: registry.registry });
      // When each check run reached the API server, in this process's (true) time: one list a run.
      const push = api.requests.push.bind(api.requests);
      api.requests.push = (...items) => {
        for (const r of items) {
          const check =
            r.path.endsWith('/secrets') && (r.query['fieldSelector'] ?? '').includes('kubernetes.io/tls')
              ? 'certificates'
              : r.path.endsWith('/statefulsets')
                ? 'statefulsets'
                : r.path.endsWith('/deployments')
                  ? 'registries'
                  : undefined;
          if (check && !r.query['continue']) runTimes.push({ cluster: name, check, at: Date.now() });
        }
        return push(...items);
      };
    }
    const objects = soakObjects(clusterNames, CERTS);
    for (const c of clusters) c.api.upsertMany(initialObjects(objects, c, ca, now));

    // Faults at fixed fractions of the run (ticks), so a short and a long run see the same kinds.
    const at = (f: number) => Math.round(TICKS * f);
    const outageTicks = 15;
    const quiet: QuietWindow[] = FAULTS
      ? [
          { cluster: clusterNames[0]!, fromTick: at(0.4) - 3, toTick: at(0.4) + outageTicks + 3 },
          { cluster: clusterNames[1 % CLUSTERS]!, fromTick: at(0.7) - 3, toTick: at(0.7) + outageTicks + 3 },
        ]
      : [];
    const plan = planScenario(objects, {
      ticks: TICKS,
      minPhase: 8,
      maxPhase: Math.max(8, Math.min(40, Math.round(TICKS / 6))),
      tailTicks: TAIL_TICKS,
      quiet,
      seed: SEED,
    });

    // vigil.yaml: per-second schedules, no start-up runs, every incident to one Slack channel and one
    // Teams channel, each flap a new incident (reopenWindowHours 0), no reminders within the run.
    const kubeconfigs = clusters.map((c) => {
      const path = join(dir, `${c.name}.kubeconfig`);
      writeFileSync(path, c.api.kubeconfig({ caPem: ca.certPem, token: KUBE_TOKEN, contextName: c.name }));
      return path;
    });
    const pattern = TICK_S === 1 ? '* * * * * *' : `*/${TICK_S} * * * * *`;
    const configPath = join(dir, 'vigil.yaml');
    writeFileSync(
      configPath,
      stringify({
        clusters: clusters.map((c, i) => ({ name: c.name, kubeconfig: kubeconfigs[i] })),
        // The StatefulSet fixture's pods pull from registry.example.com, which does not resolve here.
        registries: { insecure: clusters.map((c) => c.registryHost), ignore: ['registry.example.com'] },
        schedules: {
          checks: {
            certificates: pattern,
            statefulsets: pattern,
            registries: pattern,
            'host-certificates': false,
          },
          runOnStart: false,
        },
        outbox: { minIntervalMs: { slack: 100, teams: 100 } },
        alerts: {
          resolveAfterOkRuns: 2,
          repeatIntervalHours: 0,
          reopenWindowHours: 0,
          routes: [{ match: {}, slack: [SLACK_CHANNEL], teams: [TEAMS_ALIAS] }],
        },
      }),
    );

    for (let i = 0; i < REPLICAS; i++) {
      const port = await freeLoopbackPort();
      // The last replica's clock runs 90 s ahead for the whole run.
      replicas.push({
        index: i,
        port,
        offsetMs: FAULTS && i === REPLICAS - 1 ? CLOCK_OFFSET_MS : 0,
        starts: 0,
        kills: 0,
        crashes: [],
        supervised: true,
      });
    }
    const envOf = (r: Replica) => replicaEnv(r, redis.url, slack);
    for (const r of replicas) startReplica(r, configPath, envOf(r), dir);
    stops.unshift(async () => {
      for (const r of replicas) await stopGracefully(r);
    });
    await Promise.all(replicas.map((r) => waitReady(r)));
    // vigil is added to the Teams channel (conversationUpdate), so the route's alias resolves.
    const added = await postActivity(
      `http://127.0.0.1:${replicas[0]!.port}/api/messages`,
      conversationUpdateActivity({ serviceUrl: connector.serviceUrl, conversation: teamsChannel }),
    );
    if (added.status !== 200) throw new Error(`conversationUpdate answered ${added.status}`);
    say(
      `${REPLICAS} replicas ready in ${((performance.now() - t0) / 1000).toFixed(0)} s; ${CLUSTERS} clusters x 3 checks every ${TICK_S} s, ` +
        `${TICKS} ticks, ${plan.episodes.length} incidents planned; ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(2)}`,
    );

    // Tick accounting: completed run-check jobs, polled before BullMQ trims them (1,000 kept).
    const conn = createRedisConnection({
      url: redis.url,
      prefix: PREFIX,
      name: 'soak-observer',
      forBullMQ: true,
      onError: () => {},
    });
    const queues = createQueues(conn.redis, PREFIX);
    // Errors while Redis restarts are expected here; the polls below retry.
    for (const q of [queues.checks, queues.notify, queues.housekeeping]) q.on('error', () => undefined);
    stops.splice(1, 0, async () => {
      await queues.close();
      await conn.close();
    });
    const ticksSeen = new Map<
      string,
      {
        started: number;
        stalled: number;
        cluster: string;
        check: string;
        from: number;
        to: number;
        ok: boolean;
      }
    >();
    const poll = async () => {
      try {
        for (const job of await queues.checks.getJobs(['completed', 'failed'], 0, -1)) {
          if (!job.id?.startsWith('repeat:')) continue;
          ticksSeen.set(job.id, {
            started: job.attemptsStarted,
            stalled: job.stalledCounter,
            cluster: job.data.cluster,
            check: job.data.check,
            from: job.processedOn ?? 0,
            to: job.finishedOn ?? 0,
            ok: job.finishedOn !== undefined && job.failedReason === undefined,
          });
        }
      } catch {
        // Redis is restarting: the next poll catches up (1,000 jobs are kept, minutes of ticks).
      }
    };

    // The run: one loop step per tick, scenario changes, faults and acks at their ticks.
    const rand = prng(SEED * 7919);
    const faultsLog: string[] = [];
    const fault = (what: string) => {
      faultsLog.push(`tick ${tick}: ${what}`);
      say(`fault: ${what}`);
    };
    const background: Promise<unknown>[] = [];
    const acks: AckSent[] = [];
    const acked = new Set<string>();
    const alertStore = new RedisAlertStore(conn.redis, PREFIX);
    /** The scenario object an alert is about, or undefined for an alert a fault caused (a read that failed). */
    const objectOf = (a: Alert): string | undefined => {
      if (a.check === 'registries')
        return clusters.some((c) => c.name === a.cluster && a.object.includes(c.registryHost))
          ? 'registry'
          : undefined;
      if (a.check === 'statefulsets') return a.object === 'statefulset db/mongo' ? 'db/mongo' : undefined;
      if (a.check === 'certificates') return /\bshop\/(cert-\d+)\b/.exec(a.object)?.[1];
      return undefined;
    };
    const episodeAt = (tick: number, clusterName: string, objectName: string) =>
      plan.episodes.find(
        (e) =>
          e.object.cluster === clusterName &&
          e.object.name === objectName &&
          e.fromTick <= tick &&
          tick < e.toTick,
      );
    const killAndRestart = (label: string) => {
      const live = replicas.filter(alive);
      const victim = live[Math.floor(rand() * live.length)];
      if (!victim) return;
      fault(`kill -9 replica ${victim.index} (${label}); restarted 3 s later`);
      background.push(killHard(victim));
    };
    const faultPlan = new Map<number, () => void>(
      FAULTS
        ? [
            [
              at(0.1),
              () => {
                fault(
                  'Slack storm: 40 x 429 (Retry-After 1 s), then 30 x 503 on chat.postMessage/chat.update',
                );
                for (const method of ['chat.postMessage', 'chat.update']) {
                  slack.rateLimit({ method, times: 20, retryAfterSeconds: 1 });
                  slack.failStatus(503, { method, times: 15 });
                }
              },
            ],
            [at(0.2), () => killAndRestart('mid-run')],
            [
              at(0.3),
              () => {
                fault('Redis killed (SIGKILL), restarted from its AOF 2 s later');
                background.push(
                  (async () => {
                    await redis.kill();
                    await sleep(2000);
                    await redis.start();
                  })(),
                );
              },
            ],
            [
              at(0.4),
              () => {
                fault(`API server of ${clusterNames[0]} answers 500 for ${outageTicks} ticks`);
                clusters[0]!.api.outage('error');
              },
            ],
            [at(0.4) + outageTicks, () => clusters[0]!.api.outage(undefined)],
            [
              at(0.5),
              () => {
                fault('Teams storm: 30 x 429 (Retry-After 1 s), then 30 x 502 on send/update/reply');
                for (const operation of ['send', 'update', 'reply'] as const) {
                  connector.rateLimit({ operation, times: 10, retryAfterSeconds: 1 });
                  connector.failStatus(502, { operation, times: 10 });
                }
              },
            ],
            [at(0.6), () => killAndRestart('during the Teams storm aftermath')],
            [
              at(0.7),
              () => {
                const c = clusters[1 % CLUSTERS]!;
                fault(`API server of ${c.name} hangs (no answer) for ${outageTicks} ticks`);
                c.api.outage('hang');
              },
            ],
            [at(0.7) + outageTicks, () => clusters[1 % CLUSTERS]!.api.outage(undefined)],
            [
              at(0.8),
              () => {
                fault('Slack 5xx storm (20 x 500) and kill -9 at once');
                slack.failStatus(500, { times: 20 });
                killAndRestart('during a Slack 5xx storm');
              },
            ],
          ]
        : [],
    );
    const ackTicks = new Set(
      Array.from({ length: Math.max(2, Math.round(TICKS / 12)) }, (_, i) =>
        Math.round(((i + 1) * (TICKS - TAIL_TICKS)) / (Math.round(TICKS / 12) + 2)),
      ),
    );

    const applied: { object: SoakObject; to: string; at: number }[] = [];
    let tick = 0;
    let changeIndex = 0;
    const started = Date.now();
    for (; tick < TICKS; tick++) {
      const due = started + tick * TICK_MS;
      if (Date.now() < due) await sleep(due - Date.now());
      while (changeIndex < plan.changes.length && plan.changes[changeIndex]!.tick <= tick) {
        const change = plan.changes[changeIndex++]!;
        applyChange(
          change,
          clusters.find((c) => c.name === change.object.cluster)!,
          ca,
        );
        applied.push({ object: change.object, to: change.to, at: Date.now() });
      }
      faultPlan.get(tick)?.();
      if (tick % 5 === 0) await poll();
      if (ackTicks.has(tick)) {
        // Acknowledge an open incident that stays broken for a while yet, alternating platforms.
        const platform = acks.length % 2 === 0 ? 'slack' : 'teams';
        const open = await alertStore.listOpen().catch(() => [] as Alert[]);
        const candidate = open.find((a) => {
          if (acked.has(a.id) || a.acknowledged || a.check === 'cluster') return false;
          const e = episodeAt(tick, a.cluster, objectOf(a) ?? '');
          return e !== undefined && e.toTick - tick >= 4;
        });
        if (candidate) {
          acked.add(candidate.id);
          background.push(sendAck(candidate, platform));
        }
      }
      if (tick % 60 === 0)
        say(
          `tick ${tick}/${TICKS}: ${slack.callsTo('chat.postMessage').length} Slack posts, ${connector.callsTo('send').length} Teams sends so far`,
        );
    }

    async function sendAck(alert: Alert, platform: 'slack' | 'teams'): Promise<void> {
      // The audit names a Teams user by their Entra object id (src/chat/teams/teams-bot.ts).
      const user = platform === 'slack' ? 'U0SOAK' : maria.aadObjectId;
      if (platform === 'slack') {
        const msg = slack.messages(SLACK_CHANNEL).find((m) => slackAlertId(m) === alert.id);
        if (!msg) return;
        const body = blockActionsBody({
          responseUrl: slack.responseUrl(`ack/${alert.id}`),
          action: { type: 'button', action_id: `vigil_ack:${alert.id}`, value: alert.id },
          messageTs: msg.ts,
          channelId: SLACK_CHANNEL,
          user: { id: 'U0SOAK', username: 'soak' },
        });
        const r = await sendWithRetry(replicas, rand, (base) =>
          postToSlackEvents(`${base}/slack/events`, body, SIGNING_SECRET),
        );
        acks.push({ alertId: alert.id, platform, user, ...r });
      } else {
        const card = connector
          .messages(teamsChannel.id)
          .find((a) => teamsAlertId(a, [alert.id]) === alert.id);
        const ack = card && executeActions(cardOf(card)).find((a) => a.title === 'Acknowledge');
        if (!card || !ack) return;
        const activity = invokeActivity({
          serviceUrl: connector.serviceUrl,
          conversation: teamsChannel,
          verb: ack.verb,
          data: ack.data,
          replyToId: card.id,
        });
        const r = await sendWithRetry(replicas, rand, (base) =>
          postActivity(`${base}/api/messages`, activity),
        );
        acks.push({ alertId: alert.id, platform, user, ...r });
      }
    }

    // Drain: faults over, everything healthy; wait for the replicas to come back and the outbox to empty.
    await Promise.all(background);
    await Promise.all(replicas.map((r) => sleep(4000).then(() => waitReady(r, 120_000))));
    say(`scenario done in ${((Date.now() - started) / 1000).toFixed(0)} s; draining`);
    const drainDeadline = Date.now() + 180_000;
    let drained = false;
    while (Date.now() < drainDeadline) {
      await poll();
      try {
        const counts = await queues.notify.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
        const pending = Object.values(counts).reduce((n, c) => n + c, 0);
        const open = (await alertStore.listOpen()).filter((a) => a.check !== ('cluster' as never));
        if (pending === 0 && open.length === 0) {
          drained = true;
          break;
        }
      } catch {
        // Redis briefly away
      }
      await sleep(2000);
    }
    if (!drained) {
      const open = await alertStore.listOpen().catch(() => [] as Alert[]);
      const counts = await queues.notify.getJobCounts().catch(() => ({}));
      say(
        `not drained after 180 s: open ${open.map((a) => `${a.id} ${a.cluster} ${a.object} (${a.state})`).join('; ')}; notify jobs ${JSON.stringify(counts)}`,
      );
    }
    // Two more ticks' worth of quiet, then the replicas stop (SIGTERM) so nothing is in flight.
    await sleep(3 * TICK_MS);
    await poll();
    for (const r of replicas) await stopGracefully(r);
    await poll();

    // ---- the count ----------------------------------------------------------------------------
    // Every audit entry, oldest first (RedisAuditLog.read caps at 1,000; the soak needs them all).
    const entries = (await conn.redis.zrange(auditKeys(PREFIX).all, '0', '-1')).map((m) =>
      decodeAuditMember(m),
    );
    const byAlert = new Map<string, AuditEntry[]>();
    for (const e of entries) if (e.alertId) byAlert.set(e.alertId, [...(byAlert.get(e.alertId) ?? []), e]);
    const alerts = new Map<string, Alert>();
    for (const id of byAlert.keys()) {
      const a = await alertStore.get(id);
      if (a) alerts.set(id, a);
    }
    const ids = [...alerts.keys()];

    // Ticks.
    const schedulers = new Map<string, number[]>();
    let reruns = 0;
    for (const [id, t] of ticksSeen) {
      const m = /^repeat:(.+):(\d+)$/.exec(id);
      if (!m) continue;
      schedulers.set(m[1]!, [...(schedulers.get(m[1]!) ?? []), Number(m[2])]);
      if (t.started > 1) reruns += 1;
    }
    let ticksExpected = 0;
    let ticksMissing = 0;
    let offGrid = 0;
    for (const millis of schedulers.values()) {
      millis.sort((a, b) => a - b);
      const span = Math.round((millis[millis.length - 1]! - millis[0]!) / TICK_MS) + 1;
      ticksExpected += span;
      ticksMissing += span - new Set(millis.map((x) => Math.round(x / TICK_MS))).size;
      offGrid += millis.filter((x) => x % TICK_MS !== 0).length;
    }

    // Runs as the API servers saw them, in true time: the longest wait between two runs of a check.
    const gaps: { key: string; gapMs: number; at: number }[] = [];
    for (const key of new Set(runTimes.map((r) => `${r.cluster}/${r.check}`))) {
      const times = runTimes
        .filter(
          (r) =>
            `${r.cluster}/${r.check}` === key && r.at >= started && r.at <= started + TICKS * TICK_MS * 1.5,
        )
        .map((r) => r.at);
      for (let i = 1; i < times.length; i++)
        gaps.push({ key, gapMs: times[i]! - times[i - 1]!, at: times[i - 1]! - started });
    }
    gaps.sort((a, b) => b.gapMs - a.gapMs);
    const runsInRun = runTimes.filter((r) => r.at >= started && r.at <= started + TICKS * TICK_MS).length;

    // Incidents: per object, the planned broken phases against the alerts vigil opened for it. Counted,
    // not matched by time: alert times come from the replicas' clocks, one of which is off.
    // Expected, from the completed runs (their start and end; the skewed replica takes none, see
    // jobs/clock-guard/): at least the broken phases a run saw from start to end, each after a healthy
    // time two whole runs saw (resolveAfterOkRuns: 2); at most every phase any run overlapped.
    const margin = 100;
    const runs = [...ticksSeen.values()].filter((t) => t.ok);
    const inside = (o: SoakObject, from: number, to: number) =>
      runs.filter(
        (r) =>
          r.cluster === o.cluster &&
          r.check === checkOfKind[o.kind] &&
          r.from > from + margin &&
          r.to < to - margin,
      ).length;
    const overlapping = (o: SoakObject, from: number, to: number) =>
      runs.filter(
        (r) => r.cluster === o.cluster && r.check === checkOfKind[o.kind] && r.from < to && r.to > from,
      ).length;
    let missed = 0;
    let split = 0;
    let unseen = 0;
    let lowerSum = 0;
    let upperSum = 0;
    const matched = new Set<string>();
    const missedList: string[] = [];
    for (const o of objects) {
      const changes = applied.filter((c) => c.object === o);
      const phases: { from: number; to: number }[] = [];
      for (const c of changes) {
        if (c.to === 'healthy') {
          const last = phases[phases.length - 1];
          if (last && last.to === Infinity) last.to = c.at;
        } else if (!phases.length || phases[phases.length - 1]!.to !== Infinity)
          phases.push({ from: c.at, to: Infinity });
      }
      let lower = 0;
      let upper = 0;
      let lastCountedTo: number | undefined;
      for (const ph of phases) {
        if (overlapping(o, ph.from, ph.to) > 0) upper += 1;
        else unseen += 1;
        if (inside(o, ph.from, ph.to) === 0) continue;
        if (lastCountedTo === undefined || inside(o, lastCountedTo, ph.from) >= 2) lower += 1;
        lastCountedTo = ph.to;
      }
      lowerSum += lower;
      upperSum += upper;
      const opened = [...alerts.values()].filter((a) => a.cluster === o.cluster && objectOf(a) === o.name);
      for (const a of opened) matched.add(a.id);
      if (opened.length < lower) {
        missed += lower - opened.length;
        missedList.push(`${o.cluster} ${o.name}: at least ${lower} expected, ${opened.length} opened`);
      }
      if (opened.length > upper) {
        split += opened.length - upper;
        missedList.push(`${o.cluster} ${o.name}: at most ${upper} expected, ${opened.length} opened`);
      }
    }
    const unplanned = ids.filter((id) => !matched.has(id)).map((id) => alerts.get(id)!);

    // Notifications: per alert and platform, the notifying transitions against what arrived.
    const silent = new Set(['held', 'released', 'de-escalated']);
    const lineWord: Record<string, string> = {
      opened: 'opened',
      escalated: 'escalated',
      resolved: 'resolved',
      reopened: 'reopened',
      reminder: 'still',
      acknowledged: 'acknowledged',
      unacknowledged: 'unacknowledged',
      snoozed: 'snoozed',
      unsnoozed: 'snooze',
    };
    const tally = {
      slack: {
        expected: 0,
        delivered: 0,
        duplicated: 0,
        lost: 0,
        outOfOrder: 0,
        wrongFinal: 0,
        posts: 0,
        dupPosts: 0,
      },
      teams: {
        expected: 0,
        delivered: 0,
        duplicated: 0,
        lost: 0,
        outOfOrder: 0,
        wrongFinal: 0,
        posts: 0,
        dupPosts: 0,
      },
    };
    const problems: string[] = [];
    const slackTop = slack.messages(SLACK_CHANNEL);
    const teamsTop = connector.messages(teamsChannel.id).filter((a) => cardOf(a) !== undefined);
    for (const [id, alert] of alerts) {
      const transitions = (byAlert.get(id) ?? []).filter((e) => !e.action.startsWith('refused:'));
      const notifying = transitions.filter((e) => !silent.has(e.action));
      if (notifying.length === 0) continue;
      // One notifying transition (`opened`) posts the message, each other one adds a thread line. The
      // audit's time order is each writer's clock, so lines are compared as counts per kind.
      const expectedLines = notifying.map((e) => lineWord[e.action] ?? e.action);
      const firstOpened = expectedLines.indexOf('opened');
      expectedLines.splice(firstOpened >= 0 ? firstOpened : 0, 1);
      const finalWord =
        alert.state === 'resolved' ? /resolved/i : alert.acknowledged ? /acknowledged/i : undefined;
      const platforms: ['slack' | 'teams', { text: string; replies: string[] }[]][] = [
        [
          'slack',
          slackTop
            .filter((m) => slackAlertId(m) === id)
            .map((m) => ({
              text: `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`,
              replies: m.replies.map((r) => r.text ?? ''),
            })),
        ],
        [
          'teams',
          teamsTop
            .filter((a) => teamsAlertId(a, ids) === id)
            .map((a) => ({
              text: visibleText(cardOf(a)),
              replies: connector.thread(teamsChannel.id, a.id).map((r) => r.text ?? ''),
            })),
        ],
      ];
      for (const [platform, messages] of platforms) {
        const t = tally[platform];
        t.expected += 1 + expectedLines.length;
        t.posts += Math.min(messages.length, 1);
        if (messages.length === 0) {
          t.lost += 1 + expectedLines.length;
          problems.push(`${platform}: alert ${id} (${alert.cluster} ${alert.object}) never posted`);
          continue;
        }
        if (messages.length > 1) {
          t.dupPosts += messages.length - 1;
          t.duplicated += messages.length - 1;
          problems.push(`${platform}: alert ${id} posted ${messages.length} times`);
        }
        const replies = messages.flatMap((m) => m.replies);
        const got = replies.map(
          (r) => expectedLines.find((w) => r.toLowerCase().startsWith(w)) ?? r.slice(0, 20),
        );
        const counts = (xs: string[]) =>
          xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
        const want = counts(expectedLines);
        const have = counts(got);
        let dup = 0;
        let lost = 0;
        for (const w of new Set([...want.keys(), ...have.keys()])) {
          const d = (have.get(w) ?? 0) - (want.get(w) ?? 0);
          if (d > 0) dup += d;
          else lost -= d;
        }
        t.duplicated += dup;
        t.lost += lost;
        t.delivered += 1 + replies.length - dup;
        // The audit log orders entries by each writer's own clock (one replica is 90 s ahead), so the
        // order is judged by the lifecycle instead: nothing may follow `resolved`.
        const resolvedAt = got.indexOf('resolved');
        if (resolvedAt >= 0 && resolvedAt !== got.length - 1) {
          t.outOfOrder += 1;
          problems.push(
            `${platform}: alert ${id} thread out of order: ${got.join(', ')} (resolved must come last)`,
          );
        }
        if (dup > 0 || lost > 0)
          problems.push(
            `${platform}: alert ${id} thread ${got.join(', ')} (expected ${expectedLines.join(', ')})`,
          );
        if (finalWord && !finalWord.test(messages[0]!.text)) {
          t.wrongFinal += 1;
          problems.push(`${platform}: alert ${id} is ${alert.state} but its message does not say so`);
        }
      }
    }
    // Audit histories the skewed clock misorders: a transition written after `resolved` by time.
    const auditMisordered = [...byAlert.values()].filter((es) => {
      const kinds = es.filter((e) => !e.action.startsWith('refused:')).map((e) => e.action);
      const r = kinds.indexOf('resolved');
      return r >= 0 && r !== kinds.length - 1;
    }).length;
    const strays =
      slackTop.filter((m) => !slackAlertId(m) || !alerts.has(slackAlertId(m)!)).length +
      teamsTop.filter((a) => !teamsAlertId(a, ids)).length;

    // Acks: each sent once must land once (one `acknowledged` by that user), none twice.
    let ackLanded = 0;
    let ackTwice = 0;
    let ackLost = 0;
    let ackRefusedResolved = 0;
    for (const a of acks) {
      const landed = (byAlert.get(a.alertId) ?? []).filter(
        (e) => e.action === 'acknowledged' && e.actor.id === a.user,
      ).length;
      if (landed === 1) ackLanded += 1;
      else if (landed > 1) {
        ackTwice += 1;
        problems.push(`ack of ${a.alertId} from ${a.platform} landed ${landed} times`);
      } else {
        const later = slack.responses
          .filter((r) => r.path === `/hooks/ack/${a.alertId}`)
          .map((r) => JSON.stringify(r.body));
        const said = `${a.reply} ${later.join(' ')}`;
        // Clicked after the incident resolved (the replica was slow to get to it): refused, correctly.
        if (/resolved/i.test(said) && !/acknowledged by/i.test(said)) {
          ackRefusedResolved += 1;
          continue;
        }
        ackLost += 1;
        problems.push(
          `ack of ${a.alertId} from ${a.platform} never landed (answered ${a.answered}, ${a.attempts} attempt(s)): ${said.slice(0, 200)}`,
        );
      }
    }

    const elapsed = (performance.now() - t0) / 1000;
    console.log(
      `\n== soak: ${REPLICAS} replicas, ${CLUSTERS} clusters, ${TICKS} ticks of ${TICK_S} s, seed ${SEED}, ${elapsed.toFixed(0)} s in all, drained: ${drained}`,
    );
    console.log(
      `faults injected (${faultsLog.length}${FAULTS ? ', plus replica ' + (REPLICAS - 1) + "'s clock " + (CLOCK_OFFSET_MS >= 0 ? '+' : '') + CLOCK_OFFSET_MS / 1000 + ' s throughout' : ''}):`,
    );
    for (const f of faultsLog) console.log(`  ${f}`);
    console.log(
      `replica restarts: ${replicas.map((r) => `#${r.index}${r.clockUnready ? ' (unready: clock off)' : ''} started ${r.starts}x, killed ${r.kills}x, exited by itself ${r.crashes.length}x${r.crashes.length ? ` (${r.crashes.join(', ')})` : ''}`).join('; ')}`,
    );
    console.log(
      `\nticks: ${schedulers.size} schedulers, ${ticksExpected} expected between each one's first and last, ` +
        `${ticksSeen.size} run, ${ticksMissing} missing, ${reruns} run more than once (a stalled job re-run), ${offGrid} off the tick grid`,
    );
    console.log(
      `runs seen by the API servers during the ${TICKS} ticks: ${runsInRun} (${schedulers.size * TICKS} if every tick ran on time); ` +
        `gaps between two runs of one check over ${(3 * TICK_MS) / 1000} s: ${gaps.filter((g) => g.gapMs > 3 * TICK_MS).length}; longest: ` +
        gaps
          .slice(0, 3)
          .map((g) => `${g.key} ${(g.gapMs / 1000).toFixed(1)} s at +${(g.at / 1000).toFixed(0)} s`)
          .join(', '),
    );
    console.log(
      `incidents: ${plan.episodes.length} broken phases planned, ${applied.filter((c) => c.to !== 'healthy' && c.to !== 'critical').length} applied, ` +
        `${unseen} overlapped by no run; ${lowerSum} to ${upperSum} expected from the runs, ${matched.size} opened, ${missed} missed, ${split} extra; ` +
        `${unplanned.length} incidents caused by the faults (${[...new Set(unplanned.map((a) => `${a.cluster} ${a.object}`))].slice(0, 6).join('; ') || 'none'})`,
    );
    console.log(
      table([
        [
          'platform',
          'expected',
          'delivered',
          'duplicated',
          'lost',
          'out of order',
          'wrong final',
          'posts',
          'dup posts',
        ],
        ...(['slack', 'teams'] as const).map((p) => {
          const t = tally[p];
          return [
            p,
            t.expected,
            t.delivered,
            t.duplicated,
            t.lost,
            t.outOfOrder,
            t.wrongFinal,
            t.posts,
            t.dupPosts,
          ].map(String);
        }),
      ]),
    );
    console.log(
      `messages belonging to no alert: ${strays}; audit histories whose time order puts a transition after resolved: ${auditMisordered}`,
    );
    console.log(
      `acks: ${acks.length} sent (${acks.filter((a) => a.platform === 'slack').length} Slack, ${acks.filter((a) => a.platform === 'teams').length} Teams; ` +
        `${acks.filter((a) => a.attempts > 1).length} needed a retry), ${ackLanded} landed once, ${ackTwice} twice, ${ackRefusedResolved} refused (the incident had resolved first), ${ackLost} lost`,
    );
    console.log(
      `chat calls: Slack ${slack.calls.length} (${slack.calls.filter((c) => c.status !== 200).length} failed by injection), ` +
        `Teams ${connector.calls.length} (${connector.calls.filter((c) => c.status >= 400).length} failed)`,
    );
    for (const m of missedList.slice(0, 10)) console.log(`  incidents: ${m}`);
    for (const p of problems.slice(0, 30)) console.log(`  problem: ${p}`);
    if (problems.length > 30) console.log(`  ... and ${problems.length - 30} more`);
    const errorLines = replicas.flatMap((r) =>
      readFileSync(join(dir, `replica-${r.index}.log`), 'utf8')
        .split('\n')
        .filter((l) => /"level":(50|60)/.test(l) && !l.includes('VIGIL_TEAMS_INSECURE_DEV')),
    );
    const byMessage = new Map<string, number>();
    for (const l of errorLines) {
      let key = l.slice(0, 120);
      try {
        const j = JSON.parse(l) as { msg?: string; error?: string };
        key = `${j.msg ?? ''}${j.error ? `: ${j.error.replace(/\d+/g, 'N').slice(0, 80)}` : ''}`;
      } catch {
        // not JSON: keep the raw start
      }
      byMessage.set(key, (byMessage.get(key) ?? 0) + 1);
    }
    console.log(`replica log lines at error or fatal: ${errorLines.length}`);
    for (const [m, n] of [...byMessage].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${n} x ${m}`);
    if (args.keep) console.log(`logs kept in ${dir}`);
    const bad =
      tally.slack.duplicated +
      tally.slack.lost +
      tally.teams.duplicated +
      tally.teams.lost +
      tally.slack.outOfOrder +
      tally.teams.outOfOrder +
      tally.slack.wrongFinal +
      tally.teams.wrongFinal +
      missed +
      split +
      ackTwice +
      ackLost +
      strays;
    console.log(bad === 0 ? 'RESULT: nothing lost, nothing duplicated' : `RESULT: ${bad} problem(s)`);
    return bad === 0 ? 0 : 1;
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(3);
  },
);

import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AlertStore } from '../alerts/alert-store.js';
import type { SnapshotStore } from '../alerts/snapshot-store.js';
import type { MetricsConfig } from '../config/metrics-config.js';
import type { ChatPlatformName } from '../domain/alert.js';
import { CertificateExposition } from './certificate-exposition.js';
import { StoredState, type OutboxBacklog } from './stored-state.js';

export interface MetricsDeps {
  config: { metrics: MetricsConfig; clusters: readonly { name: string }[] };
  snapshots: Pick<SnapshotStore, 'get' | 'lastRuns'>;
  alerts: Pick<AlertStore, 'listOpen'>;
  /** The notify queue's backlog; undefined while the jobs are starting. */
  outbox?: () => Promise<OutboxBacklog> | undefined;
  /** The scheduled cluster x check pairs (jobs/queue/schedule-plan.ts). */
  schedules: readonly { cluster: string; check: string }[];
  /** The configured chat platforms: their counters start at 0, so rate() works from the start. */
  platforms?: readonly ChatPlatformName[];
  /** Per source read at scrape time; Prometheus's own scrape timeout is 10 s by default. */
  timeoutMs?: number;
  /** Node process metrics (process_*, nodejs_*); on by default. */
  processMetrics?: boolean;
  now?: () => Date;
}

/** The slices of the recorders the jobs' ports need (RunObserver, NotifyObserver, HousekeepingObserver). */
export interface RunEndedEvent {
  cluster: string;
  check: string;
  seconds: number;
  result: string;
  errors: readonly string[];
}

export interface NotifyAttemptEvent {
  platform: ChatPlatformName;
  outcome: string;
  wait?: string;
}

export interface MetricsRoute {
  method: 'GET';
  path: '/metrics';
  handler(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export interface VigilMetrics {
  /** `GET /metrics` for vigil serve's HTTP port. */
  route: MetricsRoute;
  /** The exposition text, as a scrape gets it: reads the stores (or the cache) first. */
  render(): Promise<string>;
  /** Implements jobs/run-check's RunObserver. */
  runs: { runEnded(run: RunEndedEvent): void };
  /** Implements jobs/notify's NotifyObserver. */
  notifications: { attempted(attempt: NotifyAttemptEvent): void };
  /** Implements jobs/housekeeping's HousekeepingObserver. */
  housekeeping: { housekept(result: { heartbeat: string }): void };
  /** A chat command or button answered, `verb` from a bounded list (src/app.ts). */
  commands: { answered(platform: ChatPlatformName, verb: string, seconds: number): void };
}

const misnamedDefaultMetrics = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

const runBuckets = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
// Slack wants an answer within 3 s: the 2.5 and 3 s buckets show how close commands come.
const commandBuckets = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 3, 5, 10];

/**
 * vigil's Prometheus metrics (prom-client lives here only). Two kinds:
 * - read from Redis at scrape time, the same on every replica: certificates (`vigil_cert_*`, names
 *   and labels after x509-certificate-exporter's), last success and reachability of each scheduled
 *   check, open alerts, the outbox backlog (stored-state.ts);
 * - counted by this process, as usual for Prometheus counters and histograms: check runs, notify
 *   attempts and 429s, command latency, heartbeats. Sum them over replicas.
 * Every label value comes from a bounded set (configured clusters, checks, platforms, verbs, fixed
 * outcomes) except the certificate series, whose number is capped (`metrics.maxCertificateSeries`).
 */
export function createMetrics(deps: MetricsDeps): VigilMetrics {
  const now = deps.now ?? (() => new Date());
  const registry = new Registry();
  if (deps.processMetrics !== false) {
    collectDefaultMetrics({ register: registry });
    // Gauges named *_total break the convention (promtool check metrics says so); nothing reads them.
    for (const name of misnamedDefaultMetrics) registry.removeSingleMetric(name);
  }
  const registers = [registry];
  const clusters = deps.config.clusters.map((c) => c.name);
  const state = new StoredState({
    snapshots: deps.snapshots,
    alerts: deps.alerts,
    ...(deps.outbox ? { outbox: deps.outbox } : {}),
    schedules: deps.schedules,
    clusters,
    maxCertificateSeries: deps.config.metrics.maxCertificateSeries,
    cacheMs: deps.config.metrics.cacheSeconds * 1000,
    timeoutMs: deps.timeoutMs ?? 2000,
    nowMs: () => now().getTime(),
  });

  new Gauge({
    name: 'vigil_cert_series_dropped',
    help: 'Certificates left out of vigil_cert_* because of metrics.maxCertificateSeries (those expiring last).',
    registers,
    collect() {
      this.set(state.certificateSeries().dropped);
    },
  });
  new Gauge({
    name: 'vigil_check_last_success_timestamp_seconds',
    help: 'When the latest run of a scheduled check completed and stored its result (whether or not the cluster answered: see vigil_check_reachable), Unix seconds.',
    labelNames: ['cluster', 'check'],
    registers,
    collect() {
      this.reset();
      for (const [k, run] of state.runs) {
        const [cluster = '', check = ''] = k.split('/');
        this.set({ cluster, check }, Date.parse(run.at) / 1000);
      }
    },
  });
  new Gauge({
    name: 'vigil_check_reachable',
    help: '1 when the latest run of the check reached the cluster, 0 when it could not (its findings are then missing).',
    labelNames: ['cluster', 'check'],
    registers,
    collect() {
      this.reset();
      for (const [k, run] of state.runs) {
        const [cluster = '', check = ''] = k.split('/');
        this.set({ cluster, check }, run.reachable ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'vigil_alerts',
    help: 'Open alerts by cluster, state and severity.',
    labelNames: ['cluster', 'state', 'severity'],
    registers,
    collect() {
      this.reset();
      for (const [k, count] of state.alertCounts) {
        const [cluster = '', s = '', severity = ''] = k.split('\u0000');
        this.set({ cluster, state: s, severity }, count);
      }
    },
  });
  new Gauge({
    name: 'vigil_outbox_depth',
    help: 'Notifications not delivered yet (waiting, delayed, active), over every replica.',
    registers,
    collect() {
      if (state.outbox) this.set(state.outbox.depth);
    },
  });
  new Gauge({
    name: 'vigil_outbox_oldest_age_seconds',
    help: 'Age of the oldest notification not delivered yet, 0 when there is none.',
    registers,
    collect() {
      if (state.outbox) this.set(state.outbox.oldestAgeSeconds);
    },
  });
  new Gauge({
    name: 'vigil_metrics_source_up',
    help: '1 when the last scrape-time read of the source (snapshots, alerts, outbox) succeeded in time; 0 means its metrics are from an earlier read.',
    labelNames: ['source'],
    registers,
    collect() {
      for (const [source, up] of Object.entries(state.up)) this.set({ source }, up ? 1 : 0);
    },
  });

  const runDuration = new Histogram({
    name: 'vigil_check_run_duration_seconds',
    help: 'Duration of run-check job attempts on this replica.',
    labelNames: ['cluster', 'check'],
    buckets: runBuckets,
    registers,
  });
  const runsTotal = new Counter({
    name: 'vigil_check_runs_total',
    help: 'Run-check job attempts on this replica by result: ok, unreachable (cluster not reached), skipped (cluster gone, rerun already applied), error (BullMQ retries).',
    labelNames: ['cluster', 'check', 'result'],
    registers,
  });
  const checkErrors = new Counter({
    name: 'vigil_check_errors_total',
    help: 'Problems of run-check attempts on this replica by reason: a VigilError code, unexpected, cluster-unreachable, check-failed.',
    labelNames: ['cluster', 'check', 'reason'],
    registers,
  });
  const notifications = new Counter({
    name: 'vigil_notifications_total',
    help: 'Notify job attempts on this replica by platform and outcome: posted, adopted, updated, skipped, failed (permanent), error (retried), wait_order, wait_pacing, wait_rate_limited, wait_outage.',
    labelNames: ['platform', 'outcome'],
    registers,
  });
  const rateLimited = new Counter({
    name: 'vigil_chat_rate_limited_total',
    help: 'Chat API answers of 429 (rate limited) to this replica, by platform.',
    labelNames: ['platform'],
    registers,
  });
  const commandDuration = new Histogram({
    name: 'vigil_command_duration_seconds',
    help: 'Time to answer a chat command or button on this replica, by platform and verb.',
    labelNames: ['platform', 'verb'],
    buckets: commandBuckets,
    registers,
  });
  const heartbeats = new Counter({
    name: 'vigil_heartbeats_total',
    help: 'Housekeeping cycles run on this replica by heartbeat result: sent, failed, withheld (a scheduled check is stale), off.',
    labelNames: ['result'],
    registers,
  });

  for (const s of deps.schedules) {
    for (const result of ['ok', 'unreachable', 'skipped', 'error']) {
      runsTotal.inc({ cluster: s.cluster, check: s.check, result }, 0);
    }
  }
  for (const platform of deps.platforms ?? []) rateLimited.inc({ platform }, 0);

  const certificates = new CertificateExposition();
  const render = async () => {
    await state.refresh();
    const text = await registry.metrics();
    const nowSeconds = Math.floor(now().getTime() / 1000);
    return `${text}${certificates.render(state.certificateSeries().kept, nowSeconds)}`;
  };
  return {
    render,
    route: {
      method: 'GET',
      path: '/metrics',
      async handler(_req, res) {
        const body = await render();
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(body);
      },
    },
    runs: {
      runEnded(run) {
        const labels = { cluster: run.cluster, check: run.check };
        runDuration.observe(labels, run.seconds);
        runsTotal.inc({ ...labels, result: run.result });
        for (const reason of run.errors) checkErrors.inc({ ...labels, reason });
      },
    },
    notifications: {
      attempted(attempt) {
        const outcome = attempt.wait ? `wait_${attempt.wait.replace(/-/g, '_')}` : attempt.outcome;
        notifications.inc({ platform: attempt.platform, outcome });
        if (attempt.wait === 'rate-limited') rateLimited.inc({ platform: attempt.platform });
      },
    },
    housekeeping: {
      housekept(result) {
        heartbeats.inc({ result: result.heartbeat });
      },
    },
    commands: {
      answered(platform, verb, seconds) {
        commandDuration.observe({ platform, verb }, seconds);
      },
    },
  };
}

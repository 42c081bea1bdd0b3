import { describe, expect, it } from 'vitest';
import { ChatDeliveryError } from '../../../src/chat/chat-delivery-error.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { createMetrics, type MetricsDeps } from '../../../src/metrics/create-metrics.js';
import { notifyAttempt } from '../../../jobs/notify/notify-observer.js';
import { runEnded } from '../../../jobs/run-check/run-observer.js';
import { VigilError } from '../../../src/domain/vigil-error.js';
import { findingFor, maria, next, opened } from '../../support/alert-fixtures.js';
import { samplesOf, valueOf } from '../../support/exposition.js';
import { MemoryAlertStore, MemorySnapshotStore } from '../../support/memory-stores.js';
import { promtoolCheckMetrics } from '../../support/promtool.js';
import { certFinding, snapshotOf } from './certificate-fixtures.js';

const config = (metrics: object = {}) =>
  parseConfig(
    {
      clusters: [
        { name: 'prod', inCluster: true },
        { name: 'dev', inCluster: true },
      ],
      metrics,
    },
    'vigil.yaml',
    '/',
  );

const schedules = [
  { cluster: 'prod', check: 'certificates' },
  { cluster: 'dev', check: 'certificates' },
  { cluster: 'prod', check: 'statefulsets' },
];

function rig(options: { metrics?: object; outbox?: MetricsDeps['outbox'] } = {}) {
  let nowMs = Date.parse('2026-01-01T12:00:00.000Z');
  const snapshots = new MemorySnapshotStore();
  const alerts = new MemoryAlertStore();
  const metrics = createMetrics({
    config: config(options.metrics),
    snapshots,
    alerts,
    ...(options.outbox ? { outbox: options.outbox } : {}),
    schedules,
    platforms: ['slack'],
    processMetrics: false,
    timeoutMs: 200,
    now: () => new Date(nowMs),
  });
  return {
    metrics,
    snapshots,
    alerts,
    advance(ms: number) {
      nowMs += ms;
    },
  };
}

const webTls = 'secret shop/web-tls tls.crt';

describe('createMetrics: read from the stores at scrape time', () => {
  it('exposes each stored certificate as not-after and expires-in gauges, and the last success per check', async () => {
    const { metrics, snapshots } = rig();
    await snapshots.put(
      snapshotOf('prod', [certFinding('prod', webTls, '2026-01-11T12:00:00.000Z', { namespace: 'shop' })]),
    );
    const text = await metrics.render();
    const labels = {
      cluster: 'prod',
      check: 'certificates',
      source: 'tls-secret',
      namespace: 'shop',
      name: 'web-tls',
      key: 'tls.crt',
      object: webTls,
    };
    expect(valueOf(text, 'vigil_cert_not_after_timestamp_seconds', labels)).toBe(
      Date.parse('2026-01-11T12:00:00.000Z') / 1000,
    );
    expect(
      valueOf(text, 'vigil_cert_expires_in_seconds', { ...labels, subject_CN: 'shop.example.com' }),
    ).toBe(10 * 86_400);
    expect(
      valueOf(text, 'vigil_check_last_success_timestamp_seconds', { cluster: 'prod', check: 'certificates' }),
    ).toBe(Date.parse('2026-01-01T00:00:00.000Z') / 1000);
    expect(valueOf(text, 'vigil_check_reachable', { cluster: 'prod', check: 'certificates' })).toBe(1);
    expect(samplesOf(text, 'vigil_check_last_success_timestamp_seconds', { cluster: 'dev' })).toEqual([]);
    expect(valueOf(text, 'vigil_cert_series_dropped')).toBe(0);
    expect(valueOf(text, 'vigil_metrics_source_up', { source: 'snapshots' })).toBe(1);
  });

  it("replaces a cluster and check's series with each newer run, after the cache expires", async () => {
    const { metrics, snapshots, advance } = rig({ metrics: { cacheSeconds: 5 } });
    await snapshots.put(snapshotOf('prod', [certFinding('prod', webTls, '2026-01-11T12:00:00.000Z')]));
    await snapshots.put(
      snapshotOf('dev', [certFinding('dev', 'endpoint dev:443', '2026-06-01T00:00:00.000Z')]),
    );
    expect(samplesOf(await metrics.render(), 'vigil_cert_not_after_timestamp_seconds')).toHaveLength(2);

    // The renewed certificate is a new run: the old series goes, the other cluster's stay.
    const renewed = snapshotOf(
      'prod',
      [certFinding('prod', 'secret shop/api-tls tls.crt', '2026-04-01T00:00:00.000Z')],
      '2026-01-01T12:00:01.000Z',
    );
    await snapshots.put(renewed);
    expect(
      samplesOf(await metrics.render(), 'vigil_cert_not_after_timestamp_seconds', { object: webTls }),
    ).toHaveLength(1);
    advance(5_000);
    const text = await metrics.render();
    expect(
      samplesOf(text, 'vigil_cert_not_after_timestamp_seconds')
        .map((s) => s.labels['object'])
        .sort(),
    ).toEqual(['endpoint dev:443', 'secret shop/api-tls tls.crt']);
    expect(valueOf(text, 'vigil_cert_expires_in_seconds', { object: 'endpoint dev:443' })).toBe(
      (Date.parse('2026-06-01T00:00:00.000Z') - Date.parse('2026-01-01T12:00:05.000Z')) / 1000,
    );
  });

  it('ignores stored runs of checks that are not scheduled any more', async () => {
    const { metrics, snapshots } = rig();
    await snapshots.put({
      ...snapshotOf('prod', [certFinding('prod', 'registry r', '2026-05-01T00:00:00.000Z')]),
      check: 'registries',
    });
    const text = await metrics.render();
    expect(samplesOf(text, 'vigil_cert_not_after_timestamp_seconds')).toEqual([]);
    expect(samplesOf(text, 'vigil_check_last_success_timestamp_seconds')).toEqual([]);
  });

  it('caps the certificate series at metrics.maxCertificateSeries, keeping the soonest to expire', async () => {
    const { metrics, snapshots } = rig({ metrics: { maxCertificateSeries: 2 } });
    await snapshots.put(
      snapshotOf('prod', [
        certFinding('prod', 'late', '2027-01-01T00:00:00.000Z'),
        certFinding('prod', 'soon', '2026-01-02T00:00:00.000Z'),
        certFinding('prod', 'expired', '2025-12-01T00:00:00.000Z'),
      ]),
    );
    const text = await metrics.render();
    expect(
      samplesOf(text, 'vigil_cert_expires_in_seconds')
        .map((s) => s.labels['object'])
        .sort(),
    ).toEqual(['expired', 'soon']);
    expect(valueOf(text, 'vigil_cert_expires_in_seconds', { object: 'expired' })).toBeLessThan(0);
    expect(valueOf(text, 'vigil_cert_series_dropped')).toBe(1);
  });

  it('counts open alerts by cluster, state and severity, with zeros for the configured clusters', async () => {
    const { metrics, alerts } = rig();
    const at = new Date('2026-01-01T10:00:00.000Z');
    const a = opened('a1', findingFor('prod', 'db/mongo'), at);
    const b = opened('a2', findingFor('prod', 'db/redis', 'warning'), at);
    await alerts.apply(a, {});
    await alerts.apply(b, {});
    await alerts.apply(
      next(b.alert, 'acknowledged', at, {
        state: 'acknowledged',
        acknowledged: { by: maria, at: at.toISOString() },
      }),
      { a2: 1 },
    );
    const text = await metrics.render();
    expect(valueOf(text, 'vigil_alerts', { cluster: 'prod', state: 'firing', severity: 'critical' })).toBe(1);
    expect(
      valueOf(text, 'vigil_alerts', { cluster: 'prod', state: 'acknowledged', severity: 'warning' }),
    ).toBe(1);
    expect(valueOf(text, 'vigil_alerts', { cluster: 'dev', state: 'snoozed', severity: 'unknown' })).toBe(0);
    expect(samplesOf(text, 'vigil_alerts')).toHaveLength(2 * 3 * 3);
  });

  it('reads the outbox backlog, and reports a source that fails or hangs as down without failing the scrape', async () => {
    let backlog: MetricsDeps['outbox'] = () => Promise.resolve({ depth: 7, oldestAgeSeconds: 42.5 });
    const { metrics, advance } = rig({ outbox: () => backlog?.() });
    let text = await metrics.render();
    expect(valueOf(text, 'vigil_outbox_depth')).toBe(7);
    expect(valueOf(text, 'vigil_outbox_oldest_age_seconds')).toBe(42.5);
    expect(valueOf(text, 'vigil_metrics_source_up', { source: 'outbox' })).toBe(1);

    backlog = () => new Promise(() => undefined); // Redis hanging
    advance(60_000);
    const started = Date.now();
    text = await metrics.render();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(valueOf(text, 'vigil_metrics_source_up', { source: 'outbox' })).toBe(0);
    expect(valueOf(text, 'vigil_outbox_depth')).toBe(7);

    backlog = () => Promise.reject(new Error('ECONNREFUSED'));
    advance(60_000);
    text = await metrics.render();
    expect(valueOf(text, 'vigil_metrics_source_up', { source: 'outbox' })).toBe(0);
  });
});

describe('createMetrics: counted by this process', () => {
  it('counts and times check runs, with their errors by reason', async () => {
    const { metrics } = rig();
    const job = { cluster: 'prod', check: 'certificates' };
    metrics.runs.runEnded(
      runEnded(job, 3.2, {
        result: { ran: true, findings: 3, reachable: true, transitions: 0, failedChecks: 1 },
      }),
    );
    metrics.runs.runEnded(
      runEnded(job, 0.4, {
        result: { ran: true, findings: 1, reachable: false, transitions: 1, failedChecks: 0 },
      }),
    );
    metrics.runs.runEnded(
      runEnded(job, 0.1, { error: new VigilError('run-conflict', 'lost races', { retryable: true }) }),
    );
    metrics.runs.runEnded(runEnded(job, 0.1, { error: new Error('boom') }));
    metrics.runs.runEnded(runEnded(job, 0, { result: { ran: false, reason: 'gone' } }));
    const text = await metrics.render();
    for (const result of ['ok', 'unreachable', 'error', 'skipped']) {
      expect(valueOf(text, 'vigil_check_runs_total', { ...job, result }), result).toBe(
        result === 'error' ? 2 : 1,
      );
    }
    expect(
      valueOf(text, 'vigil_check_runs_total', { cluster: 'dev', check: 'certificates', result: 'ok' }),
    ).toBe(0);
    for (const [reason, n] of [
      ['check-failed', 1],
      ['cluster-unreachable', 1],
      ['run-conflict', 1],
      ['unexpected', 1],
    ] as const) {
      expect(valueOf(text, 'vigil_check_errors_total', { ...job, reason }), reason).toBe(n);
    }
    expect(valueOf(text, 'vigil_check_run_duration_seconds_count', job)).toBe(5);
    expect(valueOf(text, 'vigil_check_run_duration_seconds_bucket', { ...job, le: '0.5' })).toBe(4);
  });

  it('counts notify attempts by outcome, and the chat API 429s apart', async () => {
    const { metrics } = rig();
    const ref = { platform: 'slack' as const, destination: 'C1', messageId: '1.2' };
    metrics.notifications.attempted(notifyAttempt('slack', { kind: 'delivered', action: 'posted', ref }));
    metrics.notifications.attempted(
      notifyAttempt('slack', { kind: 'wait', reason: 'rate-limited', delayMs: 30_000, data: {} }),
    );
    metrics.notifications.attempted(
      notifyAttempt('slack', { kind: 'wait', reason: 'pacing', delayMs: 900, data: {} }),
    );
    metrics.notifications.attempted(
      notifyAttempt('teams', { kind: 'failed', error: new ChatDeliveryError('invalid', 'no') }),
    );
    metrics.notifications.attempted(notifyAttempt('teams', 'error'));
    const text = await metrics.render();
    expect(valueOf(text, 'vigil_notifications_total', { platform: 'slack', outcome: 'posted' })).toBe(1);
    expect(
      valueOf(text, 'vigil_notifications_total', { platform: 'slack', outcome: 'wait_rate_limited' }),
    ).toBe(1);
    expect(valueOf(text, 'vigil_notifications_total', { platform: 'slack', outcome: 'wait_pacing' })).toBe(1);
    expect(valueOf(text, 'vigil_notifications_total', { platform: 'teams', outcome: 'failed' })).toBe(1);
    expect(valueOf(text, 'vigil_notifications_total', { platform: 'teams', outcome: 'error' })).toBe(1);
    expect(valueOf(text, 'vigil_chat_rate_limited_total', { platform: 'slack' })).toBe(1);
  });

  it('times commands by platform and verb, and counts heartbeats by result', async () => {
    const { metrics } = rig();
    metrics.commands.answered('slack', 'certs', 0.08);
    metrics.commands.answered('slack', 'certs', 2.7);
    metrics.housekeeping.housekept({ heartbeat: 'sent' });
    metrics.housekeeping.housekept({ heartbeat: 'withheld' });
    const text = await metrics.render();
    expect(valueOf(text, 'vigil_command_duration_seconds_count', { platform: 'slack', verb: 'certs' })).toBe(
      2,
    );
    expect(
      valueOf(text, 'vigil_command_duration_seconds_bucket', { platform: 'slack', verb: 'certs', le: '2.5' }),
    ).toBe(1);
    expect(
      valueOf(text, 'vigil_command_duration_seconds_bucket', { platform: 'slack', verb: 'certs', le: '3' }),
    ).toBe(2);
    expect(valueOf(text, 'vigil_heartbeats_total', { result: 'sent' })).toBe(1);
    expect(valueOf(text, 'vigil_heartbeats_total', { result: 'withheld' })).toBe(1);
  });
});

describe('createMetrics: exposition', () => {
  it('passes promtool check metrics with every kind of metric populated, process metrics included', async () => {
    const snapshots = new MemorySnapshotStore();
    await snapshots.put(
      snapshotOf('prod', [
        certFinding('prod', 'secret "quoted"\\name\nnewline', '2026-01-11T12:00:00.000Z', {
          namespace: 'shop',
        }),
      ]),
    );
    const metrics = createMetrics({
      config: config(),
      snapshots,
      alerts: new MemoryAlertStore(),
      outbox: () => Promise.resolve({ depth: 0, oldestAgeSeconds: 0 }),
      schedules,
      platforms: ['slack', 'teams'],
    });
    metrics.runs.runEnded(runEnded({ cluster: 'prod', check: 'certificates' }, 1, { error: new Error('x') }));
    metrics.notifications.attempted(notifyAttempt('slack', 'error'));
    metrics.commands.answered('teams', 'alerts', 0.2);
    metrics.housekeeping.housekept({ heartbeat: 'off' });
    const text = await metrics.render();
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(samplesOf(text, 'vigil_cert_not_after_timestamp_seconds')[0]?.labels).toMatchObject({
      object: 'secret "quoted"\\name\nnewline',
      name: '"quoted"\\name\nnewline',
    });
    const lint = await promtoolCheckMetrics(text);
    expect(lint).toEqual({ code: 0, output: '' });
  });
});

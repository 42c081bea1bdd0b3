import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TransitionSink } from '../../jobs/notify/transition-sink.js';
import { runCheckJob, type RunCheckDeps, type RunCheckJobData } from '../../jobs/run-check/run-check.js';
import { acknowledge } from '../../src/alerts/acknowledge.js';
import { actOnAlert } from '../../src/alerts/act-on-alert.js';
import { lifecyclePolicy } from '../../src/alerts/lifecycle-policy.js';
import type { VigilConfig } from '../../src/config/config-schema.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { Finding } from '../../src/domain/finding.js';
import type { Severity } from '../../src/domain/severity.js';
import { FakeSlackWebApi } from '../fakes/slack/index.js';
import { findingFor, maria } from '../support/alert-fixtures.js';
import { countingCheckDeps } from '../support/fake-check-deps.js';
import { waitFor } from '../support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { postsOf, startSlackOutboxRig, threadOf, type SlackOutboxRig } from '../support/slack-outbox-rig.js';

/**
 * A process dying between two steps that must go together: saving a run's plan and applying it,
 * applying a change and enqueueing its notifications. Each case is the crash, then what the rest of
 * the system does anyway (a rerun, a later run, the next watchdog tick); the notifications that reach
 * Slack (real SlackPlatform, fake Web API) must be exactly the changes that happened, in order.
 */
const killed = () => new Error('worker killed (simulated)');

describe('fault: a process dies between applying and enqueueing', () => {
  let redis: RedisServer;
  let slack: FakeSlackWebApi;
  let rig: SlackOutboxRig | undefined;
  let config: Readonly<VigilConfig>;
  const findings = new Map<string, Severity>();
  // A channel per test: alert ids restart with each test's prefix, and the fake Slack is shared.
  let CHANNEL = '';
  let channels = 0;
  const start = (options: { strandedAfterMs?: number } = {}) => {
    CHANNEL = `C0OPS${++channels}`;
    rig = startSlackOutboxRig(redis, slack, {
      config,
      route: () => [{ platform: 'slack', destination: CHANNEL }],
      ...options,
    });
    rig.startWorker();
    return rig;
  };

  beforeAll(async () => {
    [redis, slack] = await Promise.all([startRedisServer(), FakeSlackWebApi.start()]);
    config = parseConfig(
      {
        clusters: [{ name: 'prod', inCluster: true }],
        alerts: { resolveAfterOkRuns: 1, defaultRoute: { slack: ['C0UNUSED'] } },
      },
      'fault.yaml',
      '/',
    );
  });
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
    findings.clear();
  });
  afterAll(async () => {
    await Promise.allSettled([slack?.close(), redis?.stop()]);
  });

  /** runCheckJob as the run-check worker calls it; `saveData` and `outbox` can be made to "die". */
  function run(
    data: RunCheckJobData,
    runId: string,
    overrides: { saveData?: RunCheckDeps['saveData']; outbox?: TransitionSink } = {},
  ) {
    const r = rig!;
    const checks = countingCheckDeps((cluster, check): Finding[] =>
      check === 'statefulsets'
        ? [...findings].map(([object, severity]) => findingFor(cluster, object, severity))
        : [],
    ).deps;
    return runCheckJob(data, runId, {
      config,
      checks,
      snapshots: r.stores.snapshots,
      alerts: r.stores.alerts,
      policy: lifecyclePolicy(config.alerts),
      outbox: overrides.outbox ?? r.outbox,
      saveData: overrides.saveData ?? (() => Promise.resolve()),
    });
  }
  const statefulsets: RunCheckJobData = { cluster: 'prod', check: 'statefulsets' };

  it('a rerun never sends what its dead first attempt only planned, and a lost acknowledgement still arrives', async () => {
    rig = start();
    findings.set('statefulset db/mongo', 'warning');
    await run(statefulsets, 'run-1');
    const [alert] = await rig.stores.alerts.listOpen();
    const id = alert!.id;
    await waitFor('the post', () => postsOf(slack, CHANNEL, id).length === 1);

    // run-2 sees the escalation, saves its plan (escalated as seq 2) and dies before applying it.
    findings.set('statefulset db/mongo', 'critical');
    let saved: RunCheckJobData | undefined;
    await expect(
      run(statefulsets, 'run-2', {
        saveData: (d) => {
          saved = d;
          return Promise.reject(killed());
        },
      }),
    ).rejects.toThrow(/killed/);
    expect(saved?.pending?.map((t) => `${t.id} ${t.kind}`)).toEqual([`${id}-2 escalated`]);

    // Maria acknowledges meanwhile: seq 2 is now her acknowledgement, and the handler's process dies
    // before handing it to the outbox (no deps.notify).
    const ack = await actOnAlert(rig.stores.alerts, id, (a) =>
      acknowledge(a, { by: maria, now: new Date(), origin: `slack:${CHANNEL}` }),
    );
    expect(ack.ok && ack.changes.transitions.map((t) => t.id)).toEqual([`${id}-2`]);
    // The relay holds what landed, written with the alert; never the dead run's plan.
    expect((await rig.relay.unsent([id])).map((t) => `${t.id} ${t.kind}`)).toEqual([`${id}-2 acknowledged`]);
    // A write that loses its seq check leaves nothing there either.
    expect(
      await rig.stores.alerts.apply({ alerts: [alert!], transitions: saved!.pending! }, { [id]: 1 }),
    ).toBe(false);
    expect(await rig.relay.unsent([id])).toHaveLength(1);

    // BullMQ reruns run-2 with its saved data.
    expect(await run(saved!, 'run-2')).toMatchObject({ ran: true, transitions: 1 });
    await waitFor('both thread lines', () => threadOf(slack, CHANNEL, id).length >= 2);
    const jobs = await Promise.all([rig.job(`${id}-2`, CHANNEL), rig.job(`${id}-3`, CHANNEL)]);
    expect(jobs.map((j) => j?.data.transition.kind)).toEqual(['acknowledged', 'escalated']);
    await waitFor('the last delivery', async () => (await jobs[1]?.getState()) === 'completed');
    expect(threadOf(slack, CHANNEL, id).map((l) => l.split(' ')[0])).toEqual(['acknowledged', 'escalated']);
    expect(postsOf(slack, CHANNEL, id)).toHaveLength(1);
  });

  it('a transition applied by a run killed before enqueueing is sent even after a later run rewrote the alert', async () => {
    rig = start();
    findings.set('statefulset db/redis', 'critical');
    let saved: RunCheckJobData | undefined;
    const r = rig;
    const dying: TransitionSink = {
      notify: () => Promise.reject(killed()),
      relay: (ids) => r.outbox.relay(ids),
    };
    await expect(
      run(statefulsets, 'run-1', {
        saveData: (d) => {
          saved = d;
          return Promise.resolve();
        },
        outbox: dying,
      }),
    ).rejects.toThrow(/killed/);
    const [alert] = await rig.stores.alerts.listOpen();
    expect(alert).toMatchObject({ seq: 1, lastRunId: 'run-1' });

    // The next scheduled run comes before BullMQ notices the stalled one: the alert now carries its id.
    await run(statefulsets, 'run-2');
    expect((await rig.stores.alerts.get(alert!.id))?.lastRunId).toBe('run-2');
    await run(saved!, 'run-1');

    await waitFor('the post', () => postsOf(slack, CHANNEL, alert!.id).length === 1);
    const opened = await rig.job(`${alert!.id}-1`, CHANNEL);
    await waitFor('its delivery', async () => (await opened?.getState()) === 'completed');
    expect(postsOf(slack, CHANNEL, alert!.id)).toHaveLength(1);
    expect(await rig.relay.unsent([alert!.id])).toEqual([]);
  });

  it('an acknowledgement whose handler died before enqueueing is taken over after the grace by any later run', async () => {
    rig = start({ strandedAfterMs: 300 });
    findings.set('statefulset db/kafka', 'critical');
    await run(statefulsets, 'run-1');
    const [alert] = await rig.stores.alerts.listOpen();
    const id = alert!.id;
    await waitFor('the post', () => postsOf(slack, CHANNEL, id).length === 1);

    const ack = await actOnAlert(rig.stores.alerts, id, (a) =>
      acknowledge(a, { by: maria, now: new Date(), origin: `slack:${CHANNEL}`, note: 'on it' }),
    );
    expect(ack.ok).toBe(true);
    // Within the grace its writer may still be about to hand it over: nobody takes it yet.
    expect(await rig.relay.stranded(300, 10)).toEqual([]);
    await waitFor('the grace to pass', async () => (await rig?.relay.stranded(300, 10))?.includes(id));

    // Any run of any check (or a watchdog tick) takes it over; this one changes nothing itself.
    expect(await run({ cluster: 'prod', check: 'certificates' }, 'run-2')).toMatchObject({ transitions: 0 });
    await waitFor('the acknowledgement', () => threadOf(slack, CHANNEL, id).length === 1);
    expect(threadOf(slack, CHANNEL, id)).toEqual(['acknowledged by Maria: on it']);
    expect(rig.log.lines.some((l) => l.message.includes('a writer left unsent'))).toBe(true);
    expect(await rig.relay.stranded(0, 10)).toEqual([]);
  });
});

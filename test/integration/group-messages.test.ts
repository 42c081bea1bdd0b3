import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledge } from '../../src/alerts/acknowledge.js';
import { applyRun } from '../../src/alerts/apply-run.js';
import { lifecyclePolicy } from '../../src/alerts/lifecycle-policy.js';
import { incidentsOf } from '../../src/checks/incidents.js';
import { perPlatform } from '../../src/chat/platforms.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { Finding } from '../../src/domain/finding.js';
import { fingerprint } from '../../src/domain/fingerprint.js';
import { FakeSlackWebApi } from '../fakes/slack/index.js';
import { findingFor, maria } from '../support/alert-fixtures.js';
import { waitFor } from '../support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { startSlackOutboxRig, visible, type SlackOutboxRig } from '../support/slack-outbox-rig.js';

/**
 * Issue 13: the first run against a cluster with 200 problems posts one summary, not 200 messages;
 * the summary is edited in place, in order, as members join, resolve or are acknowledged by id; one
 * certificate copied into 37 namespaces is one message. Real lifecycle (applyRun), real Redis,
 * BullMQ and SlackPlatform against the fake Slack Web API.
 */
const CHANNEL = 'C0GROUPS';
const OTHER = 'C0CERTS';

describe('group messages', () => {
  let redis: RedisServer;
  let slack: FakeSlackWebApi;
  let rig: SlackOutboxRig;
  const config = parseConfig(
    {
      clusters: [{ name: 'prod', inCluster: true }],
      alerts: {
        resolveAfterOkRuns: 1,
        routes: [{ match: { check: 'certificates' }, slack: [OTHER] }],
        defaultRoute: { slack: [CHANNEL] },
      },
    },
    'groups.yaml',
    '/',
  );
  const policy = lifecyclePolicy(config.alerts);

  beforeAll(async () => {
    [redis, slack] = await Promise.all([startRedisServer(), FakeSlackWebApi.start()]);
    rig = startSlackOutboxRig(redis, slack, {
      config,
      grouping: true,
      pacing: { minIntervalMs: perPlatform(() => 20), orderWaitMs: 100 },
    });
    rig.startWorker();
  });
  afterAll(async () => {
    await rig?.stop();
    await Promise.allSettled([slack?.close(), redis?.stop()]);
  });

  const top = (channel: string) => slack.messages(channel);
  const run = async (runId: string, findings: Finding[], check: Finding['check'] = 'statefulsets') => {
    const changes = await applyRun(
      { cluster: 'prod', check, runId, reachable: true, findings, now: new Date(), judges: () => true },
      { alerts: rig.stores.alerts, policy },
    );
    await rig.outbox.notify(changes.transitions, changes.alerts);
    return changes;
  };
  const problems = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      findingFor(
        'prod',
        `statefulset db/mongo-${String(i).padStart(3, '0')}`,
        i < 3 ? 'critical' : 'warning',
      ),
    );
  const idle = async () =>
    waitFor(
      'the notify queue to drain',
      async () => {
        const c = await rig.queues.notify.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        return Object.values(c).every((n) => n === 0) ? true : null;
      },
      20_000,
    );

  it('posts one summary for a run with 200 problems, then edits it as members join, resolve and are acknowledged', async () => {
    const first = await run('r1', problems(200));
    expect(first.transitions.filter((t) => t.kind === 'opened')).toHaveLength(200);
    await idle();
    expect(top(CHANNEL)).toHaveLength(1);
    const summary = top(CHANNEL)[0];
    const groupId = summary?.metadata?.event_payload['alert_id'] as string;
    expect(groupId).toMatch(/^grp\d+$/);
    expect(visible(summary)).toContain('200 open alerts on prod (statefulsets): 3 critical, 197 warning');
    expect(visible(summary)).toContain('and 190 more open');
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    // Coalesced: the 200 joins cost the post and at most a few edits, not 200 calls.
    expect(slack.callsTo('chat.update').length).toBeLessThan(5);

    // One more problem joins; ten are fixed (ok) and resolve.
    const fixed = problems(10).map((f) => ({ ...f, severity: 'ok' as const }));
    const joined = findingFor('prod', 'statefulset db/late-joiner', 'warning');
    await run('r2', [...fixed, ...problems(200).slice(10), joined]);
    await idle();
    expect(top(CHANNEL)).toHaveLength(1);
    expect(visible(top(CHANNEL)[0])).toContain('191 open alerts on prod (statefulsets)');
    expect(visible(top(CHANNEL)[0])).toContain('10 resolved');

    // A member is still acknowledged by its own id, and the group message shows it.
    const member = await rig.stores.alerts.get(
      fingerprint('prod', 'statefulsets', 'statefulset', 'statefulset db/mongo-000'),
    );
    expect(member?.state).toBe('resolved');
    const open = (await rig.stores.alerts.listOpen({ cluster: 'prod' })).find(
      (a) => a.check === 'statefulsets' && a.state === 'firing',
    );
    expect(open).toBeDefined();
    const decision = acknowledge(open!, { by: maria, origin: 'slack:C0GROUPS', now: new Date() });
    if (!decision.ok) throw new Error(decision.message);
    expect(await rig.stores.alerts.apply(decision.changes, { [open!.id]: open!.seq })).toBe(true);
    await rig.outbox.notify(decision.changes.transitions, decision.changes.alerts);
    await idle();
    expect(top(CHANNEL)).toHaveLength(1);
    expect(visible(top(CHANNEL)[0])).toContain(`${open!.id} warning (acknowledged by Maria)`);
    expect(visible(top(CHANNEL)[0])).toContain('1 acknowledged');
    // Every edit went to the one message, and nothing was posted in its thread for joins or acks.
    const updates = slack.callsTo('chat.update');
    expect(new Set(updates.map((c) => c.args['ts']))).toEqual(new Set([summary?.ts]));
    expect(top(CHANNEL)[0]?.replies ?? []).toEqual([]);
    expect(await rig.stores.alerts.get(open!.id)).toMatchObject({ state: 'acknowledged' });
  });

  it('keeps a handful of new alerts as messages of their own', async () => {
    const before = top(OTHER).length;
    await run(
      'r3',
      ['a', 'b', 'c'].map((n) => ({
        ...findingFor('prod', `certificate ${n}`),
        check: 'certificates' as const,
        fingerprint: `few-${n}`,
      })),
      'certificates',
    );
    await idle();
    expect(top(OTHER).length - before).toBe(3);
  });

  it('sends one message for one certificate copied into 37 namespaces, listing where it lives', async () => {
    const before = top(OTHER).length;
    const copies: Finding[] = Array.from({ length: 37 }, (_, i) => ({
      cluster: 'prod',
      check: 'certificates',
      severity: 'warning',
      source: 'tls-secret',
      object: `secret ns-${String(i).padStart(2, '0')}/wildcard-tls tls.crt`,
      summary: `Secret ns-${i}/wildcard-tls (tls.crt): certificate CN=*.example.com expires in 9 days`,
      nextStep: 'Renew it.',
      fingerprint: `loc-${i}`,
      namespace: `ns-${String(i).padStart(2, '0')}`,
      certificate: {
        subject: 'CN=*.example.com',
        issuer: 'CN=CA',
        sans: [],
        serialNumber: '01',
        fingerprint256: '11:22:33:44:55:66:77:88:99',
        notBefore: '2025-01-01T00:00:00Z',
        notAfter: new Date(Date.now() + 9.5 * 86_400_000).toISOString(),
        daysLeft: 9,
        role: 'leaf',
        isCa: false,
        expiry: 'warning',
        chainLength: 1,
      },
    }));
    const changes = await run('r4', incidentsOf(copies, new Date()), 'certificates');
    // The three certificate alerts of the test before are gone from this run: they resolve.
    expect(changes.transitions.filter((t) => t.kind === 'opened')).toHaveLength(1);
    await idle();
    const added = top(OTHER).slice(before);
    expect(added).toHaveLength(1); // resolutions edit their own messages; nothing else is posted
    expect(visible(added[0])).toContain(
      'in 37 Secrets across 37 namespaces: secret ns-00/wildcard-tls tls.crt',
    );
    expect(visible(added[0])).toContain('and 29 more');
  });
});

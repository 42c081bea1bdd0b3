import { describe, expect, it } from 'vitest';
import { handleCommand } from '../../../handlers/handle-command.js';
import { buildReply } from '../../../handlers/build-reply.js';
import {
  makeAlert,
  makeConfig,
  makeDeps,
  maria,
  plainFinding,
  slackCommand,
  textOf,
} from './handler-fixtures.js';

const at = '2026-11-21T10:02:00.000Z';

describe('/k8s statefulsets and /k8s registries', () => {
  it('lists StatefulSets with problems worst first, with the next step of the first', async () => {
    const t = makeDeps();
    await t.snapshots.put({
      cluster: 'prod',
      check: 'statefulsets',
      at,
      reachable: true,
      unobserved: [],
      findings: [
        plainFinding(
          'prod',
          'statefulsets',
          'statefulset db/cache',
          'warning',
          'StatefulSet db/cache: 2/3 ready for 20 min',
        ),
        plainFinding(
          'prod',
          'statefulsets',
          'statefulset db/mongo',
          'critical',
          'StatefulSet db/mongo stuck: 1/3 ready for 47 min (OrderedReady)',
        ),
        plainFinding('prod', 'statefulsets', 'statefulset web/x', 'ok', 'fine'),
      ],
    });
    const reply = await handleCommand(slackCommand('sts prod'), t.deps);
    expect(reply.title).toBe('StatefulSets with problems on prod: 2');
    expect(reply.sections[0]?.lines).toEqual([
      'critical · StatefulSet db/mongo stuck: 1/3 ready for 47 min (OrderedReady)',
      'warning · StatefulSet db/cache: 2/3 ready for 20 min',
    ]);
    expect(reply.sections[1]).toEqual({
      heading: 'Next step for the first one',
      lines: ['look at statefulset db/mongo'],
    });
    expect(reply.footer).toBe('data from 3 min ago (2026-11-21 10:02 UTC)');
  });

  it('says all is well, and how many were checked', async () => {
    const t = makeDeps();
    await t.snapshots.put({
      cluster: 'prod',
      check: 'registries',
      at,
      reachable: true,
      unobserved: [],
      findings: [plainFinding('prod', 'registries', 'registry ghcr.io', 'ok', 'reachable')],
    });
    const reply = await handleCommand(slackCommand('registries prod'), t.deps);
    expect(reply.title).toBe('All registries reachable on prod');
    expect(reply.sections[0]?.lines).toEqual(['1 registry checked, none with a problem.']);
  });

  it('paginates with the command word the user can type', async () => {
    const t = makeDeps();
    await t.snapshots.put({
      cluster: 'prod',
      check: 'statefulsets',
      at,
      reachable: true,
      unobserved: [],
      findings: Array.from({ length: 22 }, (_, i) =>
        plainFinding('prod', 'statefulsets', `sts ns/s${i}`, 'warning', `s${i}`),
      ),
    });
    const reply = await handleCommand(slackCommand('statefulsets prod'), t.deps);
    expect(reply.sections[0]?.lines.at(-1)).toBe('…and 2 more: /k8s sts prod --page 2');
  });

  it('says when the check has not run yet', async () => {
    const reply = await handleCommand(slackCommand('registries staging'), makeDeps().deps);
    expect(reply.title).toBe('No registry results yet on staging');
    expect(textOf(reply)).toContain(
      'staging: no results yet. The first run happens right after vigil starts; or run it now with /k8s check staging registries.',
    );
  });
});

describe('/k8s alerts', () => {
  it('lists open alerts worst first with ids and status, and how to ack', async () => {
    const t = makeDeps();
    t.alerts.seed(
      makeAlert('w1', { severity: 'warning' }),
      makeAlert('c1'),
      makeAlert('k1', {
        state: 'acknowledged',
        acknowledged: { by: maria, at: '2026-11-21T10:01:00.000Z', note: 'on it' },
      }),
      makeAlert('r1', { state: 'resolved', resolvedAt: at }),
      makeAlert('s1', { cluster: 'staging' }),
    );
    const reply = await handleCommand(slackCommand('alerts prod'), t.deps);
    expect(reply.private).toBe(false);
    expect(reply.title).toBe('Open alerts on prod: 3 (2 critical, 1 warning)');
    expect(reply.sections[0]?.lines).toEqual([
      'c1 · critical · prod · firing for 47 min · Secret prod/c1-tls: certificate expires',
      'k1 · critical · prod · acknowledged by maria 2026-11-21 10:01 UTC: on it · Secret prod/k1-tls: certificate expires',
      'w1 · warning · prod · firing for 47 min · Secret prod/w1-tls: certificate expires',
    ]);
    expect(reply.footer).toBe(
      'live alert state at 2026-11-21 10:05 UTC; /k8s ack ID [note] acknowledges one',
    );
  });

  it('says when there are none', async () => {
    const reply = await handleCommand(slackCommand('alerts'), makeDeps().deps);
    expect(reply.title).toBe('No open alerts on the clusters visible here');
  });

  it('hides alerts of clusters this channel may not query', async () => {
    const t = makeDeps({ config: makeConfig({ clusters: { prod: { channels: { slack: ['C0PROD'] } } } }) });
    t.alerts.seed(makeAlert('c1'), makeAlert('s1', { cluster: 'staging' }));
    const reply = await handleCommand(slackCommand('alerts'), t.deps);
    expect(reply.sections[0]?.lines.map((l) => l.split(' · ')[0])).toEqual(['s1']);
    expect(textOf(reply)).toContain('Not shown in this channel: prod (restricted).');
  });
});

describe('/k8s clusters', () => {
  it('lists each cluster with its last runs and open alerts; restricted ones by name only', async () => {
    const t = makeDeps({ config: makeConfig({ clusters: { staging: { channels: { slack: [] } } } }) });
    await t.snapshots.put({
      cluster: 'prod',
      check: 'certificates',
      at,
      reachable: true,
      findings: [],
      unobserved: [],
    });
    t.alerts.seed(
      makeAlert('c1'),
      makeAlert('w1', { severity: 'warning' }),
      makeAlert('s1', { cluster: 'staging' }),
    );
    const reply = await handleCommand(slackCommand('clusters'), t.deps);
    expect(reply.title).toBe('Clusters watched: 2');
    expect(reply.sections[0]?.lines).toEqual([
      'prod · certificates 3 min ago, statefulsets not run yet, registries not run yet, host-certificates not run yet · 2 open alerts (1 critical)',
      'staging · restricted to its own channels',
    ]);
  });
});

describe('/k8s check', () => {
  it('queues the run and answers later through respond', async () => {
    const t = makeDeps();
    const later: unknown[] = [];
    const reply = await handleCommand(
      slackCommand('check prod sts', { respond: async (r) => void later.push(r) }),
      t.deps,
    );
    expect(reply).toMatchObject({ private: true, title: 'Running the StatefulSet check on prod now' });
    expect(t.checkRequests).toHaveLength(1);
    expect(t.checkRequests[0]).toMatchObject({ cluster: 'prod', check: 'statefulsets' });
    const result = buildReply({ title: 'StatefulSet check on prod finished', private: false });
    await t.checkRequests[0]?.answer(result);
    expect(later).toEqual([result]);
    expect(t.audit.entries.at(-1)).toMatchObject({
      action: 'check',
      cluster: 'prod',
      origin: 'slack:C0OPS',
      actor: maria,
    });
  });

  it('runs every check when none is named, and logs a failed late answer instead of throwing', async () => {
    const t = makeDeps();
    await handleCommand(
      slackCommand('check PROD', { respond: () => Promise.reject(new Error('expired_url')) }),
      t.deps,
    );
    expect(t.checkRequests[0]).toMatchObject({ cluster: 'prod', check: undefined });
    await t.checkRequests[0]?.answer(buildReply({ title: 'done' }));
    expect(t.errors[0]?.message).toBe('could not deliver the result of /k8s check');
  });

  it('without respond, points at the query that will show the result', async () => {
    const reply = await handleCommand(slackCommand('check prod registries'), makeDeps().deps);
    expect(textOf(reply)).toContain('When it finishes, /k8s registries prod shows the new results.');
  });

  it('rejects an unknown check and an unknown cluster', async () => {
    const t = makeDeps();
    expect((await handleCommand(slackCommand('check prod pods'), t.deps)).title).toBe('Unknown check "pods"');
    expect((await handleCommand(slackCommand('check nope'), t.deps)).sections[0]?.lines).toEqual([
      'Known clusters: prod, staging.',
    ]);
    expect(t.checkRequests).toHaveLength(0);
  });
});

describe('/k8s help and unknown words', () => {
  it('lists every command in the platform syntax, privately', async () => {
    const reply = await handleCommand(slackCommand('help'), makeDeps().deps);
    expect(reply.private).toBe(true);
    const lines = reply.sections[0]?.lines ?? [];
    expect(lines).toHaveLength(14);
    expect(lines).toContain(
      '/k8s mute CLUSTER|all DURATION [reason] [--check CHECK] [--severity SEVERITY] — hold the alerts of a cluster (or all) for a while; still firing ones are announced after',
    );
    expect(lines[0]).toBe(
      '/k8s certs [cluster] [--expiring DAYS] [--chart] — certificates that need attention, soonest first (--expiring: all expiring within DAYS days; --chart: a 90-day timeline picture, CA and leaf, thresholds drawn)',
    );
    expect(textOf(reply)).toContain('Clusters: prod, staging.');
    const teams = await handleCommand(
      { platform: 'teams', text: '', user: { kind: 'teams', id: 'x' }, channel: '19:a' },
      makeDeps().deps,
    );
    expect(teams.sections[0]?.lines[0]).toMatch(/^@vigil certs/);
  });

  it('answers an unknown word with the problem and the full help', async () => {
    const reply = await handleCommand(slackCommand('pods prod'), makeDeps().deps);
    expect(reply.private).toBe(true);
    expect(reply.title).toBe('Sorry, unknown command "pods"');
    expect(reply.sections[0]?.heading).toBe('Commands');
  });

  it('suggests the right order for `/k8s prod certs`', async () => {
    const reply = await handleCommand(slackCommand('prod certs'), makeDeps().deps);
    expect(reply.sections[0]?.lines).toEqual(['Did you mean /k8s certs prod?']);
  });

  it('answers a store failure with a short private reply and logs it', async () => {
    const t = makeDeps();
    t.deps.snapshots.summaries = () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379'));
    const reply = await handleCommand(slackCommand('certs prod'), t.deps);
    expect(reply).toMatchObject({ private: true, title: 'vigil could not answer' });
    expect(textOf(reply)).not.toContain('ECONNREFUSED');
    expect(t.errors).toHaveLength(1);
  });
});

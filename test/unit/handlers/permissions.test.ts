import { describe, expect, it } from 'vitest';
import { handleAction } from '../../../handlers/handle-action.js';
import { handleCommand } from '../../../handlers/handle-command.js';
import {
  mayChangeAlert,
  mayQuery,
  permissionGroupIds,
  type Requester,
} from '../../../handlers/permissions.js';
import {
  certFinding,
  makeAlert,
  makeConfig,
  makeDeps,
  maria,
  omar,
  slackAction,
  slackCommand,
  textOf,
} from './handler-fixtures.js';

const slack = (user = maria, extra: Partial<Requester> = {}): Requester => ({
  platform: 'slack',
  user,
  channel: 'C0OPS',
  ...extra,
});

describe('permissions (pure)', () => {
  it('defaults: anyone may acknowledge and snooze, every channel may query every cluster', () => {
    const perms = makeConfig().permissions;
    expect(mayChangeAlert(perms, 'acknowledge', 'prod', slack())).toEqual({ allowed: true });
    expect(mayChangeAlert(perms, 'snooze', 'prod', slack())).toEqual({ allowed: true });
    expect(mayQuery(perms, 'prod', slack())).toEqual({ allowed: true });
  });

  it('allows a listed user and a member of a listed user group, and nobody else', () => {
    const perms = makeConfig({
      acknowledge: { slack: { users: ['U0MARIA'], groups: ['S0ONCALL'] } },
    }).permissions;
    expect(mayChangeAlert(perms, 'acknowledge', 'prod', slack(maria)).allowed).toBe(true);
    expect(
      mayChangeAlert(perms, 'acknowledge', 'prod', slack(omar, { userGroups: ['S0OTHER', 'S0ONCALL'] }))
        .allowed,
    ).toBe(true);
    const refused = mayChangeAlert(perms, 'acknowledge', 'prod', slack(omar, { userGroups: ['S0OTHER'] }));
    expect(refused).toEqual({
      allowed: false,
      reason:
        'only the people listed in permissions.acknowledge may acknowledge prod alerts, and you (U0OMAR) are not in it nor in one of its user groups',
      grant:
        'Ask whoever administers vigil to add your id U0OMAR to permissions.acknowledge.slack.users (or one of your groups to permissions.acknowledge.slack.groups) in vigil.yaml.',
    });
  });

  it('says when the platform did not tell vigil the user groups', () => {
    const perms = makeConfig({ acknowledge: { slack: { groups: ['S0ONCALL'] } } }).permissions;
    const d = mayChangeAlert(perms, 'acknowledge', 'prod', slack(omar));
    expect(d.allowed === false && d.reason).toMatch(/slack did not tell vigil your user groups/);
  });

  it('never matches display names', () => {
    const perms = makeConfig({ acknowledge: { slack: { users: ['U0MARIA'] } } }).permissions;
    expect(
      mayChangeAlert(perms, 'acknowledge', 'prod', slack({ kind: 'slack', id: 'U0EVE', name: 'U0MARIA' }))
        .allowed,
    ).toBe(false);
  });

  it('matches Teams users by object id or UPN, case-insensitively; a platform left out grants nobody', () => {
    const perms = makeConfig({
      acknowledge: { teams: { users: ['maria@example.com', '0f8fad5b-d9cb-469f-a165-70867728950e'] } },
    }).permissions;
    const teams = (id: string, upn?: string): Requester => ({
      platform: 'teams',
      user: { kind: 'teams', id },
      channel: '19:a@thread.tacv2',
      ...(upn ? { userPrincipalName: upn } : {}),
    });
    expect(mayChangeAlert(perms, 'acknowledge', 'prod', teams('aad-x', 'Maria@Example.com')).allowed).toBe(
      true,
    );
    expect(
      mayChangeAlert(perms, 'acknowledge', 'prod', teams('0F8FAD5B-D9CB-469F-A165-70867728950E')).allowed,
    ).toBe(true);
    expect(mayChangeAlert(perms, 'acknowledge', 'prod', teams('aad-y', 'eve@example.com')).allowed).toBe(
      false,
    );
    expect(mayChangeAlert(perms, 'acknowledge', 'prod', slack(maria)).allowed).toBe(false);
  });

  it('uses the most specific list: cluster snooze, cluster acknowledge, global snooze, global acknowledge', () => {
    const perms = makeConfig({
      acknowledge: { slack: { users: ['U0MARIA', 'U0OMAR'] } },
      snooze: { slack: { users: ['U0OMAR'] } },
      clusters: { prod: { acknowledge: { slack: { users: ['U0MARIA'] } } } },
    }).permissions;
    expect(mayChangeAlert(perms, 'acknowledge', 'prod', slack(omar)).allowed).toBe(false);
    expect(mayChangeAlert(perms, 'snooze', 'prod', slack(omar)).allowed).toBe(false);
    expect(mayChangeAlert(perms, 'snooze', 'prod', slack(maria)).allowed).toBe(true);
    expect(mayChangeAlert(perms, 'acknowledge', 'staging', slack(omar)).allowed).toBe(true);
    expect(mayChangeAlert(perms, 'snooze', 'staging', slack(maria)).allowed).toBe(false);
  });

  it('lists the group ids an adapter must resolve, per platform', () => {
    const perms = makeConfig({
      acknowledge: {
        slack: { groups: ['S0ONCALL'] },
        teams: { groups: ['6ba7b810-9dad-11d1-80b4-00c04fd430c8'] },
      },
      snooze: { slack: { groups: ['S0ONCALL', 'S0NIGHT'] } },
      clusters: { prod: { acknowledge: { slack: { groups: ['S0SRE'] } } } },
    }).permissions;
    expect(permissionGroupIds(perms, 'slack')).toEqual(['S0ONCALL', 'S0NIGHT', 'S0SRE']);
    expect(permissionGroupIds(perms, 'teams')).toEqual(['6ba7b810-9dad-11d1-80b4-00c04fd430c8']);
    expect(permissionGroupIds(makeConfig().permissions, 'slack')).toEqual([]);
  });

  it('restricts queries of a cluster with channels to those channels', () => {
    const perms = makeConfig({
      clusters: { prod: { channels: { slack: ['C0PROD'] } } },
      contact: 'the SRE leads in #sre',
    }).permissions;
    expect(mayQuery(perms, 'prod', slack(maria, { channel: 'C0PROD' })).allowed).toBe(true);
    expect(mayQuery(perms, 'staging', slack()).allowed).toBe(true);
    expect(mayQuery(perms, 'prod', slack())).toEqual({
      allowed: false,
      reason:
        'prod is restricted: its state is shown only in the channels listed for it, and this one (C0OPS) is not',
      grant:
        "Ask in one of prod's channels, or ask the SRE leads in #sre to add C0OPS to permissions.clusters.prod.channels.slack in vigil.yaml.",
    });
  });
});

describe('permissions in handlers', () => {
  const onlyMaria = {
    acknowledge: { slack: { users: ['U0MARIA'], groups: ['S0ONCALL'] } },
    contact: 'the SRE leads in #sre',
  };

  it('lets an allowed user acknowledge', async () => {
    const t = makeDeps({ config: makeConfig(onlyMaria) });
    t.alerts.seed(makeAlert('a7k2q'));
    expect((await handleCommand(slackCommand('ack a7k2q'), t.deps)).title).toBe('Acknowledged a7k2q');
  });

  it('lets a member of an allowed user group acknowledge from a button', async () => {
    const t = makeDeps({ config: makeConfig(onlyMaria) });
    t.alerts.seed(makeAlert('a7k2q'));
    const reply = await handleAction(
      slackAction({ kind: 'ack', alertId: 'a7k2q' }, { user: omar, userGroups: ['S0ONCALL'] }),
      t.deps,
    );
    expect(reply.title).toBe('Acknowledged a7k2q');
  });

  it('refuses others privately, explaining why and who can grant it, and audits refused:ack', async () => {
    const t = makeDeps({ config: makeConfig(onlyMaria) });
    t.alerts.seed(makeAlert('a7k2q'));
    const reply = await handleCommand(slackCommand('ack a7k2q', { user: omar, userGroups: [] }), t.deps);
    expect(reply).toMatchObject({ private: true, title: 'Not allowed: acknowledge a7k2q' });
    expect(reply.sections[0]?.lines).toEqual([
      'Why: only the people listed in permissions.acknowledge may acknowledge prod alerts, and you (U0OMAR) are not in it nor in one of its user groups.',
      'Ask the SRE leads in #sre to add your id U0OMAR to permissions.acknowledge.slack.users (or one of your groups to permissions.acknowledge.slack.groups) in vigil.yaml.',
    ]);
    expect(t.audit.entries).toEqual([
      expect.objectContaining({
        action: 'refused:ack',
        actor: omar,
        alertId: 'a7k2q',
        cluster: 'prod',
        origin: 'slack:C0OPS',
      }),
    ]);
    expect(await t.alerts.get('a7k2q')).toMatchObject({ state: 'firing', seq: 1 });
    expect(t.notified).toHaveLength(0);
  });

  it('refuses a snooze button the same way, audited as refused:snooze', async () => {
    const t = makeDeps({ config: makeConfig(onlyMaria) });
    t.alerts.seed(makeAlert('a7k2q'));
    const reply = await handleAction(
      slackAction({ kind: 'snooze', alertId: 'a7k2q', duration: '1h' }, { user: omar, userGroups: [] }),
      t.deps,
    );
    expect(reply.title).toBe('Not allowed: snooze a7k2q');
    expect(t.audit.entries[0]).toMatchObject({ action: 'refused:snooze', origin: 'slack:C0OPS' });
  });

  it('does not answer prod queries in a channel not allowed to query prod, and audits it', async () => {
    const t = makeDeps({ config: makeConfig({ clusters: { prod: { channels: { slack: ['C0PROD'] } } } }) });
    await t.snapshots.put({
      cluster: 'prod',
      check: 'certificates',
      at: '2026-11-21T10:02:00.000Z',
      reachable: true,
      findings: [certFinding('prod', 'secret prod/a tls.crt', 3)],
      unobserved: [],
    });
    const refused = await handleCommand(slackCommand('certs prod'), t.deps);
    expect(refused).toMatchObject({ private: true, title: 'Not allowed: certs for prod in this channel' });
    expect(textOf(refused)).not.toContain('prod/a');
    expect(t.audit.entries[0]).toMatchObject({
      action: 'refused:certs',
      cluster: 'prod',
      origin: 'slack:C0OPS',
      actor: maria,
    });

    const allowed = await handleCommand(slackCommand('certs prod', { channel: 'C0PROD' }), t.deps);
    expect(allowed.sections[0]?.lines[0]).toContain('secret prod/a tls.crt');
  });

  it('applies the channel restriction to typed ack, history and check, but not to buttons on vigil’s own message', async () => {
    const t = makeDeps({ config: makeConfig({ clusters: { prod: { channels: { slack: ['C0PROD'] } } } }) });
    t.alerts.seed(makeAlert('a7k2q'));
    expect((await handleCommand(slackCommand('ack a7k2q'), t.deps)).title).toBe(
      'Not allowed: acknowledge a7k2q',
    );
    expect((await handleCommand(slackCommand('history a7k2q'), t.deps)).title).toBe(
      'Not allowed: history of a7k2q in this channel',
    );
    expect((await handleCommand(slackCommand('check prod'), t.deps)).title).toBe(
      'Not allowed: check for prod in this channel',
    );
    expect(t.checkRequests).toHaveLength(0);
    expect(t.audit.entries.map((e) => e.action)).toEqual(['refused:ack', 'refused:history', 'refused:check']);
    expect((await handleAction(slackAction({ kind: 'ack', alertId: 'a7k2q' }), t.deps)).title).toBe(
      'Acknowledged a7k2q',
    );
  });

  it('refuses a query for all clusters when every cluster is restricted elsewhere', async () => {
    const t = makeDeps({
      config: makeConfig({
        clusters: { prod: { channels: { slack: [] } }, staging: { channels: { slack: ['C0STG'] } } },
      }),
    });
    const reply = await handleCommand(slackCommand('alerts'), t.deps);
    expect(reply.title).toBe('Not allowed: alerts in this channel');
    expect(t.audit.entries[0]).toMatchObject({ action: 'refused:alerts' });
  });
});

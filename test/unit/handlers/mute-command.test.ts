import { describe, expect, it } from 'vitest';
import { handleCommand } from '../../../handlers/handle-command.js';
import { parseMute } from '../../../handlers/parse-mute.js';
import type { ReplyMessage } from '../../../src/chat/chat-message.js';
import { makeAlert, makeConfig, makeDeps, NOW, omar, slackCommand } from './handler-fixtures.js';

const clusters = ['prod', 'staging'];
const text = (r: ReplyMessage) => [r.title, ...r.sections.flatMap((s) => s.lines)].join('\n');

describe('parseMute', () => {
  it('reads cluster, duration, reason and the narrowing options', () => {
    expect(parseMute('prod 2h upgrading the nodes --check certs --severity warning', clusters)).toEqual({
      ok: true,
      mute: {
        scope: { clusters: ['prod'], checks: ['certificates'], severities: ['warning'] },
        durationMs: 2 * 3_600_000,
        reason: 'upgrading the nodes',
      },
    });
    expect(parseMute('ALL 2 hours', clusters)).toEqual({
      ok: true,
      mute: { scope: {}, durationMs: 2 * 3_600_000 },
    });
  });

  it('says what is wrong and what to type instead', () => {
    const problem = (t: string) => {
      const r = parseMute(t, clusters);
      return r.ok ? 'parsed' : r.problem;
    };
    expect(problem('')).toMatch(/^which cluster\? mute CLUSTER\|all DURATION/);
    expect(problem('production 2h')).toBe(
      'there is no cluster "production"; use one of prod, staging or all',
    );
    expect(problem('prod')).toMatch(/^for how long\?/);
    expect(problem('prod soon')).toMatch(/^cannot mute for "soon": .*e\.g\. 30m, 4h/);
    expect(problem('prod 2')).toMatch(/"2" needs a unit: 2m \(minutes\), 2h/);
    expect(problem('prod 30d')).toMatch(/^cannot mute for "30d"/);
    expect(problem('prod 2h --check nope')).toMatch(
      /^--check needs a check: one of certificates, .* \(not "nope"\)/,
    );
    expect(problem('prod 2h --severity ok')).toBe(
      '--severity needs one of warning, unknown, critical (not "ok")',
    );
    expect(problem('prod 2h --force')).toBe('mute has no option "--force"; it takes --check and --severity');
  });
});

describe('/k8s mute, mutes, unmute', () => {
  it('mutes a cluster, lists it, audits it under its id and ends it', async () => {
    const t = makeDeps();
    const muted = await handleCommand(slackCommand('mute prod 2h upgrading'), t.deps);
    expect(muted.title).toBe('Muted prod until 2026-11-21 12:05 UTC (2 h) · m1');
    expect(muted.private).toBe(false);
    expect(text(muted)).toContain('Reason: upgrading');

    const list = await handleCommand(slackCommand('mutes'), t.deps);
    expect(text(list)).toContain('m1 · prod · until 2026-11-21 12:05 UTC (2 h left) · by maria · upgrading');

    const unmuted = await handleCommand(slackCommand('unmute M1'), t.deps);
    expect(unmuted.title).toBe('Unmuted prod (m1)');
    expect(await t.mutes.active(NOW)).toEqual([]);

    const history = await handleCommand(slackCommand('history m1'), t.deps);
    const lines = text(history);
    expect(lines).toMatch(/unmute · maria via slack:C0OPS · ended the mute of prod by maria, 2 h early/);
    expect(lines).toMatch(
      /mute · maria via slack:C0OPS · muted prod for 2 h until 2026-11-21T12:05:00.000Z: upgrading/,
    );
  });

  it('answers bad input with the usage, and unknown ids with the list hint', async () => {
    const t = makeDeps();
    const r = await handleCommand(slackCommand('mute prod forever'), t.deps);
    expect(r.title).toMatch(/^Cannot mute: cannot mute for "forever"/);
    expect(text(r)).toContain('Usage: /k8s mute CLUSTER|all DURATION');
    expect((await handleCommand(slackCommand('unmute a7k2q'), t.deps)).title).toBe(
      '"a7k2q" is not a mute id',
    );
    expect((await handleCommand(slackCommand('unmute m9'), t.deps)).title).toBe('No mute m9 in force');
    expect(t.mutes.mutes).toEqual([]);
  });

  it('refuses people not listed in permissions.mute (and audits the refusal)', async () => {
    const t = makeDeps({ config: makeConfig({ mute: { slack: { users: ['U0MARIA'] } } }) });
    const refused = await handleCommand(slackCommand('mute all 1h', { user: omar }), t.deps);
    expect(refused.title).toBe('Not allowed: mute every cluster');
    expect(text(refused)).toContain(
      'only the people listed in permissions.mute may mute prod, and you (U0OMAR) are not in it',
    );
    expect(t.mutes.mutes).toEqual([]);
    const [entry] = await t.audit.read();
    expect(entry).toMatchObject({ action: 'refused:mute', actor: { id: 'U0OMAR' }, cluster: 'prod' });

    await handleCommand(slackCommand('mute prod 1h'), t.deps);
    const unmute = await handleCommand(slackCommand('unmute m1', { user: omar }), t.deps);
    expect(unmute.title).toBe('Not allowed: unmute m1');
    expect(await t.mutes.active(NOW)).toHaveLength(1);
  });

  it('falls back to the acknowledge list when no mute list is set', async () => {
    const t = makeDeps({ config: makeConfig({ acknowledge: { slack: { users: ['U0OMAR'] } } }) });
    expect((await handleCommand(slackCommand('mute prod 1h'), t.deps)).title).toBe('Not allowed: mute prod');
    expect((await handleCommand(slackCommand('mute prod 1h', { user: omar }), t.deps)).title).toMatch(
      /^Muted prod/,
    );
  });

  it('lists the maintenance windows open now', async () => {
    const config = makeConfig(
      {},
      ['prod', 'staging'],
      [
        {
          name: 'prod upgrade',
          clusters: ['prod'],
          timezone: 'UTC',
          times: [{ start: '09:00', end: '11:00' }],
        },
        { name: 'later', timezone: 'UTC', times: [{ start: '20:00', end: '21:00' }] },
      ],
    );
    const t = makeDeps({ config });
    const list = text(await handleCommand(slackCommand('mutes'), t.deps));
    expect(list).toContain(
      'prod upgrade · prod · until 2026-11-21 11:00 UTC (55 min left) · from vigil.yaml',
    );
    expect(list).not.toContain('later');
  });
});

describe('/k8s alerts while muted', () => {
  it('says which mute holds an alert and until when', async () => {
    const t = makeDeps();
    await t.alerts.apply({ alerts: [makeAlert('a7k2q')], transitions: [] }, {});
    await handleCommand(slackCommand('mute prod 1h upgrading'), t.deps);
    const lines = text(await handleCommand(slackCommand('alerts'), t.deps));
    expect(lines).toMatch(/a7k2q · .* · muted by mute m1 by maria \(upgrading\) until 2026-11-21 11:05 UTC/);
  });
});

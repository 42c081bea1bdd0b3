import { describe, expect, it } from 'vitest';
import {
  buildDigest,
  maxDigestItems,
  maxDigestLineChars,
  type DigestLook,
} from '../../../jobs/digest/build-digest.js';
import { digestChannels, showsIn } from '../../../jobs/digest/digest-channels.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { zonedClock } from '../../../src/time/zoned-clock.js';
import { findingFor, maria, next, opened } from '../../support/alert-fixtures.js';
import { certFinding } from '../handlers/handler-fixtures.js';

// handler-fixtures' NOW: certFinding dates are relative to it.
const now = new Date('2026-11-21T10:05:00Z');
const omar = { kind: 'slack' as const, id: 'U0OMAR', name: 'Omar' };

const look: DigestLook = {
  now,
  clock: zonedClock(now, 'Europe/Berlin'),
  timezone: 'Europe/Berlin',
  expiringDays: 30,
  staleAfter: '2h',
  refreshEvery: '1h',
  editInPlace: true,
  commandPrefix: '/k8s',
  platform: 'slack',
};

function alerts() {
  const firing = opened(
    'f1rst',
    findingFor('prod', 'statefulset db/mongo'),
    new Date('2026-11-21T07:05:00Z'),
  ).alert;
  const base = opened(
    'ack3d',
    findingFor('prod', 'statefulset db/redis', 'warning'),
    new Date('2026-11-20T10:05:00Z'),
  );
  const acked = next(
    base.alert,
    'acknowledged',
    new Date('2026-11-21T08:05:00Z'),
    { state: 'acknowledged', acknowledged: { by: maria, at: '2026-11-21T08:05:00.000Z', note: 'on it' } },
    { actor: maria },
  ).alert;
  const snoozedBase = opened(
    'sn00z',
    findingFor('staging', 'statefulset db/pg'),
    new Date('2026-11-21T09:35:00Z'),
  );
  const snoozed = next(
    snoozedBase.alert,
    'snoozed',
    new Date('2026-11-21T09:40:00Z'),
    {
      state: 'snoozed',
      snoozed: { by: omar, at: '2026-11-21T09:40:00.000Z', until: '2026-11-21T13:40:00.000Z' },
    },
    { actor: omar },
  ).alert;
  return [firing, acked, snoozed];
}

describe('buildDigest', () => {
  it('says what expires, what is open, acknowledged and snoozed with age and who, and which clusters went unchecked', () => {
    const digest = buildDigest(
      {
        expiring: [
          certFinding('prod', 'secret prod/old-tls tls.crt', -2),
          certFinding('prod', 'secret prod/web-tls tls.crt', 3),
          certFinding('staging', 'configmap kube-system/kube-root-ca.crt', 25, {
            isCa: true,
            subject: 'CN=kubernetes',
          }),
        ],
        open: alerts(),
        stale: [{ cluster: 'staging', lastRunAt: '2026-11-21T06:35:00.000Z' }, { cluster: 'edge' }],
      },
      look,
    );
    expect(digest).toMatchObject({
      kind: 'digest',
      day: '2026-11-21',
      title: 'vigil daily digest · 2026-11-21',
    });
    expect(digest.sections).toEqual([
      {
        heading: 'Expiring within 30 days (3)',
        lines: [
          '• prod · expired 2 d ago (2026-11-19) · secret prod/old-tls tls.crt · CN=old-tls tls.crt',
          '• prod · 3 days left (2026-11-24) · secret prod/web-tls tls.crt · CN=web-tls tls.crt',
          '• staging · 25 days left (2026-12-16) · configmap kube-system/kube-root-ca.crt · CN=kubernetes (CA)',
        ],
      },
      {
        heading: 'Open (1)',
        lines: ['• critical · prod · StatefulSet statefulset db/mongo stuck: 1/3 ready · f1rst · open 3 h'],
      },
      {
        heading: 'Acknowledged (1)',
        lines: [
          '• warning · prod · StatefulSet statefulset db/redis stuck: 1/3 ready · ack3d · open 1 d · acknowledged by Maria 2 h ago: on it',
        ],
      },
      {
        heading: 'Snoozed (1)',
        lines: [
          '• critical · staging · StatefulSet statefulset db/pg stuck: 1/3 ready · sn00z · open 30 min · snoozed by Omar until 2026-11-21 13:40 UTC',
        ],
      },
      {
        heading: 'Not checked within 2 h (2)',
        lines: ['• staging · last checked 3 h 30 min ago (2026-11-21 06:35 UTC)', '• edge · never checked'],
      },
    ]);
    expect(digest.footer).toBe(
      'As of 11:05 Europe/Berlin (2026-11-21 10:05 UTC) · refreshed in place every 1 h',
    );
  });

  it('keeps every section when there is nothing to say, so silence never reads as safety', () => {
    const digest = buildDigest({ expiring: [], open: [], stale: [] }, { ...look, editInPlace: false });
    expect(digest.sections.map((s) => [s.heading, s.lines])).toEqual([
      ['Expiring within 30 days (0)', ['No certificate expires within 30 days.']],
      ['Open (0)', ['No open incident.']],
      ['Acknowledged (0)', ['None acknowledged.']],
      ['Snoozed (0)', ['None snoozed.']],
      ['Not checked within 2 h (0)', ['Every cluster was checked within 2 h.']],
    ]);
    expect(digest.footer).toContain('a new one every 1 h');
  });

  it(`lists at most ${maxDigestItems} items a section and says how to see the rest on that platform`, () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      certFinding('prod', `secret prod/t-${i} tls.crt`, 1 + (i % 20)),
    );
    const slack = buildDigest({ expiring: many, open: [], stale: [] }, look);
    expect(slack.sections[0]!.lines).toHaveLength(maxDigestItems + 1);
    expect(slack.sections[0]!.lines.at(-1)).toBe('…and 25 more: /k8s certs --expiring 30');
    const teams = buildDigest(
      { expiring: many, open: [], stale: [] },
      { ...look, commandPrefix: '@vigil', platform: 'teams' },
    );
    expect(teams.sections[0]!.lines.at(-1)).toBe('…and 25 more: @vigil certs --expiring 30');
  });
});

describe('buildDigest bounds', () => {
  it('clips long lines and stops a section at its character budget, counting what it left out', () => {
    const long = Array.from({ length: 10 }, (_, i) =>
      certFinding('prod', `secret prod/${'&'.repeat(400)}-${i}`, 3),
    );
    const lines = buildDigest({ expiring: long, open: [], stale: [] }, look).sections[0]!.lines;
    expect(Array.from(lines[0]!).length).toBe(2 + maxDigestLineChars);
    expect(lines[0]!.endsWith('…')).toBe(true);
    const shown = lines.filter((l) => l.startsWith('• ')).length;
    expect(shown).toBeLessThan(10);
    expect(lines.at(-1)).toBe(`…and ${10 - shown} more: /k8s certs --expiring 30`);
  });
});

describe('digest channels', () => {
  const config = (digest: object, permissions: object = {}) =>
    parseConfig(
      {
        clusters: [
          { name: 'prod', inCluster: true },
          { name: 'staging', inCluster: true },
        ],
        alerts: {
          routes: [{ match: { cluster: 'prod' }, slack: ['C0PROD'], teams: ['prod-oncall'] }],
          defaultRoute: { slack: ['C0OPS'] },
        },
        permissions,
        digest,
      },
      'test.yaml',
      '/',
    );

  it('are the routes’ destinations unless listed, each showing what its routes send it', () => {
    const derived = config({ at: '09:00' });
    expect(digestChannels(derived)).toEqual([
      { platform: 'slack', destination: 'C0PROD' },
      { platform: 'teams', destination: 'prod-oncall' },
      { platform: 'slack', destination: 'C0OPS' },
    ]);
    const prodAlert = { cluster: 'prod', check: 'certificates' as const, severity: 'warning' as const };
    expect(showsIn(prodAlert, { platform: 'slack', destination: 'C0PROD' }, derived)).toBe(true);
    expect(showsIn(prodAlert, { platform: 'slack', destination: 'C0OPS' }, derived)).toBe(false);
    const listed = config({ at: '09:00', channels: { slack: ['C0ALL'] } });
    expect(digestChannels(listed)).toEqual([{ platform: 'slack', destination: 'C0ALL' }]);
    expect(showsIn(prodAlert, { platform: 'slack', destination: 'C0ALL' }, listed)).toBe(true);
  });

  it('never show a restricted cluster outside its own channels', () => {
    const listed = config(
      { at: '09:00', channels: { slack: ['C0ALL', 'C0PROD'] } },
      { clusters: { prod: { channels: { slack: ['C0PROD'] } } } },
    );
    const prodAlert = { cluster: 'prod', check: 'certificates' as const, severity: 'critical' as const };
    expect(showsIn(prodAlert, { platform: 'slack', destination: 'C0ALL' }, listed)).toBe(false);
    expect(showsIn(prodAlert, { platform: 'slack', destination: 'c0prod' }, listed)).toBe(true);
  });
});

describe('digest config', () => {
  const load =
    (digest: unknown, alerts: object = { defaultRoute: { slack: ['C0OPS'] } }) =>
    () =>
      parseConfig({ clusters: [{ name: 'prod', inCluster: true }], alerts, digest }, 'vigil.yaml', '/');

  it('takes the documented defaults', () => {
    expect(load({ at: '09:00' })().digest).toEqual({
      at: '09:00',
      editInPlace: true,
      refreshEvery: '1h',
      expiringDays: 30,
      staleAfter: '2h',
    });
  });

  it('names each bad key and the fix, all at once', () => {
    let message = '';
    try {
      load({
        at: '9am',
        timezone: 'Mars/Olympus',
        refreshEvery: '5m',
        staleAfter: 'soon',
        expiringDays: 0,
        editInPlace: 'yes',
      })();
    } catch (err) {
      message = String(err);
    }
    expect(message).toContain('digest.at');
    expect(message).toContain('"HH:MM"');
    expect(message).toContain('unknown time zone "Mars/Olympus"');
    expect(message).toContain('digest.refreshEvery');
    expect(message).toContain('digest.staleAfter');
    expect(message).toContain('digest.expiringDays');
    expect(message).toContain('digest.editInPlace');
  });

  it('refuses a digest with nowhere to go', () => {
    expect(load({ at: '09:00' }, {})).toThrow(
      /digest\.channels.*alerts\.routes and alerts\.defaultRoute name none/s,
    );
    expect(load({ at: '09:00', channels: {} })).toThrow(/digest\.channels.*lists no channel/s);
  });
});

describe('zonedClock', () => {
  it('reads the wall clock of the zone, summer and winter', () => {
    expect(zonedClock(new Date('2026-11-21T08:00:00Z'), 'Europe/Berlin')).toEqual({
      day: '2026-11-21',
      minuteOfDay: 540,
      time: '09:00',
    });
    expect(zonedClock(new Date('2026-07-01T07:00:00Z'), 'Europe/Berlin').time).toBe('09:00');
    expect(zonedClock(new Date('2026-11-21T23:30:00Z'), 'Europe/Berlin').day).toBe('2026-11-22');
  });
});

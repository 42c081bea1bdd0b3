import { describe, expect, it } from 'vitest';
import { activeWindows, mutingFor, scopeCovers, type Mute } from '../../../src/alerts/mute.js';
import { muteEndNotice } from '../../../src/chat/mute-end-notice.js';
import { configSchema } from '../../../src/config/config-schema.js';
import { findingFor, opened } from '../../support/alert-fixtures.js';

const at = new Date('2026-01-10T21:30:00Z'); // a Saturday
const maintenance = configSchema.parse({
  clusters: [{ name: 'prod', inCluster: true }],
  maintenance: [
    { name: 'nightly', clusters: 'prod-*', timezone: 'UTC', times: [{ start: '21:00', end: '23:00' }] },
    { name: 'weekend certs', checks: 'certificates', severities: ['warning'], weekdays: ['sat', 'sun'] },
  ],
}).maintenance;
const maria = { kind: 'slack', id: 'U0MARIA', name: 'maria' };
const mute = (id: string, until: string, scope: Mute['scope'] = { clusters: ['prod-eu'] }): Mute => ({
  id,
  scope,
  by: maria,
  at: '2026-01-10T20:00:00.000Z',
  until,
  origin: 'slack:C0OPS',
});

describe('mute scope and the muting that holds an alert', () => {
  it('matches clusters by pattern, and checks and severities exactly', () => {
    const alert = { cluster: 'prod-eu', check: 'certificates' as const, severity: 'warning' as const };
    expect(scopeCovers({}, alert)).toBe(true);
    expect(scopeCovers({ clusters: ['prod-*'] }, alert)).toBe(true);
    expect(scopeCovers({ clusters: ['dev'] }, alert)).toBe(false);
    expect(scopeCovers({ checks: ['statefulsets'] }, alert)).toBe(false);
    expect(scopeCovers({ severities: ['critical'] }, alert)).toBe(false);
  });

  it('names the open occurrences of the windows', () => {
    expect(activeWindows(maintenance, at).map((w) => [w.active.key, w.active.until])).toEqual([
      ['window:nightly:1768078800000', '2026-01-10T23:00:00.000Z'],
      ['window:weekend certs:1768003200000', '2026-01-12T00:00:00.000Z'],
    ]);
    expect(activeWindows(maintenance, new Date('2026-01-12T10:00:00Z'))).toEqual([]);
  });

  it('picks the covering muting that ends last, so the alert is announced once', () => {
    const sts = { cluster: 'prod-eu', check: 'statefulsets' as const, severity: 'critical' as const };
    expect(mutingFor(sts, at, maintenance, [])?.label).toBe('maintenance "nightly"');
    const long = mute('m2', '2026-01-11T02:00:00.000Z');
    expect(mutingFor(sts, at, maintenance, [mute('m1', '2026-01-10T22:00:00.000Z'), long])).toEqual({
      key: 'mute:m2',
      label: 'mute m2 by maria',
      until: long.until,
    });
    const cert = { cluster: 'dev', check: 'certificates' as const, severity: 'warning' as const };
    expect(mutingFor(cert, at, maintenance, [])?.label).toBe('maintenance "weekend certs"');
    expect(mutingFor({ ...cert, severity: 'critical' }, at, maintenance, [])).toBeUndefined();
    // A mute not yet begun or already over holds nothing.
    expect(
      mutingFor(cert, new Date('2026-01-10T19:00:00Z'), [], [mute('m3', '2026-01-11T00:00:00Z', {})]),
    ).toBeUndefined();
  });
});

describe('the notice at the end of a muting', () => {
  const now = new Date('2026-01-10T21:00:00Z');
  const open = (id: string, object: string, severity: 'warning' | 'critical') =>
    opened(id, findingFor('prod', object, severity), now).alert;

  it('lists what is still open, worst first, and counts what resolved meanwhile', () => {
    const warn = open('aw', 'statefulset db/a', 'warning');
    const crit = open('ac', 'statefulset db/b', 'critical');
    const gone = { ...open('ar', 'statefulset db/c', 'critical'), state: 'resolved' as const };
    const notice = muteEndNotice('maintenance "nightly"', '2026-01-10T23:00:00.000Z', [warn, crit, gone], {
      ackHint: '/k8s alerts shows them',
      gone: 1,
    });
    expect(notice).toEqual({
      kind: 'notice',
      title: 'Maintenance "nightly" ended: 2 alerts still firing',
      lines: [
        'critical · prod · ac · StatefulSet statefulset db/b stuck: 1/3 ready',
        'warning · prod · aw · StatefulSet statefulset db/a stuck: 1/3 ready',
        '2 more alerts resolved while muted; not posted.',
        '/k8s alerts shows them',
      ],
      footer: 'ended 2026-01-10 23:00 UTC',
    });
  });

  it('says so when nothing it held is still firing', () => {
    const notice = muteEndNotice('mute m1 by maria', '2026-01-10T23:00:00.000Z', [], { gone: 1 });
    expect(notice.title).toBe('Mute m1 by maria ended: nothing it held is still firing');
    expect(notice.lines).toEqual(['1 more alert resolved while muted; not posted.']);
  });
});

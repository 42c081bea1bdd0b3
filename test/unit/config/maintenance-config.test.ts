import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/domain/config-error.js';

function problemsOf(maintenance: unknown): Record<string, string> {
  try {
    parseConfig({ clusters: [{ name: 'prod', inCluster: true }], maintenance }, 'vigil.yaml', '/');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return Object.fromEntries((err as ConfigError).problems.map((p) => [p.key, p.message]));
  }
  throw new Error('expected a ConfigError');
}

describe('maintenance: in vigil.yaml', () => {
  it('loads windows with their defaults', () => {
    const cfg = parseConfig(
      {
        clusters: [{ name: 'prod', inCluster: true }],
        maintenance: [
          { name: 'weekend', clusters: 'prod-*', weekdays: ['sat', 'sun'], timezone: 'Europe/Berlin' },
          {
            name: 'nightly',
            checks: 'certificates',
            severities: ['warning'],
            times: [{ start: '22:00', end: '04:00' }],
          },
        ],
      },
      'vigil.yaml',
      '/',
    );
    expect(cfg.maintenance.map((w) => [w.name, w.timezone])).toEqual([
      ['weekend', 'Europe/Berlin'],
      ['nightly', 'UTC'],
    ]);
    expect(parseConfig({ clusters: [{ name: 'prod', inCluster: true }] }, 'v.yaml', '/').maintenance).toEqual(
      [],
    );
  });

  it('reports every problem at once, naming the key and the fix', () => {
    const problems = problemsOf([
      { name: 'a', timezone: 'Europe/Atlantis', weekdays: ['saturday'] },
      { name: 'b', times: [{ start: '9:00', end: '25:00' }] },
      { name: 'c' },
      { name: 'A', times: [{ start: '10:00', end: '10:00' }], severities: ['ok'] },
    ]);
    expect(problems['maintenance[0].timezone']).toMatch(
      /is not a time zone this Node knows; use an IANA name, e.g. "Europe\/Berlin"/,
    );
    expect(problems['maintenance[0].weekdays[0]']).toMatch(
      /must be a weekday: sun, mon, tue, wed, thu, fri, sat/,
    );
    expect(problems['maintenance[1].times[0].start']).toMatch(
      /must be a time "HH:MM" in 24-hour form \(00:00 to 23:59\)/,
    );
    expect(problems['maintenance[1].times[0].end']).toMatch(/\(00:00 to 24:00\)/);
    expect(problems['maintenance[2].weekdays']).toMatch(
      /a window needs `weekdays` \(e.g. \[sat, sun\]\), `times`/,
    );
    expect(problems['maintenance[3].times[0].end']).toMatch(/start and end are the same time/);
    expect(problems['maintenance[3].severities[0]']).toBe(
      'must be one of warning, unknown, critical (ok findings never alert)',
    );
    expect(problems['maintenance[3].name']).toMatch(/"A" is used by an earlier window/);
  });
});

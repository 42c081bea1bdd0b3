import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/domain/config-error.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { outboxConfigSchema } from '../../../src/config/schedules-config.js';
import { planSchedules, previousTick } from '../../../jobs/queue/schedule-plan.js';

const clusters = [
  { name: 'prod', inCluster: true },
  { name: 'dev', inCluster: true },
];

function problemsOf(raw: object): { key: string; message: string }[] {
  try {
    parseConfig(raw, 'vigil.yaml', '/');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('schedules config', () => {
  it('defaults: certificates every 6 hours, StatefulSets every 2 minutes, registries every 5, in UTC', () => {
    const config = parseConfig({ clusters }, 'vigil.yaml', '/');
    expect(config.schedules).toMatchObject({
      timezone: 'UTC',
      runOnStart: true,
      watchdog: { pattern: '* * * * *', missedRuns: 2, graceSeconds: 300 },
    });
    expect(planSchedules(config).map((s) => `${s.schedulerId} ${s.pattern} ${s.timezone}`)).toEqual([
      'check-prod-certificates 0 */6 * * * UTC',
      'check-prod-statefulsets */2 * * * * UTC',
      'check-prod-registries */5 * * * * UTC',
      'check-prod-host-certificates 0 * * * * UTC',
      'check-dev-certificates 0 */6 * * * UTC',
      'check-dev-statefulsets */2 * * * * UTC',
      'check-dev-registries */5 * * * * UTC',
      'check-dev-host-certificates 0 * * * * UTC',
    ]);
  });

  it('applies per-cluster overrides over the global patterns; false turns a check off', () => {
    const config = parseConfig(
      {
        clusters,
        schedules: {
          timezone: 'Europe/Berlin',
          checks: { registries: false, certificates: '0 3 * * *' },
          clusters: { dev: { statefulsets: '*/10 * * * *', registries: '0 * * * *' } },
        },
      },
      'vigil.yaml',
      '/',
    );
    const plan = Object.fromEntries(planSchedules(config).map((s) => [s.schedulerId, s.pattern]));
    expect(plan).toEqual({
      'check-prod-certificates': '0 3 * * *',
      'check-prod-statefulsets': '*/2 * * * *',
      'check-prod-host-certificates': '0 * * * *',
      'check-dev-certificates': '0 3 * * *',
      'check-dev-statefulsets': '*/10 * * * *',
      'check-dev-registries': '0 * * * *',
      'check-dev-host-certificates': '0 * * * *',
    });
  });

  it('rejects an invalid pattern naming the key, the pattern, the parser message and an example', () => {
    const problems = problemsOf({
      clusters,
      schedules: { checks: { statefulsets: '61 * * * *' }, clusters: { prod: { certificates: '* * * *' } } },
    });
    expect(problems).toEqual([
      {
        key: 'schedules.checks.statefulsets',
        message: expect.stringMatching(
          /^invalid cron pattern "61 \* \* \* \*": Constraint error, got value 61 expected range 0-59; e\.g\. "\*\/2 \* \* \* \*" \(every 2 minutes\)/,
        ),
      },
      {
        key: 'schedules.clusters.prod.certificates',
        message: expect.stringMatching(
          /^invalid cron pattern "\* \* \* \*": has 4 field\(s\); expected 5 .* e\.g\. "0 \*\/6 \* \* \*"/,
        ),
      },
    ]);
  });

  it('rejects an unknown time zone, a bad watchdog pattern and unknown keys, all at once', () => {
    const problems = problemsOf({
      clusters,
      schedules: { timezone: 'Mars/Olympus', watchdog: { pattern: 'every minute' }, check: {} },
    });
    const keys = problems.map((p) => p.key);
    expect(keys).toContain('schedules');
    expect(problems.find((p) => p.key === 'schedules')?.message).toMatch(/unknown key\(s\) "check"/);
    // zod reports the object's refinements only once its shape is valid: fix the typo, see the rest.
    const rest = problemsOf({
      clusters,
      schedules: { timezone: 'Mars/Olympus', watchdog: { pattern: 'every minute' } },
    });
    expect(rest).toEqual([
      {
        key: 'schedules.timezone',
        message: expect.stringMatching(/unknown time zone "Mars\/Olympus"; use an IANA name/),
      },
      {
        key: 'schedules.watchdog.pattern',
        message: expect.stringMatching(/invalid node-cron pattern "every minute"/),
      },
    ]);
  });

  it('runs housekeeping every minute by default; its pattern is read as BullMQ reads it', () => {
    expect(parseConfig({ clusters }, 'vigil.yaml', '/').schedules.housekeeping).toBe('* * * * *');
    const every30s = parseConfig(
      { clusters, schedules: { housekeeping: '*/30 * * * * *' } },
      'vigil.yaml',
      '/',
    );
    expect(every30s.schedules.housekeeping).toBe('*/30 * * * * *');
    expect(problemsOf({ clusters, schedules: { housekeeping: '* * *' } })).toEqual([
      {
        key: 'schedules.housekeeping',
        message: expect.stringMatching(
          /^invalid cron pattern "\* \* \*": has 3 field\(s\).*e\.g\. "\* \* \* \* \*" \(every minute\)$/,
        ),
      },
    ]);
    expect(problemsOf({ clusters, schedules: { housekeeping: false } })[0]?.key).toBe(
      'schedules.housekeeping',
    );
  });

  it('refuses overrides for clusters that are not configured', () => {
    const raw = { clusters, schedules: { clusters: { staging: { statefulsets: false as const } } } };
    // At load, with every other problem...
    expect(() => parseConfig(raw, 'vigil.yaml', '/')).toThrow(ConfigError);
    expect(() => parseConfig(raw, 'vigil.yaml', '/')).toThrow(
      /schedules\.clusters\.staging: names no cluster/,
    );
    // ...and again when a config built in code reaches the scheduler.
    const valid = parseConfig({ clusters }, 'vigil.yaml', '/');
    const config = {
      ...valid,
      schedules: { ...valid.schedules, clusters: { staging: { statefulsets: false as const } } },
    };
    expect(() => planSchedules(config)).toThrow(/schedules\.clusters\.staging: no cluster named "staging"/);
  });

  it('finds previous ticks as BullMQ will schedule them, in the time zone', () => {
    const at = new Date('2026-11-21T10:07:30Z');
    expect(previousTick({ pattern: '*/2 * * * *', timezone: 'UTC' }, at, 1).toISOString()).toBe(
      '2026-11-21T10:06:00.000Z',
    );
    expect(previousTick({ pattern: '*/2 * * * *', timezone: 'UTC' }, at, 3).toISOString()).toBe(
      '2026-11-21T10:02:00.000Z',
    );
    expect(previousTick({ pattern: '0 */6 * * *', timezone: 'Europe/Berlin' }, at, 1).toISOString()).toBe(
      '2026-11-21T05:00:00.000Z',
    );
    const onTick = new Date('2026-11-21T10:06:00Z');
    expect(previousTick({ pattern: '*/2 * * * *', timezone: 'UTC' }, onTick, 1).toISOString()).toBe(
      '2026-11-21T10:06:00.000Z',
    );
  });

  it('outbox defaults pace Slack and Teams at one message per second', () => {
    expect(outboxConfigSchema.parse(undefined)).toMatchObject({
      minIntervalMs: { slack: 1000, teams: 1000 },
      retryMaxMs: 300_000,
    });
  });
});

import { describe, expect, it } from 'vitest';
import { assessSchedules } from '../../../jobs/watchdog/watchdog.js';
import type { PlannedSchedule } from '../../../jobs/queue/schedule-plan.js';

const plan: PlannedSchedule[] = [
  {
    schedulerId: 'check-prod-statefulsets',
    cluster: 'prod',
    check: 'statefulsets',
    pattern: '*/2 * * * *',
    timezone: 'UTC',
  },
  {
    schedulerId: 'check-prod-certificates',
    cluster: 'prod',
    check: 'certificates',
    pattern: '0 */6 * * *',
    timezone: 'UTC',
  },
  {
    schedulerId: 'check-dev-statefulsets',
    cluster: 'dev',
    check: 'statefulsets',
    pattern: '*/2 * * * *',
    timezone: 'UTC',
  },
];
const now = new Date('2026-11-21T12:00:00Z');
const startedAt = new Date('2026-11-20T00:00:00Z');
const tolerance = { missedRuns: 2, graceSeconds: 300 };

describe('assessSchedules', () => {
  it('is ok while every check ran within its tolerance', () => {
    const findings = assessSchedules({
      plan,
      lastRuns: [
        { cluster: 'prod', check: 'statefulsets', at: '2026-11-21T11:52:30Z' },
        { cluster: 'prod', check: 'certificates', at: '2026-11-21T00:00:40Z' },
        { cluster: 'dev', check: 'statefulsets', at: '2026-11-21T11:58:00Z' },
      ],
      failures: new Map(),
      now,
      startedAt,
      tolerance,
    });
    expect(findings.map((f) => [f.cluster, f.severity])).toEqual([
      ['prod', 'ok'],
      ['dev', 'ok'],
    ]);
  });

  it('names the cluster, the checks missed, since when and the last error after the last run', () => {
    const [prod] = assessSchedules({
      plan,
      lastRuns: [
        { cluster: 'prod', check: 'statefulsets', at: '2026-11-21T11:13:00Z' },
        { cluster: 'prod', check: 'certificates', at: '2026-11-21T06:00:20Z' },
      ],
      failures: new Map([
        ['prod/statefulsets', { at: '2026-11-21T11:58:00Z', message: 'connect ECONNREFUSED 10.0.0.1:6443' }],
        [
          'prod/certificates',
          { at: '2026-11-20T06:00:00Z', message: 'an old error, before the last good run' },
        ],
      ]),
      now,
      startedAt,
      tolerance,
    });
    expect(prod).toMatchObject({
      cluster: 'prod',
      check: 'cluster',
      source: 'watchdog',
      severity: 'unknown',
    });
    expect(prod?.summary).toBe(
      'vigil is not checking cluster prod: no statefulsets run since 2026-11-21 11:13 UTC (47 minutes ago)',
    );
    expect(prod?.evidence).toEqual([
      'statefulsets: last run 2026-11-21 11:13 UTC; scheduled "*/2 * * * *" (UTC), 2 or more runs missed',
      'statefulsets: last error at 2026-11-21 11:58 UTC: connect ECONNREFUSED 10.0.0.1:6443',
    ]);
    expect(prod?.nextStep).toMatch(/last error: connect ECONNREFUSED.*Redis down.*workers crashed/);
  });

  it('gives a fresh replica time: nothing is missed before the schedulers could run', () => {
    const findings = assessSchedules({
      plan,
      lastRuns: [],
      failures: new Map(),
      now,
      startedAt: new Date('2026-11-21T11:56:00Z'),
      tolerance,
    });
    expect(findings.every((f) => f.severity === 'ok')).toBe(true);
    const later = assessSchedules({
      plan,
      lastRuns: [],
      failures: new Map(),
      now,
      startedAt: new Date('2026-11-21T11:40:00Z'),
      tolerance,
    });
    expect(later[0]?.summary).toBe(
      'vigil is not checking cluster prod: no statefulsets run since at least 2026-11-21 11:40 UTC',
    );
    expect(later[0]?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });
});

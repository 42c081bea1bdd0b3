import { describe, expect, it } from 'vitest';
import {
  decideGroups,
  groupKeyOf,
  groupingPolicy,
  threadWorthyInGroup,
} from '../../../src/alerts/alert-grouping.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/domain/config-error.js';

const clusters = [{ name: 'prod', inCluster: true }];
const policy = groupingPolicy(parseConfig({ clusters }, 'vigil.yaml', '/tmp').alerts);
const candidates = (key: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ alertId: `${key}-${i}`, key }));

describe('decideGroups', () => {
  it('groups more than summaryAbove new alerts of one key, and leaves a handful alone', () => {
    const d = decideGroups([...candidates('k1', 6), ...candidates('k2', 5)], new Set(), policy);
    expect(d.joins).toEqual([
      { key: 'k1', alertIds: candidates('k1', 6).map((c) => c.alertId), fresh: true },
    ]);
    expect(d.alone).toEqual(candidates('k2', 5).map((c) => c.alertId));
  });

  it('adds even one new alert to an open group of its key', () => {
    const d = decideGroups(candidates('k1', 1), new Set(['k1']), policy);
    expect(d).toEqual({ alone: [], joins: [{ key: 'k1', alertIds: ['k1-0'], fresh: false }] });
  });

  it('groups nothing when turned off', () => {
    const d = decideGroups(candidates('k1', 300), new Set(['k1']), { ...policy, enabled: false });
    expect(d.joins).toEqual([]);
    expect(d.alone).toHaveLength(300);
  });

  it('keys by the configured values only', () => {
    const a = { cluster: 'prod', check: 'certificates' as const, severity: 'warning' as const };
    expect(groupKeyOf(a, ['cluster', 'check'])).toBe('cluster=prod,check=certificates');
    expect(groupKeyOf({ ...a, severity: 'critical' }, ['cluster', 'check'])).toBe(
      groupKeyOf(a, ['cluster', 'check']),
    );
    expect(groupKeyOf(a, ['severity'])).toBe('severity=warning');
  });

  it('threads only escalations and reopenings', () => {
    expect(['escalated', 'reopened'].every((k) => threadWorthyInGroup(k as never))).toBe(true);
    expect(
      ['opened', 'resolved', 'acknowledged', 'reminder'].some((k) => threadWorthyInGroup(k as never)),
    ).toBe(false);
  });
});

describe('alerts.grouping config', () => {
  const problems = (grouping: unknown) => {
    try {
      parseConfig({ clusters, alerts: { grouping } }, 'vigil.yaml', '/tmp');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).problems.map((p) => `${p.key}: ${p.message}`);
    }
    throw new Error('expected a ConfigError');
  };

  it('names the key and the fix', () => {
    expect(problems({ groupBy: ['namespace'] }).join('\n')).toMatch(
      /alerts\.grouping\.groupBy.*cluster, check, severity/,
    );
    expect(problems({ groupBy: ['cluster', 'cluster'] }).join('\n')).toMatch(/lists a key twice/);
    expect(problems({ groupBy: [] }).join('\n')).toMatch(/enabled: false/);
    expect(problems({ summaryAbove: 0 }).join('\n')).toMatch(
      /alerts\.grouping\.summaryAbove.*from 1 to 1000/,
    );
    expect(problems({ summaryabove: 3 }).join('\n')).toMatch(/summaryabove/);
  });
});

import { describe, expect, it } from 'vitest';
import { lifecyclePolicy } from '../../../src/alerts/lifecycle-policy.js';
import { ConfigError } from '../../../src/domain/config-error.js';
import { parseConfig } from '../../../src/config/load-config.js';

const clusters = [{ name: 'prod', inCluster: true }];

function problemsOf(alerts: unknown): { key: string; message: string }[] {
  try {
    parseConfig({ clusters, alerts }, 'vigil.yaml', '/tmp');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('alerts: config', () => {
  it('defaults every key', () => {
    const cfg = parseConfig({ clusters }, 'vigil.yaml', '/tmp');
    expect(cfg.alerts).toEqual({
      resolveAfterOkRuns: 2,
      repeatIntervalHours: 4,
      reopenWindowHours: 1,
      audit: { retentionDays: 90, maxEntries: 100_000 },
      grouping: { enabled: true, groupBy: ['cluster', 'check'], summaryAbove: 5 },
      routes: [],
    });
    expect(lifecyclePolicy(cfg.alerts)).toEqual({
      resolveAfterOkRuns: 2,
      repeatIntervalMs: 4 * 3_600_000,
      reopenWindowMs: 3_600_000,
    });
  });

  it('fills route defaults', () => {
    const cfg = parseConfig(
      {
        clusters,
        alerts: {
          routes: [{ match: { cluster: 'prod' }, slack: ['C0123ABCD'] }],
          defaultRoute: { teams: ['oncall'] },
        },
      },
      'vigil.yaml',
      '/tmp',
    );
    expect(cfg.alerts.routes).toEqual([
      { match: { cluster: 'prod' }, slack: ['C0123ABCD'], teams: [], web: [], continue: false },
    ]);
    expect(cfg.alerts.defaultRoute).toEqual({ slack: [], teams: ['oncall'], web: [] });
  });

  it('reports every problem with its key and the fix', () => {
    const problems = problemsOf({
      resolveAfterOkRuns: 0,
      repeatIntervalHours: -1,
      audit: { retentionDays: 0, maxEntries: 10 },
      routes: [
        { match: { severity: 'ok', clustr: 'prod' }, slack: ['#alerts'] },
        { match: { cluster: 'prod' } },
        { match: { namespace: 'a b', check: 'certs' }, teams: ['on call'] },
      ],
      defaultRoute: { slack: [], email: ['x'] },
    });
    const byKey = Object.fromEntries(problems.map((p) => [p.key, p.message]));
    expect(byKey).toMatchObject({
      'alerts.resolveAfterOkRuns': 'must be a whole number of check runs from 1 to 20, e.g. 2',
      'alerts.repeatIntervalHours': 'must be a number of hours from 0 to 168 (0 turns it off), e.g. 4',
      'alerts.audit.retentionDays': 'must be at least 1 day, e.g. 90',
      'alerts.audit.maxEntries': 'must be at least 1000 entries, e.g. 100000',
      'alerts.routes[0].match': expect.stringContaining('unknown key(s) "clustr"'),
      'alerts.routes[0].match.severity':
        'must be a minimum severity (warning, unknown, critical) or a list of exact severities',
      'alerts.routes[0].slack[0]':
        'must be a Slack channel ID such as "C0123ABCD" (channel details, About tab), not a #name',
      'alerts.routes[1].slack':
        'a route needs at least one destination: add slack: [C0123ABCD] and/or teams: [alias] and/or web: [alerts]',
      'alerts.routes[2].match.namespace': expect.stringContaining('must be a name or pattern'),
      'alerts.routes[2].match.check':
        'must be one of certificates, statefulsets, registries, host-certificates, cluster or a list of them',
      'alerts.routes[2].teams[0]': expect.stringContaining('must be a Teams conversation alias'),
      'alerts.defaultRoute': expect.stringContaining('unknown key(s) "email"'),
    });
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/domain/config-error.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { permissionsConfigSchema, permissionsProblems } from '../../../src/config/permissions-config.js';

function problemsOf(permissions: unknown): { key: string; message: string }[] {
  try {
    parseConfig({ clusters: [{ name: 'prod', inCluster: true }], permissions }, 'vigil.yaml', '/tmp');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('permissions config', () => {
  it('defaults to nothing configured: no lists, no restricted clusters', () => {
    expect(permissionsConfigSchema.parse(undefined)).toEqual({ clusters: {} });
  });

  it('accepts the documented example', () => {
    const cfg = permissionsConfigSchema.parse({
      acknowledge: {
        slack: { users: ['U012AB3CD'], groups: ['S0123ABCD'] },
        teams: {
          users: ['maria@example.com', '0f8fad5b-d9cb-469f-a165-70867728950e'],
          groups: ['6ba7b810-9dad-11d1-80b4-00c04fd430c8'],
        },
      },
      snooze: { slack: { groups: ['S0123ABCD', 'S0456EFGH'] } },
      clusters: {
        prod: {
          channels: { slack: ['C0PROD01'], teams: ['19:abc123@thread.tacv2'] },
          acknowledge: { slack: { groups: ['S0SRE001'] } },
        },
      },
      contact: 'the SRE leads in #sre',
    });
    expect(cfg.acknowledge?.slack).toEqual({ users: ['U012AB3CD'], groups: ['S0123ABCD'] });
    expect(cfg.snooze?.slack?.users).toEqual([]);
    expect(cfg.clusters.prod?.channels).toEqual({
      slack: ['C0PROD01'],
      teams: ['19:abc123@thread.tacv2'],
      web: [],
    });
  });

  it('names the key and the fix for names where ids belong, and for unknown keys', () => {
    const problems = problemsOf({
      acknowledge: { slack: { users: ['@maria'], groups: ['oncall'] }, teams: { users: ['Maria Lopez'] } },
      clusters: { prod: { channels: { slack: ['#prod-alerts'] }, ack: {} } },
      admins: [],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          key: 'permissions.acknowledge.slack.users[0]',
          message: expect.stringMatching(/Slack member id such as "U012AB3CD".*not a name/),
        },
        {
          key: 'permissions.acknowledge.slack.groups[0]',
          message: expect.stringMatching(/user-group id such as "S0123ABCD"/),
        },
        {
          key: 'permissions.acknowledge.teams.users[0]',
          message: expect.stringMatching(/object id .* or a user principal name/),
        },
        {
          key: 'permissions.clusters.prod.channels.slack[0]',
          message: expect.stringMatching(/channel id such as "C0123ABCD".*not #name/),
        },
        { key: 'permissions.clusters.prod', message: expect.stringMatching(/unknown key\(s\) "ack"/) },
        { key: 'permissions', message: expect.stringMatching(/unknown key\(s\) "admins"/) },
      ]),
    );
  });

  it('reports permissions for a cluster that does not exist (a typo would leave the real one open)', () => {
    const permissions = permissionsConfigSchema.parse({
      clusters: { production: { channels: { slack: ['C0PROD01'] } } },
    });
    expect(permissionsProblems({ clusters: [{ name: 'prod' }, { name: 'staging' }], permissions })).toEqual([
      {
        key: 'permissions.clusters.production',
        message: 'names no cluster in clusters[]; use one of "prod", "staging"',
      },
    ]);
  });
});

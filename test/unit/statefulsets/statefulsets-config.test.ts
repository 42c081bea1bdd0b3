import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/domain/config-error.js';
import { parseConfig } from '../../../src/config/load-config.js';

const clusters = [{ name: 'prod', inCluster: true }];

function problems(statefulsets: unknown) {
  try {
    parseConfig({ clusters, statefulsets }, 'vigil.yaml', '/');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('statefulsets config', () => {
  it('defaults to a 15 minute grace period and every namespace', () => {
    const cfg = parseConfig({ clusters }, 'vigil.yaml', '/');
    expect(cfg.statefulsets).toEqual({ gracePeriodMinutes: 15, namespaces: { include: [], exclude: [] } });
  });

  it('names the key and the fix for each problem', () => {
    expect(problems({ gracePeriodMinutes: -1 })).toEqual([
      {
        key: 'statefulsets.gracePeriodMinutes',
        message: 'must be a whole number of minutes from 0 to 1440, e.g. 15',
      },
    ]);
    expect(problems({ namespaces: { include: ['db', 'Shop'] } })[0]).toMatchObject({
      key: 'statefulsets.namespaces.include[1]',
      message: 'must be a namespace name such as "db"',
    });
    expect(problems({ namespaces: { include: ['db'], exclude: ['db'] } })).toEqual([
      {
        key: 'statefulsets.namespaces.exclude',
        message: 'a namespace is listed in both include and exclude; remove it from one of them',
      },
    ]);
    expect(problems({ grace: 5 })[0]?.message).toMatch(/unknown key\(s\) "grace"/);
  });
});

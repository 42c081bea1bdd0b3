import { describe, expect, it } from 'vitest';
import { clusterPrefixProblem, prefixHashTag, readRedisEnv } from '../../../src/config/redis-env.js';
import { readServeEnv } from '../../../src/config/serve-env.js';
import { ConfigError, type ConfigProblem } from '../../../src/domain/config-error.js';

function read(env: NodeJS.ProcessEnv) {
  const problems: ConfigProblem[] = [];
  const value = readRedisEnv(env, problems);
  return { value, problems };
}

describe('REDIS_MODE and its settings', () => {
  it('standalone by default, with the prefix vigil always had', () => {
    expect(read({}).value).toEqual({
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: 'vigil',
      redisTopology: { mode: 'standalone' },
    });
  });

  it('cluster: {vigil} by default, extra seeds from REDIS_CLUSTER_NODES', () => {
    const { value, problems } = read({
      REDIS_MODE: 'cluster',
      REDIS_URL: 'rediss://:secret@clustercfg.example:6379',
      REDIS_CLUSTER_NODES: 'node-b:6380, [fd00::1]:6381,node-c',
    });
    expect(problems).toEqual([]);
    expect(value.redisPrefix).toBe('{vigil}');
    expect(value.redisTopology).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'node-b', port: 6380 },
        { host: 'fd00::1', port: 6381 },
        { host: 'node-c', port: 6379 },
      ],
    });
  });

  it('cluster: an explicit prefix is kept, and refused without a hash tag, naming the fix', () => {
    expect(read({ REDIS_MODE: 'cluster', VIGIL_REDIS_PREFIX: 'team-a:{vigil}' }).value.redisPrefix).toBe(
      'team-a:{vigil}',
    );
    const { problems } = read({ REDIS_MODE: 'cluster', VIGIL_REDIS_PREFIX: 'team-a' });
    expect(problems).toEqual([
      {
        key: 'VIGIL_REDIS_PREFIX',
        message: expect.stringMatching(/"team-a" has no hash tag.*use "\{team-a\}"/),
      },
    ]);
  });

  it('cluster: a database in the URL is an error (a cluster has database 0 only)', () => {
    const { problems } = read({ REDIS_MODE: 'cluster', REDIS_URL: 'redis://r:6379/2' });
    expect(problems.map((p) => p.key)).toEqual(['REDIS_URL']);
    expect(problems[0]?.message).toMatch(/database 2.*only database 0/);
  });

  it('sentinel: Sentinels and the master name are required; the password is kept but optional', () => {
    expect(read({ REDIS_MODE: 'sentinel' }).problems.map((p) => p.key)).toEqual([
      'REDIS_SENTINELS',
      'REDIS_SENTINEL_MASTER',
    ]);
    const { value, problems } = read({
      REDIS_MODE: 'Sentinel',
      REDIS_SENTINELS: 's-0:26379,s-1',
      REDIS_SENTINEL_MASTER: 'mymaster',
      REDIS_SENTINEL_PASSWORD: 'pw',
    });
    expect(problems).toEqual([]);
    expect(value.redisPrefix).toBe('vigil');
    expect(value.redisTopology).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: 's-0', port: 26379 },
        { host: 's-1', port: 26379 },
      ],
      masterName: 'mymaster',
      sentinelPassword: 'pw',
    });
  });

  it('reports every mistake at once: unknown mode, bad host lists, settings of another mode', () => {
    expect(read({ REDIS_MODE: 'clustered', REDIS_URL: 'http://x' }).problems.map((p) => p.key)).toEqual([
      'REDIS_URL',
      'REDIS_MODE',
    ]);
    expect(read({ REDIS_SENTINELS: 's-0:26379' }).problems).toEqual([
      { key: 'REDIS_SENTINELS', message: expect.stringMatching(/only read with REDIS_MODE=sentinel/) },
    ]);
    expect(read({ REDIS_MODE: 'cluster', REDIS_CLUSTER_NODES: 'a:99999,b c' }).problems).toEqual([
      { key: 'REDIS_CLUSTER_NODES', message: expect.stringMatching(/"a:99999" is not host:port/) },
      { key: 'REDIS_CLUSTER_NODES', message: expect.stringMatching(/"b c" is not host:port/) },
    ]);
  });

  it('vigil serve reads the same, as one ConfigError', () => {
    expect(() => readServeEnv({ REDIS_MODE: 'cluster', VIGIL_REDIS_PREFIX: 'vigil' })).toThrow(ConfigError);
    expect(readServeEnv({ REDIS_MODE: 'cluster' })).toMatchObject({
      redisPrefix: '{vigil}',
      redisTopology: { mode: 'cluster', nodes: [] },
    });
  });
});

describe('the hash tag of a prefix', () => {
  it('is what Redis Cluster would hash every key by', () => {
    expect(prefixHashTag('{vigil}')).toBe('vigil');
    expect(prefixHashTag('team-a:{vigil}')).toBe('vigil');
    expect(prefixHashTag('{a}{b}')).toBe('a');
    // No tag, an empty one, or one left open for the rest of the key to close.
    for (const prefix of ['vigil', '{}vigil', 'vig{il', 'vig}il']) {
      expect(prefixHashTag(prefix), prefix).toBeUndefined();
      expect(clusterPrefixProblem(prefix), prefix).toMatch(/has no hash tag/);
    }
    expect(clusterPrefixProblem('vig{il')).toMatch(/use "\{vigil\}"/);
  });
});

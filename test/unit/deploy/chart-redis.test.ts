import { describe, expect, it } from 'vitest';
import { readRedisEnv } from '../../../src/config/redis-env.js';
import type { ConfigProblem } from '../../../src/domain/config-error.js';
import { setPerRedisMode } from './app-env.js';
import { envOf, only, renderChart, renderError, type EnvVar, type K8sObject } from './render-chart.js';

/* redis.mode, rendered by a real helm: what each mode sets, and that vigil accepts it. */

const agentOn = { agent: { enabled: true } };
const agentEnvOf = (objects: readonly K8sObject[]) => {
  const spec = only(objects, 'DaemonSet')['spec'] as {
    template: { spec: { containers: { name: string; env: EnvVar[] }[] } };
  };
  const agent = spec.template.spec.containers.find((c) => c.name === 'agent');
  return new Map((agent?.env ?? []).map((e) => [e.name, e]));
};
const redisVars = (env: Map<string, EnvVar>) =>
  Object.fromEntries([...env].filter(([name]) => /REDIS/.test(name)).map(([name, e]) => [name, e]));

/** What vigil makes of the rendered variables (a Secret's value stands in for a secretKeyRef). */
function readByVigil(env: Map<string, EnvVar>) {
  const plain = Object.fromEntries(
    [...env].map(([name, e]) => [name, e.value ?? `secret-from-${e.valueFrom?.secretKeyRef?.name ?? ''}`]),
  );
  const problems: ConfigProblem[] = [];
  return { ...readRedisEnv(plain, problems), problems };
}

describe('redis.mode', () => {
  it('standalone by default, with the prefix installs always had', () => {
    const env = envOf(renderChart({}));
    expect(env.get('REDIS_MODE')?.value).toBe('standalone');
    expect(env.get('VIGIL_REDIS_PREFIX')?.value).toBe('vigil');
    for (const name of Object.keys(setPerRedisMode)) expect(env.has(name), name).toBe(false);
    expect(readByVigil(env)).toMatchObject({ problems: [], redisPrefix: 'vigil' });
  });

  it('cluster: {vigil} by default, the extra seeds, the same for the agent, and vigil accepts it', () => {
    const objects = renderChart({
      ...agentOn,
      redis: { mode: 'cluster', cluster: { nodes: ['b:6379', 'c:6379'] } },
    });
    const env = envOf(objects);
    expect(redisVars(env)).toMatchObject({
      VIGIL_REDIS_PREFIX: { value: '{vigil}' },
      REDIS_MODE: { value: 'cluster' },
      REDIS_CLUSTER_NODES: { value: 'b:6379,c:6379' },
    });
    expect(redisVars(agentEnvOf(objects))).toEqual(redisVars(env));
    expect(readByVigil(env)).toMatchObject({
      problems: [],
      redisPrefix: '{vigil}',
      redisTopology: { mode: 'cluster', nodes: [{ host: 'b' }, { host: 'c' }] },
    });
    expect(
      envOf(renderChart({ redis: { mode: 'cluster', prefix: 'team-a:{vigil}' } })).get('VIGIL_REDIS_PREFIX'),
    ).toMatchObject({ value: 'team-a:{vigil}' });
  });

  it('cluster: refuses a prefix without a hash tag, naming the one to use', () => {
    expect(renderError({ redis: { mode: 'cluster', prefix: 'team-a' } })).toMatch(
      /redis\.prefix: "team-a" has no hash tag.*use "\{team-a\}"/,
    );
  });

  it('sentinel: the Sentinels, the master and its password from a Secret; vigil accepts it', () => {
    const objects = renderChart({
      ...agentOn,
      redis: {
        mode: 'sentinel',
        sentinel: {
          sentinels: ['s-0:26379', 's-1:26379'],
          masterName: 'mymaster',
          existingSecret: 'sentinel-auth',
        },
      },
    });
    const env = envOf(objects);
    expect(redisVars(env)).toMatchObject({
      VIGIL_REDIS_PREFIX: { value: 'vigil' },
      REDIS_MODE: { value: 'sentinel' },
      REDIS_SENTINELS: { value: 's-0:26379,s-1:26379' },
      REDIS_SENTINEL_MASTER: { value: 'mymaster' },
      REDIS_SENTINEL_PASSWORD: {
        valueFrom: { secretKeyRef: { name: 'sentinel-auth', key: 'REDIS_SENTINEL_PASSWORD' } },
      },
    });
    expect(env.has('REDIS_CLUSTER_NODES')).toBe(false);
    expect(redisVars(agentEnvOf(objects))).toEqual(redisVars(env));
    expect(readByVigil(env)).toMatchObject({
      problems: [],
      redisTopology: {
        mode: 'sentinel',
        masterName: 'mymaster',
        sentinelPassword: 'secret-from-sentinel-auth',
      },
    });
  });

  it('sentinel: refuses an install without Sentinels or master name; the schema refuses bad values', () => {
    expect(renderError({ redis: { mode: 'sentinel', sentinel: { masterName: 'mymaster' } } })).toMatch(
      /redis\.sentinel\.sentinels: the Sentinels .* are required/,
    );
    expect(renderError({ redis: { mode: 'sentinel', sentinel: { sentinels: ['s-0'] } } })).toMatch(
      /redis\.sentinel\.masterName/,
    );
    expect(renderError({ redis: { mode: 'clustered' } })).toMatch(/at '\/redis\/mode'/);
    expect(renderError({ redis: { mode: 'cluster', cluster: { nodes: ['b 6379'] } } })).toMatch(
      /at '\/redis\/cluster\/nodes\/0'/,
    );
  });
});

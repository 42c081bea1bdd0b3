import { describe, expect, it } from 'vitest';
import { readAgentEnv } from '../../../src/agent/agent-env.js';
import { intervalMinutes, nextRun } from '../../../src/agent/agent-schedule.js';
import { reportTtlMs } from '../../../src/agent/run-agent.js';
import { ConfigError } from '../../../src/domain/config-error.js';
import { DAY_MS } from '../../../src/time/time-units.js';

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    readAgentEnv(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.key}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('readAgentEnv', () => {
  it('defaults to /host, the check’s schedule, every layout and the serve defaults for Redis', () => {
    expect(readAgentEnv({ NODE_NAME: 'cp-1.example.internal', VIGIL_CLUSTER: 'prod' })).toEqual({
      hostRoot: '/host',
      node: 'cp-1.example.internal',
      cluster: 'prod',
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: 'vigil',
      redisTopology: { mode: 'standalone' },
      schedule: '0 * * * *',
      settings: { layouts: ['kubeadm', 'k3s', 'rke2', 'kubelet'], extraPaths: [] },
    });
  });

  it('reads the hostCertificates section as JSON, the schedule and the Redis settings', () => {
    const env = readAgentEnv({
      NODE_NAME: 'cp-1',
      VIGIL_CLUSTER: 'prod',
      VIGIL_HOST_ROOT: '/mnt/node',
      VIGIL_AGENT_SCHEDULE: '*/30 * * * *',
      VIGIL_HOST_CERTIFICATES: '{"layouts":["kubeadm"],"extraPaths":["/etc/ssl/my.crt"]}',
      REDIS_URL: 'rediss://redis.vigil:6380',
      VIGIL_REDIS_PREFIX: 'team-a:vigil',
    });
    expect(env).toMatchObject({
      hostRoot: '/mnt/node',
      schedule: '*/30 * * * *',
      settings: { layouts: ['kubeadm'], extraPaths: ['/etc/ssl/my.crt'] },
      redisUrl: 'rediss://redis.vigil:6380',
      redisPrefix: 'team-a:vigil',
    });
  });

  it('reads the Redis deployment as vigil serve does, Cluster hash tag included', () => {
    const base = {
      NODE_NAME: 'n',
      VIGIL_CLUSTER: 'prod',
      REDIS_MODE: 'cluster',
      REDIS_URL: 'rediss://c:6379',
    };
    expect(readAgentEnv(base)).toMatchObject({ redisPrefix: '{vigil}', redisTopology: { mode: 'cluster' } });
    expect(problems({ ...base, VIGIL_REDIS_PREFIX: 'vigil' })).toEqual([
      expect.stringMatching(/^VIGIL_REDIS_PREFIX: with REDIS_MODE=cluster, "vigil" has no hash tag/),
    ]);
  });

  it('lists every problem at once', () => {
    expect(
      problems({
        NODE_NAME: 'CP_1',
        VIGIL_AGENT_SCHEDULE: '61 * * * *',
        VIGIL_HOST_CERTIFICATES: '{"layouts":["openshift"],"extraPaths":["etc/x.crt"],"typo":1}',
        REDIS_URL: 'http://redis',
      }),
    ).toEqual([
      'NODE_NAME: must be a node name (a lower-case DNS name such as "cp-1")',
      "VIGIL_CLUSTER: is required: the cluster's name in vigil serve's config (clusters[].name), e.g. prod",
      expect.stringMatching(
        /^VIGIL_AGENT_SCHEDULE: invalid cron pattern "61 \* \* \* \*": .*; e\.g\. "0 \* \* \* \*" \(every hour\)$/,
      ),
      'VIGIL_HOST_CERTIFICATES.layouts.0: Invalid option: expected one of "kubeadm"|"k3s"|"rke2"|"kubelet"',
      'VIGIL_HOST_CERTIFICATES.extraPaths.0: must be an absolute path on the node, e.g. /etc/ssl/certs/my.crt or /opt/*/tls/*.crt',
      'VIGIL_HOST_CERTIFICATES: unknown key(s) typo',
      'REDIS_URL: must start with redis:// or rediss://, e.g. redis://redis:6379',
    ]);
    expect(problems({ NODE_NAME: 'n', VIGIL_CLUSTER: 'prod', VIGIL_HOST_CERTIFICATES: '{' })).toEqual([
      'VIGIL_HOST_CERTIFICATES: is not JSON; e.g. {"layouts":["kubeadm","kubelet"],"extraPaths":["/etc/ssl/my.crt"]}',
    ]);
  });
});

describe('the agent schedule', () => {
  const from = new Date('2026-03-10T12:34:56Z');

  it('runs at the next tick in UTC and reports its longest gap as its interval', () => {
    expect(nextRun('0 * * * *', from).toISOString()).toBe('2026-03-10T13:00:00.000Z');
    expect(intervalMinutes('0 * * * *', from)).toBe(60);
    expect(intervalMinutes('0 9,17 * * *', from)).toBe(16 * 60);
    expect(intervalMinutes('0 9 * * 1-5', from)).toBe(3 * 24 * 60);
  });

  it('keeps a report a week, or four intervals of a slower schedule', () => {
    expect(reportTtlMs(60)).toBe(7 * DAY_MS);
    expect(reportTtlMs(4 * 24 * 60)).toBe(16 * DAY_MS);
  });
});

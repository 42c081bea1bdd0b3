import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FakeSlackWebApi, postToSlackEvents } from '../fakes/slack/index.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import {
  runVigilServeToExit,
  startVigilServeProcess,
  type VigilServeProcess,
} from '../support/vigil-serve-process.js';

/**
 * `vigil serve` as a pod runs it (a child process, bin/vigil.js where the exit path matters), watched
 * from outside: it must exit non-zero with vigil's own message when it cannot start, stop in bounded
 * time when asked to, and stay up whatever one request sends it. A pod that neither serves nor exits
 * is never restarted by Kubernetes and looks alive.
 */
const SIGNING_SECRET = 'lifecycle-signing-secret';

describe('vigil serve start-up and shutdown (child process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-lifecycle-'));
  const config = join(dir, 'vigil.yaml');
  let redis: RedisServer;
  let slack: FakeSlackWebApi;
  let env: Record<string, string>;

  beforeAll(async () => {
    [redis, slack] = await Promise.all([startRedisServer(), FakeSlackWebApi.start()]);
    // A cluster nobody reaches: no check runs (no run at start, a schedule a year away).
    writeFileSync(
      join(dir, 'kubeconfig'),
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
        users: [{ name: 'u', user: { token: 'x' } }],
        contexts: [{ name: 'prod', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'prod',
      }),
    );
    writeFileSync(
      config,
      stringify({
        clusters: [{ name: 'prod', kubeconfig: join(dir, 'kubeconfig') }],
        schedules: {
          checks: { certificates: '0 0 1 1 *', statefulsets: false, registries: false },
          runOnStart: false,
        },
        alerts: { routes: [{ match: {}, slack: ['C0ALERTS'] }] },
      }),
    );
    env = {
      REDIS_URL: redis.url,
      VIGIL_REDIS_PREFIX: 'lifecycle',
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
    };
  }, 30_000);

  afterAll(async () => {
    await Promise.allSettled([slack?.close(), redis?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const vigilLines = (stderr: string[]) => stderr.filter((l) => l.startsWith('vigil: '));

  it('Redis down at start-up: exits 3 saying it cannot reach Redis, not 13 with an unsettled await', async () => {
    const gone = await startRedisServer();
    const url = gone.url;
    await gone.stop();
    const run = await runVigilServeToExit(config, { ...env, REDIS_URL: url }, 40_000);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(3);
    expect(vigilLines(run.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(`^vigil: cannot reach Redis at 127\\.0\\.0\\.1:${new URL(url).port} \\(.*ECONNREFUSED`),
      ),
    ]);
    expect(run.stderr.join('\n')).not.toMatch(/unsettled top-level await/);
  }, 60_000);

  it('a failed start-up check (the chat credentials) closes everything and exits 3', async () => {
    slack.failWith('invalid_auth', { method: 'auth.test' });
    try {
      const run = await runVigilServeToExit(config, env, 40_000);
      // Killed at the timeout means it kept running with its Redis connections open.
      expect(run.signal).toBeNull();
      expect(run.code).toBe(3);
      expect(vigilLines(run.stderr).join('\n')).toMatch(/SLACK_BOT_TOKEN|token/i);
    } finally {
      slack.clearFaults();
    }
  }, 60_000);

  describe('running', () => {
    let vigil: VigilServeProcess | undefined;

    beforeAll(async () => {
      vigil = await startVigilServeProcess(config, env);
    }, 40_000);
    afterAll(async () => {
      await vigil?.stop();
    });

    it('one signed hostile Slack request is answered 400 and the process stays up', async () => {
      for (const [contentType, body] of [
        ['application/x-www-form-urlencoded', 'payload=null'],
        ['application/json', 'null'],
      ] as const) {
        const res = await postToSlackEvents(`${vigil!.base}/slack/events`, body, SIGNING_SECRET, {
          headers: { 'content-type': contentType },
        });
        expect(res.status).toBe(400);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(vigil!.exit()).toBeUndefined();
      expect((await fetch(`${vigil!.base}/healthz`)).status).toBe(200);
      expect(vigil!.logs.filter((l) => Number(l['level']) >= 60)).toEqual([]);
    });

    it('SIGTERM with Redis gone: the shutdown is bounded and the process exits', async () => {
      await redis.kill();
      try {
        const started = Date.now();
        const exit = await vigil!.terminate(15_000);
        expect(exit, 'still running 15 s after SIGTERM').toBeDefined();
        expect(exit?.signal).toBeNull();
        expect(exit?.code).toBe(0);
        expect(Date.now() - started).toBeLessThan(12_000);
      } finally {
        await redis.start();
      }
    }, 30_000);
  });
});

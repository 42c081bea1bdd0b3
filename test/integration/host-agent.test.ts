import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCommand } from '../../handlers/handle-command.js';
import { allChecks } from '../../src/checks/index.js';
import type { VigilConfig } from '../../src/config/config-schema.js';
import { startDemoClusters, type DemoClusters } from '../../src/demo/start-demo-clusters.js';
import type { Finding } from '../../src/domain/finding.js';
import { loadClusterConnection } from '../../src/kube/load-cluster-connection.js';
import { probeTls } from '../../src/probe/tls-probe.js';
import { nodeReportKeys } from '../../src/redis/redis-keys.js';
import { RedisNodeReports } from '../../src/redis/redis-node-reports.js';
import { createRedisStores } from '../../src/redis/redis-stores.js';
import { daysFrom } from '../../src/simulator/cert-factory.js';
import { HOUR_MS } from '../../src/time/time-units.js';
import { startJobs, type Jobs } from '../../jobs/start-jobs.js';
import { HostTree, writeKubeadmTree, writeKubeletTree } from '../support/host-tree.js';
import {
  queueClients,
  recordingLog,
  uniquePrefix,
  waitFor,
  type QueueClients,
} from '../support/queue-harness.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { makeDeps, slackCommand, textOf } from '../unit/handlers/handler-fixtures.js';
import { perPlatform } from '../../src/chat/platforms.js';

/*
 * `vigil agent --once` (the real CLI, in a child process) on two nodes' trees writes their reports
 * into a real redis-server; `vigil serve`'s run-check job (real BullMQ worker) then runs the
 * host-certificates check from the registry, reading the reports through RedisNodeReports: findings
 * per node, alerts, the snapshot `/k8s certs` answers from, staleness, and no key in Redis.
 */

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const tsxLoader = import.meta.resolve('tsx');
// The marker of test/unit/host-certificates/key-safety.test.ts, inside every private key written below.
const marker = 'KEY-MARKER-7f3a9c1e-never-print-me';

async function agentOnce(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number; stderr: string }> {
  try {
    const r = await run(
      process.execPath,
      ['--import', tsxLoader, join(root, 'src/main.ts'), 'agent', '--once', ...args],
      // Nothing of this process's environment (a REDIS_URL of the developer's) leaks in.
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
    );
    return { code: 0, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

/** Every value under the prefix, decompressed where the store gzips (snapshots), as one string. */
async function everyValue(clients: QueueClients): Promise<{ keys: string[]; text: string }> {
  const keys: string[] = [];
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await clients.store.scan(cursor, 'MATCH', `${clients.prefix}:*`, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const text = (b: Buffer) => (b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b).toString('latin1');
  for (const key of keys) {
    const type = await clients.store.type(key);
    if (type === 'string') parts.push(text((await clients.store.getBuffer(key)) ?? Buffer.alloc(0)));
    else if (type === 'hash') {
      const all = await clients.store.hgetallBuffer(key);
      for (const [field, value] of Object.entries(all)) parts.push(field, text(value));
    } else if (type === 'zset') parts.push(...(await clients.store.zrange(key, '0', '-1')));
    else if (type === 'set') parts.push(...(await clients.store.smembers(key)));
    else if (type === 'list') parts.push(...(await clients.store.lrange(key, '0', '-1')));
    else if (type === 'stream') parts.push(JSON.stringify(await clients.store.xrange(key, '-', '+')));
    parts.push(key);
  }
  return { keys, text: parts.join('\n') };
}

describe('vigil agent → Redis → host-certificates check in vigil serve', () => {
  let redis: RedisServer;
  let demo: DemoClusters;
  let clients: QueueClients;
  let scheduling: Jobs;
  let stores: ReturnType<typeof createRedisStores>;
  let config: Readonly<VigilConfig>;
  let cp: HostTree;
  let worker: HostTree;
  let clock: Date;
  const now = () => clock;

  beforeAll(async () => {
    const start = new Date(Math.floor(Date.now() / 1000) * 1000);
    clock = start;
    [redis, demo, cp, worker] = await Promise.all([
      startRedisServer(),
      startDemoClusters(start),
      HostTree.create(),
      HostTree.create(),
    ]);
    // A control-plane node whose apiserver-etcd-client expires in 9 days, and a worker with the kubelet only.
    const issued = await writeKubeadmTree(cp, {
      now: start,
      leafNotAfter: daysFrom(start, 300.5),
      caNotAfter: daysFrom(start, 3000.5),
      notAfter: { 'apiserver-etcd-client': daysFrom(start, 9.5) },
      keyMarker: marker,
    });
    await writeKubeletTree(cp, {
      now: start,
      ca: issued.ca!,
      notBefore: daysFrom(start, -30),
      notAfter: daysFrom(start, 335),
      keyMarker: marker,
    });
    await writeKubeletTree(worker, {
      now: start,
      ca: issued.ca!,
      notBefore: daysFrom(start, -30),
      notAfter: daysFrom(start, 335),
      keyMarker: marker,
      node: 'w-1',
    });
    config = {
      ...demo.config,
      alerts: {
        ...demo.config.alerts,
        defaultRoute: { ...perPlatform((): string[] => []), slack: ['C0PROD'] },
      },
    };
    clients = queueClients(redis, uniquePrefix('agent'));
    stores = createRedisStores(clients.storeConnection, config.alerts);
    scheduling = await startJobs({
      config,
      redis: { bullmq: clients.bullmq, store: clients.store },
      prefix: clients.prefix,
      checks: {
        connect: (c) => loadClusterConnection({ ...c, requestTimeoutMs: c.requestTimeoutSeconds * 1000 }),
        probeTls,
        now,
        checks: allChecks,
        nodeReports: new RedisNodeReports(clients.store, clients.prefix, now),
      },
      alerts: stores.alerts,
      snapshots: stores.snapshots,
      platforms: new Map(),
      log: recordingLog(),
      now,
      run: { schedulers: false, startupRuns: false, notifyWorker: false, watchdog: false },
    });
  }, 60_000);
  afterAll(async () => {
    await scheduling?.stop();
    await clients?.close();
    await Promise.all([redis?.stop(), demo?.stop(), cp?.dispose(), worker?.dispose()]);
  });

  const agentEnv = (tree: HostTree, node: string, cluster = 'prod') => ({
    VIGIL_HOST_ROOT: tree.root,
    NODE_NAME: node,
    VIGIL_CLUSTER: cluster,
    REDIS_URL: redis.url,
    VIGIL_REDIS_PREFIX: clients.prefix,
  });

  async function runHostCheck(cluster: string): Promise<Finding[]> {
    const id = await scheduling.runNow(cluster, 'host-certificates');
    expect(await scheduling.waitForRun(id, 30_000)).toMatchObject({ state: 'completed' });
    const snapshot = await stores.snapshots.get(cluster, 'host-certificates');
    return snapshot?.findings ?? [];
  }

  it('stores each node report as plain JSON under the prefix, with a TTL', async () => {
    // cp-1 also globs its whole pki directory, keys included (they are skipped, never opened).
    const [a, b] = await Promise.all([
      agentOnce({
        ...agentEnv(cp, 'cp-1'),
        VIGIL_HOST_CERTIFICATES: '{"extraPaths":["/etc/kubernetes/pki/*"]}',
      }),
      // w-1 names its root on the command line instead.
      agentOnce({ ...agentEnv(worker, 'w-1'), VIGIL_HOST_ROOT: '/nonexistent' }, [
        '--host-root',
        worker.root,
      ]),
    ]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    const keys = nodeReportKeys(clients.prefix);
    const stored = JSON.parse(
      (await clients.store.get(keys.report('prod', 'host-certificates', 'cp-1'))) ?? '',
    );
    expect(stored).toMatchObject({ node: 'cp-1', intervalMinutes: 60, body: { node: 'cp-1' } });
    expect(stored.body.notes).toContainEqual({
      layout: 'extra',
      path: '/etc/kubernetes/pki/apiserver-etcd-client.key',
      message: 'a private key file: not read',
    });
    expect(Date.parse(stored.observedAt)).toBeGreaterThan(clock.getTime() - 60_000);
    const ttl = await clients.store.pttl(keys.report('prod', 'host-certificates', 'cp-1'));
    expect(ttl).toBeGreaterThan(6.9 * 24 * HOUR_MS);
    expect((await clients.store.zrange(keys.nodes('prod', 'host-certificates'), '0', '-1')).sort()).toEqual([
      'cp-1',
      'w-1',
    ]);
  });

  it('judges every node in the central run: findings, alerts and the certs listing', async () => {
    const findings = await runHostCheck('prod');
    const etcdClient = findings.find(
      (f) => f.object === 'node cp-1 /etc/kubernetes/pki/apiserver-etcd-client.crt',
    );
    expect(etcdClient).toMatchObject({
      cluster: 'prod',
      check: 'host-certificates',
      severity: 'critical',
      source: 'host-kubeadm',
      certificate: { subject: 'CN=kube-apiserver-etcd-client', daysLeft: 9 },
    });
    expect(etcdClient?.nextStep).toContain('kubeadm certs renew apiserver-etcd-client');
    expect(
      findings.find((f) => f.object === 'node w-1 /var/lib/kubelet/pki/kubelet-client-current.pem'),
    ).toMatchObject({ severity: 'ok', source: 'host-kubelet' });
    // Nothing stale, nothing empty: no finding about the reports themselves.
    expect(findings.filter((f) => f.source === 'host-report')).toEqual([]);

    const open = await stores.alerts.alertsFor('prod', 'host-certificates');
    expect(open.map((a) => [a.finding.object, a.severity, a.state])).toEqual([
      ['node cp-1 /etc/kubernetes/pki/apiserver-etcd-client.crt', 'critical', 'firing'],
    ]);

    // The control-plane node covers everything the API cannot show: nothing is left unobserved.
    const snapshot = await stores.snapshots.get('prod', 'host-certificates');
    expect(snapshot?.unobserved).toEqual([]);

    // `/k8s certs prod` lists it beside the cluster's other certificates.
    const t = makeDeps({ config, now: clock });
    const reply = await handleCommand(slackCommand('certs prod'), { ...t.deps, snapshots: stores.snapshots });
    expect(textOf(reply)).toMatch(
      /critical · 9 days left \(\d{4}-\d\d-\d\d\) · node cp-1 \/etc\/kubernetes\/pki\/apiserver-etcd-client\.crt · CN=kube-apiserver-etcd-client/,
    );
  }, 60_000);

  it('is judged even where the API is unreachable: the reports come from Redis', async () => {
    expect((await agentOnce(agentEnv(worker, 'w-9', 'edge'))).code).toBe(0);
    const id = await scheduling.runNow('edge', 'host-certificates');
    expect(await scheduling.waitForRun(id, 30_000)).toMatchObject({ state: 'completed' });
    const snapshot = await stores.snapshots.get('edge', 'host-certificates');
    expect(snapshot?.reachable).toBe(true);
    expect(snapshot?.findings.some((f) => f.object === 'node w-9 /var/lib/kubelet/pki/kubelet.crt')).toBe(
      true,
    );
    // A worker holds none of the control-plane's client certificates, and the gaps say so by node;
    // what it does hold (the kubelet's) is no gap.
    expect(snapshot?.unobserved.map((u) => u.why)).toContain('not present on node w-9');
    expect(snapshot?.unobserved.map((u) => u.what).join('\n')).toContain('apiserver-etcd-client');
    expect(snapshot?.unobserved.map((u) => u.what).join('\n')).not.toContain('kubelet.conf');
  }, 60_000);

  it('reports a node that went silent as unknown, naming it and when it last reported', async () => {
    clock = new Date(clock.getTime() + 3 * HOUR_MS);
    const findings = await runHostCheck('prod');
    const stale = findings.filter((f) => f.source === 'host-report');
    expect(stale.map((f) => [f.object, f.severity])).toEqual([
      ['node cp-1 report', 'unknown'],
      ['node w-1 report', 'unknown'],
    ]);
    expect(stale[0]?.summary).toMatch(
      /^node cp-1 has not reported its host certificates since \d{4}-\d\d-\d\dT\d\d:\d\dZ \((?:2 h 59 min|3 h) ago; its agent reports every 1 hour\)$/,
    );
    // Its certificates are still judged from the last report, so their alert stays open.
    expect(findings.find((f) => f.object.endsWith('apiserver-etcd-client.crt'))?.severity).toBe('critical');
    // And what only those nodes showed is unobserved again, naming them.
    const snapshot = await stores.snapshots.get('prod', 'host-certificates');
    expect(snapshot?.unobserved[0]?.why).toMatch(/node cp-1 has not reported since/);
    clock = new Date(clock.getTime() - 3 * HOUR_MS);
  }, 60_000);

  it('never writes key material to Redis', async () => {
    const { keys, text } = await everyValue(clients);
    // Not vacuous: the reports, snapshots and alerts are there, certificates included.
    expect(keys.some((k) => k.includes(':node-reports:prod:host-certificates:cp-1'))).toBe(true);
    expect(keys.some((k) => k.includes(':snapshots:prod:host-certificates'))).toBe(true);
    expect(text).toContain('BEGIN CERTIFICATE');
    expect(text).toContain('/etc/kubernetes/pki/apiserver-etcd-client.crt');
    expect(text).not.toContain(marker);
    expect(text).not.toContain('PRIVATE KEY');
  });

  it('keeps reporting on its schedule until SIGTERM, then exits 0', async () => {
    const keys = nodeReportKeys(clients.prefix);
    const key = keys.report('loop', 'host-certificates', 'w-2');
    const child = spawn(process.execPath, ['--import', tsxLoader, join(root, 'src/main.ts'), 'agent'], {
      env: {
        PATH: process.env.PATH ?? '',
        ...agentEnv(worker, 'w-2', 'loop'),
        VIGIL_AGENT_SCHEDULE: '* * * * * *',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const observedAt = async () =>
      (JSON.parse((await clients.store.get(key)) ?? '{}') as { observedAt?: string }).observedAt;
    const first = await waitFor('the first report', observedAt, 30_000);
    const second = await waitFor(
      'a later report',
      async () => ((await observedAt()) ?? '') > first && (await observedAt()),
      10_000,
    );
    expect(JSON.parse((await clients.store.get(key)) ?? '{}')).toMatchObject({ intervalMinutes: 1 });
    expect(second > first).toBe(true);
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);
    expect(stderr).toContain('vigil agent stopping');
  }, 60_000);

  it('exits 3 and says why when the environment is incomplete or Redis is unreachable', async () => {
    const missing = await agentOnce({ VIGIL_HOST_ROOT: cp.root, REDIS_URL: redis.url });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('NODE_NAME: is required');
    expect(missing.stderr).toContain('VIGIL_CLUSTER: is required');
    const config = await agentOnce(agentEnv(cp, 'cp-1'), ['--config', 'vigil.yaml']);
    expect(config.code).toBe(3);
    expect(config.stderr).toContain('vigil agent reads no config file');
    const down = await agentOnce({ ...agentEnv(cp, 'cp-1'), REDIS_URL: 'redis://127.0.0.1:1' });
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('the report of node cp-1 was not stored');
  }, 60_000);
});

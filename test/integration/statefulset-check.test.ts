import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheckCommand } from '../../src/cli/check-command.js';
import { parseConfig } from '../../src/config/load-config.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { nodeObject, StatefulSetFixture } from '../../src/simulator/statefulset-fixture.js';
import { statefulSetScenarios } from '../fixtures/kube/statefulset-scenarios.js';
import { FakeKubeApiServer, type ForbidRule } from '../../src/simulator/kube-api-server/index.js';
import { checkJson, type JsonFinding } from '../support/check-json.js';

/**
 * The StatefulSet check end to end: `vigil check --only statefulsets` (JSON and table) through the
 * vigil's Kubernetes client (src/kube) over HTTPS against the fake API server, one scenario per namespace.
 */
const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const ca = issueCa('kubernetes', now);
const serving = issueLeaf('kube-apiserver', now, 200, { issuer: ca, sans: ['localhost', '127.0.0.1'] });
const TOKEN = 'vigil-token';
const USER = 'system:serviceaccount:vigil:vigil';
const dir = mkdtempSync(join(tmpdir(), 'vigil-sts-check-'));
const fakes: FakeKubeApiServer[] = [];
afterAll(async () => {
  await Promise.all(fakes.map((f) => f.stop()));
  rmSync(dir, { recursive: true, force: true });
});

type Json = Record<string, unknown>;

async function startCluster(
  objects: Json[],
  forbid: ForbidRule[] = [],
): Promise<{ fake: FakeKubeApiServer; kubeconfig: string }> {
  const fake = await FakeKubeApiServer.start({
    certPem: serving.chainPem,
    keyPem: serving.keyPem,
    tokens: { [TOKEN]: USER },
    maxPageSize: 4,
  });
  fakes.push(fake);
  fake.upsertMany(objects);
  for (const rule of forbid) fake.forbid(rule);
  const kubeconfig = join(dir, `kubeconfig-${fakes.length}`);
  writeFileSync(kubeconfig, fake.kubeconfig({ caPem: ca.certPem, token: TOKEN }));
  return { fake, kubeconfig };
}

function configFor(kubeconfig: string, statefulsets: Json = {}) {
  return parseConfig({ clusters: [{ name: 'prod', kubeconfig }], statefulsets }, 'test', dir);
}

function pick(findings: JsonFinding[], namespace: string): JsonFinding {
  const f = findings.find((x) => x.source === 'statefulset' && x.namespace === namespace);
  if (!f) throw new Error(`no statefulset finding in ${namespace}`);
  return f;
}

describe('vigil check --only statefulsets against a cluster with every stuck pattern', () => {
  let fake: FakeKubeApiServer;
  let kubeconfig: string;
  let findings: JsonFinding[];
  let exitCode: number;

  beforeAll(async () => {
    ({ fake, kubeconfig } = await startCluster(statefulSetScenarios(now)));
    const r = await checkJson(configFor(kubeconfig), now, ['statefulsets']);
    findings = r.json.findings;
    exitCode = r.exitCode;
  });

  it('makes one finding per StatefulSet, all through the paginated list, and exits 2 (critical)', () => {
    expect(findings.filter((f) => f.source === 'statefulset')).toHaveLength(16);
    expect(findings.every((f) => f.check === 'statefulsets')).toBe(true);
    expect(exitCode).toBe(2);
    const lists = fake.requests.filter((r) => r.path === '/apis/apps/v1/statefulsets');
    expect(lists.length).toBe(4); // 16 StatefulSets in pages of 4
  });

  it('the MongoDB incident: blocking ordinal, cause with its time, what waits, next step with its risk', () => {
    const f = pick(findings, 'mongo');
    expect(f.severity).toBe('critical');
    expect(f.summary).toBe('StatefulSet mongo/mongo stuck: 0/3 ready for 47 min (OrderedReady).');
    expect(f.evidence).toEqual([
      'Blocking: mongo-0 Running but NotReady for 47 min; readiness probe failing ("not PRIMARY or SECONDARY (exit code 1)", last 30 s ago, 94 times); node node-a Ready.',
      'Effect: mongo-1 and mongo-2 are missing and will not be created until mongo-0 is Ready.',
      'Quorum: no replica is ready.',
      'Revisions: current = update (not a rollout).',
    ]);
    expect(f.nextStep).toMatch(
      /Deleting mongo-0 restarts it and lets the controller continue \(if it is the primary or leader, expect a failover/,
    );
    expect(f.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('names each container-level cause read from pod status and events', () => {
    const crash = pick(findings, 'crash');
    expect(crash.severity).toBe('critical');
    expect(crash.evidence?.[0]).toMatch(
      /container postgres CrashLoopBackOff, 7 restarts, last exit code 137 \(OOMKilled\) 2 min ago/,
    );
    expect(crash.nextStep).toMatch(/OOMKilled: raise its memory limit/);
    const image = pick(findings, 'image');
    expect(image.severity).toBe('critical'); // 1 of 2 ready is not a majority
    expect(image.evidence?.[0]).toMatch(
      /^Blocking: api-1 Pending for 30 min; container app ImagePullBackOff: Failed to pull image "registry\.example\.com\/api:2": manifest unknown/,
    );
    expect(pick(findings, 'config').evidence?.[0]).toMatch(
      /CreateContainerConfigError: secret "queue-auth" not found/,
    );
  });

  it('names scheduling, claim and mount causes', () => {
    const sched = pick(findings, 'sched');
    expect(sched.evidence?.[0]).toMatch(
      /PersistentVolumeClaim data-es-0 Pending \(not bound, StorageClass fast-ssd\) for 30 min; ProvisioningFailed: storageclass\.storage\.k8s\.io "fast-ssd" not found \(last 1 min ago, 20 times\); not scheduled: pod has unbound immediate PersistentVolumeClaims/,
    );
    expect(sched.nextStep).toMatch(
      /`kubectl -n sched describe pvc data-es-0`.*Never delete the claim of an existing replica/,
    );
    expect(pick(findings, 'mount').evidence?.[0]).toMatch(
      /volume not mounted: MountVolume\.MountDevice failed for volume "pvc-9a"/,
    );
  });

  it('recognises a pod stuck Terminating on a lost node', () => {
    const f = pick(findings, 'lostnode');
    expect(f.summary).toMatch(/cass-1 stuck Terminating on lost node node-c\.$/);
    expect(f.evidence?.[0]).toMatch(
      /node node-c unreachable \(kubelet stopped reporting\) for 2 h 11 min\.$/,
    );
    expect(f.nextStep).toMatch(/--grace-period=0 --force/);
  });

  it('recognises a reverted revision whose pod was never replaced, with revision numbers from ControllerRevisions', () => {
    const f = pick(findings, 'revert');
    expect(f.summary).toMatch(/needs a forced rollback\.$/);
    expect(f.evidence?.join('\n')).toMatch(
      /web-2 runs web-7f9c \(revision 2\), which the template no longer uses \(reverted to web-6c5d \(revision 3\)\)/,
    );
    expect(f.statefulSet?.patterns).toContain('forced-rollback-needed');
  });

  it('recognises partition above replicas and a generation not observed', () => {
    expect(pick(findings, 'partition')).toMatchObject({ severity: 'warning' });
    expect(pick(findings, 'partition').summary).toMatch(/partition 5 is greater than replicas 3/);
    expect(pick(findings, 'gen').summary).toMatch(/has not observed generation 7 \(still at 6\) for 40 min/);
    expect(pick(findings, 'gen').severity).toBe('warning');
  });

  it('a missing pod whose creation fails, explained by the FailedCreate event', () => {
    const f = pick(findings, 'quota');
    expect(f.severity).toBe('critical');
    expect(f.summary).toBe('StatefulSet quota/rabbit stuck: 1/3 ready for 50 min (OrderedReady).');
    expect(f.evidence?.[0]).toMatch(
      /^Blocking: rabbit-1 is missing and not being created: FailedCreate ".*exceeded quota/,
    );
  });

  it('Parallel: an unready pod is reported without an OrderedReady effect', () => {
    const f = pick(findings, 'parallel');
    expect(f.severity).toBe('warning');
    expect(f.evidence?.[0]).toMatch(/^Unready: cockroach-1 Running but NotReady for 20 min/);
    expect(f.evidence?.some((e) => e.startsWith('Effect:'))).toBe(false);
  });

  it('does not alert on a healthy StatefulSet, one scaled to zero, a rollout in progress or one within the grace period', () => {
    for (const ns of ['healthy', 'zero', 'rollout', 'grace']) {
      expect(pick(findings, ns).severity, ns).toBe('ok');
      expect(pick(findings, ns).nextStep, ns).toBeUndefined();
    }
    expect(pick(findings, 'zero').summary).toBe('StatefulSet zero/search scaled to zero (replicas: 0).');
    expect(pick(findings, 'rollout').summary).toMatch(/rolling out to loki-new: 2\/3 updated/);
    expect(pick(findings, 'grace').summary).toMatch(
      /2\/3 ready for 5 min \(OrderedReady\); within the 15 min grace period\.$/,
    );
  });

  it('costs one pod list for a healthy StatefulSet: events and nodes only for pods that need explaining', () => {
    const touched = (ns: string) =>
      fake.requests.filter((r) => r.path.startsWith(`/api/v1/namespaces/${ns}/`)).map((r) => r.path);
    expect(touched('healthy')).toEqual(['/api/v1/namespaces/healthy/pods']);
    expect(touched('mongo')).toContain('/api/v1/namespaces/mongo/events');
    // Nodes are read once per run, however many pods sit on them.
    const nodeReads = fake.requests.filter((r) => r.path === '/api/v1/nodes/node-a');
    expect(nodeReads.length).toBe(1);
  });

  it('applies the grace period from the config', async () => {
    const { json, exitCode: code } = await checkJson(
      configFor(kubeconfig, { gracePeriodMinutes: 3, namespaces: { include: ['grace'] } }),
      now,
      ['statefulsets'],
    );
    expect(json.findings.map((f) => [f.namespace, f.severity])).toEqual([['grace', 'warning']]);
    expect(code).toBe(1);
  });

  it('include lists only those namespaces, one list call each, and exits 0 when all is well', async () => {
    const before = fake.requests.length;
    const { json, exitCode: code } = await checkJson(
      configFor(kubeconfig, { namespaces: { include: ['healthy', 'zero'] } }),
      now,
      ['statefulsets'],
    );
    expect(json.findings.map((f) => f.namespace).sort()).toEqual(['healthy', 'zero']);
    expect(code).toBe(0);
    const lists = fake.requests
      .slice(before)
      .filter((r) => r.path.endsWith('/statefulsets'))
      .map((r) => r.path);
    expect(lists.sort()).toEqual([
      '/apis/apps/v1/namespaces/healthy/statefulsets',
      '/apis/apps/v1/namespaces/zero/statefulsets',
    ]);
    expect(json.clusters[0]?.unobserved.map((u) => u.what)).toContain(
      'StatefulSets outside namespaces healthy, zero',
    );
  });

  it('exclude leaves namespaces out with a server-side field selector', async () => {
    const before = fake.requests.length;
    const { json } = await checkJson(
      configFor(kubeconfig, { namespaces: { exclude: ['mongo', 'crash'] } }),
      now,
      ['statefulsets'],
    );
    const namespaces = json.findings.map((f) => f.namespace);
    expect(namespaces).not.toContain('mongo');
    expect(namespaces).not.toContain('crash');
    expect(namespaces).toContain('healthy');
    const list = fake.requests.slice(before).find((r) => r.path === '/apis/apps/v1/statefulsets');
    expect(list?.query['fieldSelector']).toBe('metadata.namespace!=mongo,metadata.namespace!=crash');
  });

  it('prints the table with the summary, the evidence and the next step', async () => {
    const r = await runCheckCommand(
      configFor(kubeconfig, { namespaces: { include: ['mongo', 'healthy'] } }),
      { clusters: [], only: ['statefulsets'], output: 'table', problemsOnly: false, color: false },
      () => now,
    );
    expect(r.exitCode).toBe(2);
    expect(r.text).toMatch(
      /CRITICAL\s+statefulset mongo\/mongo\s+StatefulSet mongo\/mongo stuck: 0\/3 ready for 47 min \(OrderedReady\)\./,
    );
    expect(r.text).toMatch(/· Blocking: mongo-0 Running but NotReady for 47 min/);
    expect(r.text).toMatch(/next: Check why the readiness probe fails/);
    expect(r.text).toMatch(
      /OK\s+statefulset healthy\/kafka\s+StatefulSet healthy\/kafka: 3\/3 ready \(OrderedReady\)\./,
    );
  });
});

describe('reads vigil is not allowed to make', () => {
  const smallWorld = (): Json[] => {
    const mongo = new StatefulSetFixture({ namespace: 'db', name: 'mongo', replicas: 3, now });
    const m0 = mongo.pod({ ordinal: 0, ready: false, readyChangedMinutesAgo: 47 });
    const ok = new StatefulSetFixture({ namespace: 'web', name: 'cache', replicas: 2, now });
    const okPods = [ok.pod({ ordinal: 0 }), ok.pod({ ordinal: 1 })];
    return [
      nodeObject('node-a', now),
      mongo.statefulSet([m0]),
      m0,
      mongo.event(m0, { reason: 'Unhealthy', message: 'Readiness probe failed: x' }),
      ok.statefulSet(okPods),
      ...okPods,
    ];
  };

  it('a forbidden list of events: an unknown finding naming the RBAC rule; the rest still diagnosed', async () => {
    const { kubeconfig } = await startCluster(smallWorld(), [
      { verb: 'list', group: '', resource: 'events' },
    ]);
    const { json, exitCode } = await checkJson(configFor(kubeconfig), now, ['statefulsets']);
    const access = json.findings.filter((f) => f.source === 'access');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      severity: 'unknown',
      object: 'list events in namespace db',
      namespace: 'db',
    });
    expect(access[0]?.summary).toContain('{apiGroups: [""], resources: ["events"], verbs: ["list"]}');
    expect(access[0]?.nextStep).toMatch(/^Add the rule above to vigil's ClusterRole/);
    const mongo = pick(json.findings, 'db');
    expect(mongo.severity).toBe('critical');
    expect(mongo.evidence?.[0]).toMatch(/container app not ready \(events not readable\)/);
    expect(mongo.evidence?.at(-1)).toBe(
      'Not readable: events in namespace db (see the access findings); this diagnosis may be incomplete.',
    );
    expect(exitCode).toBe(2); // critical outranks unknown
    expect(json.clusters[0]?.unobserved.map((u) => u.what)).toContain(
      'events in namespace db (StatefulSet check)',
    );
  });

  it('a forbidden list of pods: unknown where the status shows trouble, ok where it does not, exit 3', async () => {
    const { kubeconfig } = await startCluster(smallWorld(), [{ verb: 'list', group: '', resource: 'pods' }]);
    const { json, exitCode } = await checkJson(configFor(kubeconfig), now, ['statefulsets']);
    const access = json.findings
      .filter((f) => f.source === 'access')
      .map((f) => f.object)
      .sort();
    expect(access).toEqual(['list pods in namespace db', 'list pods in namespace web']);
    expect(json.findings.find((f) => f.source === 'access')?.summary).toContain(
      '{apiGroups: [""], resources: ["pods"], verbs: ["list"]}',
    );
    expect(pick(json.findings, 'db')).toMatchObject({ severity: 'unknown' });
    expect(pick(json.findings, 'db').summary).toMatch(/cannot tell why or since when \(pods not readable\)/);
    expect(pick(json.findings, 'web').severity).toBe('ok');
    expect(exitCode).toBe(3);
  });

  it('a forbidden list of StatefulSets: one unknown finding, not a crash', async () => {
    const { kubeconfig } = await startCluster(smallWorld(), [
      { verb: 'list', group: 'apps', resource: 'statefulsets' },
    ]);
    const { json, exitCode } = await checkJson(configFor(kubeconfig), now, ['statefulsets']);
    expect(json.findings).toHaveLength(1);
    expect(json.findings[0]).toMatchObject({
      source: 'access',
      severity: 'unknown',
      object: 'list statefulsets',
    });
    expect(json.findings[0]?.summary).toContain(
      '{apiGroups: ["apps"], resources: ["statefulsets"], verbs: ["list"]}',
    );
    expect(exitCode).toBe(3);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatefulSetInfo } from '../../src/checks/statefulsets/statefulset-reader.js';
import { KubeAccessError } from '../../src/kube/kube-access-error.js';
import { KubeStatefulSetReader } from '../../src/kube/kube-statefulset-reader.js';
import { loadClusterConnection, type ClusterConnection } from '../../src/kube/load-cluster-connection.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { minutesAgo, nodeObject, StatefulSetFixture } from '../../src/simulator/statefulset-fixture.js';
import { FakeKubeApiServer } from '../../src/simulator/kube-api-server/index.js';

/** KubeStatefulSetReader through vigil's Kubernetes client over HTTPS against the fake API server. */
const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const ca = issueCa('kubernetes', now);
const serving = issueLeaf('kube-apiserver', now, 200, { issuer: ca, sans: ['localhost', '127.0.0.1'] });
const TOKEN = 'vigil-token';
const USER = 'system:serviceaccount:vigil:vigil';
const dir = mkdtempSync(join(tmpdir(), 'vigil-sts-reader-'));
const fakes: FakeKubeApiServer[] = [];
afterAll(async () => {
  await Promise.all(fakes.map((f) => f.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function startFake(
  maxPageSize?: number,
): Promise<{ fake: FakeKubeApiServer; conn: ClusterConnection }> {
  const fake = await FakeKubeApiServer.start({
    certPem: serving.chainPem,
    keyPem: serving.keyPem,
    tokens: { [TOKEN]: USER },
    ...(maxPageSize ? { maxPageSize } : {}),
  });
  fakes.push(fake);
  const path = join(dir, `kubeconfig-${fakes.length}`);
  writeFileSync(path, fake.kubeconfig({ caPem: ca.certPem, token: TOKEN }));
  return { fake, conn: loadClusterConnection({ name: 'prod', kubeconfig: path, requestTimeoutMs: 3000 }) };
}

async function all(pages: AsyncIterable<StatefulSetInfo[]>): Promise<StatefulSetInfo[][]> {
  const out: StatefulSetInfo[][] = [];
  for await (const p of pages) out.push(p);
  return out;
}

describe('KubeStatefulSetReader', () => {
  let fake: FakeKubeApiServer;
  let conn: ClusterConnection;
  const mongo = new StatefulSetFixture({
    namespace: 'db',
    name: 'mongo',
    replicas: 3,
    now,
    partition: 1,
    minReadySeconds: 10,
    generation: 5,
    observedGeneration: 4,
    updateRevision: 'mongo-new',
    specWrittenMinutesAgo: 12,
    statusWrittenMinutesAgo: 7,
  });
  const mongo0 = mongo.pod({
    ordinal: 0,
    ready: false,
    readyChangedMinutesAgo: 47,
    containers: [
      { name: 'init-config', init: true, terminated: { exitCode: 0, reason: 'Completed' } },
      {
        name: 'mongod',
        waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' },
        restartCount: 4,
        lastTerminated: { reason: 'OOMKilled', exitCode: 137, finishedMinutesAgo: 2 },
      },
    ],
    deletion: { requestedMinutesAgo: 3, finalizers: ['example.com/keep'] },
  });
  const mongo1 = mongo.pod({ ordinal: 1, revision: 'mongo-new' });
  // Same labels, but owned by another controller: a StatefulSet must not count it.
  const foreign = { ...mongo.pod({ ordinal: 2, ownerUid: 'someone-else' }) };

  beforeAll(async () => {
    ({ fake, conn } = await startFake(2));
    const others = ['a', 'b', 'c', 'd'].map(
      (ns) => new StatefulSetFixture({ namespace: ns, name: 'web', replicas: 1, now }),
    );
    fake.upsertMany([
      mongo.statefulSet([mongo0, mongo1]),
      mongo0,
      mongo1,
      foreign,
      ...others.map((o) => o.statefulSet()),
      // An event about an earlier pod of the same name (another uid) must not be attributed to this one.
      mongo.event(mongo0, {
        reason: 'Unhealthy',
        message: 'Readiness probe failed: current',
        count: 3,
        lastMinutesAgo: 1,
      }),
      {
        ...mongo.event(
          { kind: 'Pod', metadata: { name: 'mongo-0', uid: 'old-uid' } },
          { reason: 'Killing', message: 'old' },
        ),
      },
      mongo.event(
        { kind: 'Pod', metadata: { name: 'mongo-1', uid: 'x' } },
        { reason: 'Unhealthy', message: 'other pod' },
      ),
      mongo.revision('mongo-5c7d9b8f4', 1),
      mongo.revision('mongo-new', 2),
      {
        ...new StatefulSetFixture({ namespace: 'db', name: 'other', replicas: 1, now }).revision(
          'other-1',
          9,
        ),
      },
      mongo.claim('data-mongo-0', 'Pending', 'fast'),
      nodeObject('node-c', now, { ready: 'Unknown', sinceMinutes: 30, unreachable: true }),
    ]);
  });

  it('lists StatefulSets in pages, leaving excluded namespaces out server-side', async () => {
    const before = fake.requests.length;
    const pages = await all(
      new KubeStatefulSetReader(conn.kube).statefulSetPages({ excludeNamespaces: ['b', 'c'], pageSize: 2 }),
    );
    expect(
      pages
        .flat()
        .map((s) => `${s.namespace}/${s.name}`)
        .sort(),
    ).toEqual(['a/web', 'd/web', 'db/mongo']);
    const lists = fake.requests.slice(before).filter((r) => r.path === '/apis/apps/v1/statefulsets');
    expect(lists.length).toBe(2);
    expect(lists[0]?.query).toMatchObject({
      fieldSelector: 'metadata.namespace!=b,metadata.namespace!=c',
      limit: '2',
    });
    expect(lists[1]?.query['continue']).toBeTruthy();
  });

  it('maps a StatefulSet to plain data, with generation, partition and write times from managedFields', async () => {
    const [page] = await all(
      new KubeStatefulSetReader(conn.kube).statefulSetPages({
        namespace: 'db',
        excludeNamespaces: [],
        pageSize: 50,
      }),
    );
    const sts = page?.find((s) => s.name === 'mongo');
    expect(sts).toMatchObject({
      namespace: 'db',
      uid: mongo.uid,
      generation: 5,
      selector: 'app=mongo',
      replicas: 3,
      ordinalsStart: 0,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: 'RollingUpdate',
      partition: 1,
      minReadySeconds: 10,
      specWrittenAt: new Date(minutesAgo(now, 12)).toISOString(),
      statusWrittenAt: new Date(minutesAgo(now, 7)).toISOString(),
      status: {
        observedGeneration: 4,
        replicas: 2,
        readyReplicas: 1,
        currentRevision: 'mongo-5c7d9b8f4',
        updateRevision: 'mongo-new',
      },
    });
  });

  it('reads the pods a StatefulSet controls by label selector, as plain data with ISO times', async () => {
    const before = fake.requests.length;
    const [sts] = (
      await all(
        new KubeStatefulSetReader(conn.kube).statefulSetPages({
          namespace: 'db',
          excludeNamespaces: [],
          pageSize: 50,
        }),
      )
    ).flat();
    const pods = await new KubeStatefulSetReader(conn.kube).podsOf(sts as StatefulSetInfo);
    expect(pods.map((p) => p.name).sort()).toEqual(['mongo-0', 'mongo-1']);
    const p0 = pods.find((p) => p.name === 'mongo-0');
    expect(p0).toMatchObject({
      revision: 'mongo-5c7d9b8f4',
      nodeName: 'node-a',
      phase: 'Running',
      finalizers: ['example.com/keep'],
      deletionGracePeriodSeconds: 30,
      claimNames: ['data-mongo-0'],
    });
    expect(p0?.deletionTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(p0?.conditions.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      lastTransitionTime: new Date(minutesAgo(now, 47)).toISOString(),
    });
    expect(p0?.containers.map((c) => [c.name, c.init])).toEqual([
      ['init-config', true],
      ['mongod', false],
    ]);
    expect(p0?.containers[1]).toMatchObject({
      restartCount: 4,
      waiting: { reason: 'CrashLoopBackOff' },
      lastTerminated: { reason: 'OOMKilled', exitCode: 137 },
    });
    const podLists = fake.requests.slice(before).filter((r) => r.path === '/api/v1/namespaces/db/pods');
    expect(podLists[0]?.query['labelSelector']).toBe('app=mongo');
  });

  it('reads events of one object incarnation with involvedObject field selectors', async () => {
    const before = fake.requests.length;
    const uid = (mongo0['metadata'] as { uid: string }).uid;
    const events = await new KubeStatefulSetReader(conn.kube).eventsAbout({
      kind: 'Pod',
      namespace: 'db',
      name: 'mongo-0',
      uid,
    });
    expect(events).toEqual([
      {
        type: 'Warning',
        reason: 'Unhealthy',
        message: 'Readiness probe failed: current',
        count: 3,
        firstSeen: new Date(minutesAgo(now, 1)).toISOString(),
        lastSeen: new Date(minutesAgo(now, 1)).toISOString(),
      },
    ]);
    const req = fake.requests.slice(before).find((r) => r.path === '/api/v1/namespaces/db/events');
    expect(req?.query['fieldSelector']).toBe(
      `involvedObject.kind=Pod,involvedObject.name=mongo-0,involvedObject.uid=${uid}`,
    );
  });

  it('reads only the StatefulSet’s own ControllerRevisions', async () => {
    const [sts] = (
      await all(
        new KubeStatefulSetReader(conn.kube).statefulSetPages({
          namespace: 'db',
          excludeNamespaces: [],
          pageSize: 50,
        }),
      )
    ).flat();
    const revisions = await new KubeStatefulSetReader(conn.kube).revisionsOf(sts as StatefulSetInfo);
    expect(revisions.sort((a, b) => a.revision - b.revision)).toEqual([
      { name: 'mongo-5c7d9b8f4', revision: 1 },
      { name: 'mongo-new', revision: 2 },
    ]);
  });

  it('reads a claim and a node, and null for ones that do not exist', async () => {
    expect(await new KubeStatefulSetReader(conn.kube).claim('db', 'data-mongo-0')).toMatchObject({
      name: 'data-mongo-0',
      phase: 'Pending',
      storageClassName: 'fast',
    });
    expect(await new KubeStatefulSetReader(conn.kube).claim('db', 'nope')).toBeNull();
    expect(await new KubeStatefulSetReader(conn.kube).node('node-c')).toEqual({
      name: 'node-c',
      ready: 'Unknown',
      readySince: new Date(minutesAgo(now, 30)).toISOString(),
      readyReason: 'NodeStatusUnknown',
      unreachable: true,
    });
    expect(await new KubeStatefulSetReader(conn.kube).node('gone')).toBeNull();
  });

  it('turns a 403 into kube-forbidden naming the RBAC rule', async () => {
    const { fake: denied, conn: deniedConn } = await startFake();
    denied.forbid({ verb: 'list', group: '', resource: 'events', namespace: 'db' });
    denied.forbid({ verb: 'get', group: '', resource: 'nodes' });
    const err = await new KubeStatefulSetReader(deniedConn.kube)
      .eventsAbout({ kind: 'Pod', namespace: 'db', name: 'x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeAccessError);
    expect((err as KubeAccessError).code).toBe('kube-forbidden');
    expect((err as KubeAccessError).userMessage).toContain(
      `Add to a Role in namespace db bound to "${USER}": {apiGroups: [""], resources: ["events"], verbs: ["list"]}`,
    );
    const nodeErr = await new KubeStatefulSetReader(deniedConn.kube).node('node-a').catch((e: unknown) => e);
    expect((nodeErr as KubeAccessError).userMessage).toContain(
      '{apiGroups: [""], resources: ["nodes"], verbs: ["get"]}',
    );
  });
});

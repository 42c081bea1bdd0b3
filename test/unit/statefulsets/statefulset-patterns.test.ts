import { describe, expect, it } from 'vitest';
import { statefulSetFingerprint } from '../../../src/checks/statefulsets/statefulset-finding.js';
import { nodeObject, StatefulSetFixture } from '../../../src/simulator/statefulset-fixture.js';
import { evaluate, observe } from './observation.js';

const now = new Date('2026-11-21T12:00:00Z');
const nodes = { 'node-a': nodeObject('node-a', now), 'node-b': nodeObject('node-b', now) };

describe('OrderedReady blocked behind a lower ordinal (the MongoDB incident)', () => {
  const fx = new StatefulSetFixture({
    namespace: 'db',
    name: 'mongo',
    replicas: 3,
    now,
    container: 'mongod',
  });
  const mongo0 = fx.pod({ ordinal: 0, ready: false, readyChangedMinutesAgo: 47 });
  const probe = fx.event(mongo0, {
    reason: 'Unhealthy',
    message: 'Readiness probe failed: not PRIMARY or SECONDARY (exit code 1)',
    count: 94,
    firstMinutesAgo: 47,
    lastMinutesAgo: 0.5,
  });

  it('reads like DOMAIN.md section 3: what is stuck, what blocks, what waits, revisions, next step', () => {
    const obs = observe(fx.statefulSet([mongo0]), [mongo0], { nodes, events: { 'mongo-0': [probe] } });
    const { finding, analysis } = evaluate(obs, now);
    expect(finding).toMatchObject({
      cluster: 'prod',
      check: 'statefulsets',
      severity: 'critical',
      source: 'statefulset',
      object: 'statefulset db/mongo',
      namespace: 'db',
      summary: 'StatefulSet db/mongo stuck: 0/3 ready for 47 min (OrderedReady).',
    });
    expect(finding.evidence).toEqual([
      'Blocking: mongo-0 Running but NotReady for 47 min; readiness probe failing ("not PRIMARY or SECONDARY (exit code 1)", last 30 s ago, 94 times); node node-a Ready.',
      'Effect: mongo-1 and mongo-2 are missing and will not be created until mongo-0 is Ready.',
      'Quorum: no replica is ready.',
      'Revisions: current = update (not a rollout).',
    ]);
    expect(finding.nextStep).toMatch(
      /^Check why the readiness probe fails .*`kubectl -n db describe pod mongo-0`/,
    );
    expect(finding.nextStep).toMatch(
      /Deleting mongo-0 restarts it and lets the controller continue \(if it is the primary or leader, expect a failover; touch no other pod until it is Ready\)\.$/,
    );
    expect(finding.statefulSet).toMatchObject({
      desired: 3,
      ready: 0,
      available: 0,
      missingOrdinals: [1, 2],
      blockingOrdinal: 0,
      blockingPod: 'mongo-0',
      podManagementPolicy: 'OrderedReady',
      notReadySince: '2026-11-21T11:13:00.000Z',
      patterns: ['ordered-ready-blocked', 'quorum-lost'],
    });
    expect(analysis.waiting.missing).toEqual(['mongo-1', 'mongo-2']);
  });

  it('names pods held back from an update and from a scale-down, not only missing ones', () => {
    const fx2 = new StatefulSetFixture({
      namespace: 'db',
      name: 'zk',
      replicas: 3,
      now,
      updateRevision: 'zk-new',
    });
    const pods = [
      fx2.pod({ ordinal: 0 }),
      fx2.pod({ ordinal: 1, ready: false, readyChangedMinutesAgo: 30 }),
      fx2.pod({ ordinal: 2 }),
      fx2.pod({ ordinal: 3 }),
    ];
    const { finding } = evaluate(observe(fx2.statefulSet(pods), pods, { nodes }), now);
    expect(finding.severity).toBe('warning');
    expect(finding.summary).toBe('StatefulSet db/zk stuck: 2/3 ready for 30 min (OrderedReady).');
    expect(finding.evidence).toContain(
      'Effect: zk-2 and zk-0 will not be updated to zk-new until zk-1 is Ready; zk-3 will not be removed (scale-down to 3) until zk-1 is Ready.',
    );
  });

  it('a missing lowest pod blocks too, explained by the FailedCreate event', () => {
    const fx3 = new StatefulSetFixture({ namespace: 'db', name: 'kafka', replicas: 3, now });
    const pods = [fx3.pod({ ordinal: 0 })];
    const sts = fx3.statefulSet(pods);
    const failed = fx3.event(sts, {
      reason: 'FailedCreate',
      message:
        'create Pod kafka-1 in StatefulSet kafka failed error: pods "kafka-1" is forbidden: exceeded quota: db-quota, requested: limits.memory=8Gi',
      count: 40,
      firstMinutesAgo: 50,
      lastMinutesAgo: 1,
    });
    const { finding } = evaluate(observe(sts, pods, { nodes, stsEvents: [failed] }), now);
    expect(finding.severity).toBe('critical');
    expect(finding.summary).toBe('StatefulSet db/kafka stuck: 1/3 ready for 50 min (OrderedReady).');
    expect(finding.evidence?.[0]).toMatch(
      /^Blocking: kafka-1 is missing and not being created: FailedCreate "create Pod kafka-1 in StatefulSet kafka failed error: pods "kafka-1" is forbidden: exceeded quota/,
    );
    expect(finding.evidence).toContain(
      'Effect: kafka-2 is missing and will not be created until kafka-1 is Ready.',
    );
    expect(finding.nextStep).toMatch(/^Fix what the FailedCreate event names/);
  });

  it('an undated missing pod is dated by the last status write, as a lower bound', () => {
    const fx4 = new StatefulSetFixture({
      namespace: 'db',
      name: 'etcd',
      replicas: 3,
      now,
      statusWrittenMinutesAgo: 22,
    });
    const pods = [fx4.pod({ ordinal: 0 }), fx4.pod({ ordinal: 1 })];
    const { finding } = evaluate(observe(fx4.statefulSet(pods), pods, { nodes, stsEvents: [] }), now);
    expect(finding.summary).toBe(
      'StatefulSet db/etcd degraded: 2/3 ready for at least 22 min (OrderedReady).',
    );
    expect(finding.severity).toBe('warning');
    expect(finding.nextStep).toMatch(/Check kube-controller-manager .* nothing is creating etcd-2\./);
  });
});

describe('a broken revision that was reverted but whose pod was never replaced', () => {
  const fx = new StatefulSetFixture({
    namespace: 'db',
    name: 'web',
    replicas: 3,
    now,
    currentRevision: 'web-6c5d',
    updateRevision: 'web-6c5d',
  });
  const pods = [
    fx.pod({ ordinal: 0 }),
    fx.pod({ ordinal: 1 }),
    fx.pod({
      ordinal: 2,
      revision: 'web-7f9c',
      ready: false,
      readyChangedMinutesAgo: 25,
      ageMinutes: 25,
      containers: [
        {
          waiting: { reason: 'CrashLoopBackOff' },
          restartCount: 9,
          lastTerminated: { exitCode: 1, finishedMinutesAgo: 1 },
        },
      ],
    }),
  ];
  const revisions = [fx.revision('web-7f9c', 2), fx.revision('web-6c5d', 3)];

  it('says a forced rollback is needed, naming the pod, both revisions and the upstream issue', () => {
    const { finding } = evaluate(observe(fx.statefulSet(pods), pods, { nodes, revisions }), now);
    expect(finding.severity).toBe('warning');
    expect(finding.summary).toBe(
      'StatefulSet db/web stuck: 2/3 ready for 25 min (OrderedReady); needs a forced rollback.',
    );
    expect(finding.evidence).toContain(
      'Revisions: web-2 runs web-7f9c (revision 2), which the template no longer uses (reverted to web-6c5d (revision 3)); OrderedReady waits for web-2 to be Ready before replacing it, which never happens (forced rollback, kubernetes/kubernetes#67250).',
    );
    expect(finding.nextStep).toMatch(/^Forced rollback: delete web-2 \(`kubectl -n db delete pod web-2`\)/);
    expect(finding.nextStep).toMatch(
      /recreates it from revision web-6c5d\. Delete only pods on web-7f9c; risk:/,
    );
    expect(finding.statefulSet?.patterns).toContain('forced-rollback-needed');
  });

  it('is not claimed under Parallel, where the controller replaces the pod by itself', () => {
    const par = new StatefulSetFixture({ ...fx.o, policy: 'Parallel' });
    const { finding } = evaluate(observe(par.statefulSet(pods), pods, { nodes, revisions }), now);
    expect(finding.statefulSet?.patterns).not.toContain('forced-rollback-needed');
    expect(finding.summary).toBe('StatefulSet db/web degraded: 2/3 ready for 25 min (Parallel).');
    expect(finding.evidence?.[0]).toMatch(
      /^Unready: web-2 Running but NotReady for 25 min; container app CrashLoopBackOff/,
    );
  });
});

describe('a pod stuck Terminating on a lost node', () => {
  const fx = new StatefulSetFixture({ namespace: 'db', name: 'cass', replicas: 3, now });
  const pods = [
    fx.pod({ ordinal: 0 }),
    fx.pod({
      ordinal: 1,
      node: 'node-c',
      ready: false,
      readyChangedMinutesAgo: 130,
      deletion: { requestedMinutesAgo: 125 },
    }),
  ];
  const lost = {
    ...nodes,
    'node-c': nodeObject('node-c', now, { ready: 'Unknown', sinceMinutes: 131, unreachable: true }),
  };

  it('blocks everything above it and says to force-delete only once the node is confirmed down', () => {
    const { finding } = evaluate(observe(fx.statefulSet(pods), pods, { nodes: lost }), now);
    expect(finding.severity).toBe('critical');
    expect(finding.summary).toBe(
      'StatefulSet db/cass stuck: 1/3 ready for 2 h 10 min (OrderedReady); cass-1 stuck Terminating on lost node node-c.',
    );
    expect(finding.evidence?.[0]).toBe(
      'Blocking: cass-1 Terminating for 2 h 5 min; deletion requested 2 h 5 min ago, 2 h 4 min past its 30 s grace period; node node-c unreachable (kubelet stopped reporting) for 2 h 11 min.',
    );
    expect(finding.evidence).toContain(
      'Effect: cass-2 is missing and will not be created until cass-1 is Ready.',
    );
    expect(finding.nextStep).toMatch(
      /^Confirm node-c is really down .* `kubectl -n db delete pod cass-1 --grace-period=0 --force`/,
    );
    expect(finding.nextStep).toMatch(
      /Risk: if node-c still runs it, two copies of cass-1 may write to the same volume/,
    );
    expect(finding.statefulSet?.patterns).toContain('stuck-terminating-lost-node');
  });

  it('when the node cannot be read, says how to tell a lost node before force-deleting', () => {
    const { finding } = evaluate(observe(fx.statefulSet(pods), pods, { nodes }), now);
    expect(finding.summary).not.toMatch(/lost node/);
    expect(finding.nextStep).toBe(
      'Find what holds the deletion of cass-1: the kubelet on node-c (`kubectl -n db describe pod cass-1`, kubelet logs). ' +
        'Check node-c first (`kubectl get node node-c`): if it is NotReady or gone and really down, ' +
        '`kubectl -n db delete pod cass-1 --grace-period=0 --force` (risk: if node-c still runs it, two copies may write to the same volume).',
    );
  });

  it('also when the StatefulSet was scaled to zero around it', () => {
    const zero = new StatefulSetFixture({ ...fx.o, replicas: 0 });
    const p = [zero.pod({ ordinal: 0, node: 'node-c', deletion: { requestedMinutesAgo: 60 } })];
    const { finding } = evaluate(observe(zero.statefulSet(p), p, { nodes: lost }), now);
    expect(finding.severity).toBe('warning');
    expect(finding.summary).toBe(
      'StatefulSet db/cass scaled to zero (replicas: 0); cass-0 stuck Terminating for 1 h.',
    );
    expect(finding.evidence?.[0]).toMatch(/^Stuck: cass-0 Terminating for 1 h; /);
  });
});

describe('partition greater than replicas; controller not observing the new generation', () => {
  it('a pending update that no pod will ever receive', () => {
    const fx = new StatefulSetFixture({
      namespace: 'db',
      name: 'es',
      replicas: 3,
      partition: 5,
      now,
      updateRevision: 'es-new',
      specWrittenMinutesAgo: 40,
    });
    const pods = [0, 1, 2].map((ordinal) => fx.pod({ ordinal }));
    const { finding } = evaluate(observe(fx.statefulSet(pods), pods, { nodes }), now);
    expect(finding.severity).toBe('warning');
    expect(finding.summary).toBe(
      'StatefulSet db/es cannot roll out: partition 5 is greater than replicas 3, so no pod moves to es-new.',
    );
    expect(finding.evidence).toContain(
      'Partition: 5 is greater than replicas 3: no pod is updated until it is lowered.',
    );
    expect(finding.evidence).toContain(
      'Revisions: es-5c7d9b8f4 → es-new pending, no pod updated (partition 5).',
    );
    expect(finding.nextStep).toMatch(/partition.*0 updates every pod.*risk: pods restart one at a time/);
  });

  it('is ok when nothing is pending, but still says the next update is held back', () => {
    const fx = new StatefulSetFixture({ namespace: 'db', name: 'es', replicas: 3, partition: 5, now });
    const pods = [0, 1, 2].map((ordinal) => fx.pod({ ordinal }));
    const { finding } = evaluate(observe(fx.statefulSet(pods), pods, { nodes }), now);
    expect(finding.severity).toBe('ok');
    expect(finding.summary).toBe(
      'StatefulSet db/es: 3/3 ready (OrderedReady); partition 5 > replicas 3 holds back the next update.',
    );
  });

  it('a generation the controller has not observed for longer than the grace period', () => {
    const fx = new StatefulSetFixture({
      namespace: 'db',
      name: 'nats',
      replicas: 3,
      now,
      generation: 7,
      observedGeneration: 6,
      specWrittenMinutesAgo: 20,
    });
    const pods = [0, 1, 2].map((ordinal) => fx.pod({ ordinal }));
    const { finding } = evaluate(observe(fx.statefulSet(pods), pods, { nodes }), now);
    expect(finding.severity).toBe('warning');
    expect(finding.summary).toBe(
      'StatefulSet db/nats: the controller has not observed generation 7 (still at 6) for 20 min; changes to it are not applied.',
    );
    expect(finding.nextStep).toMatch(/kube-controller-manager is running and holds its leader lease/);
    const fresh = new StatefulSetFixture({ ...fx.o, specWrittenMinutesAgo: 0.1 });
    expect(evaluate(observe(fresh.statefulSet(pods), pods, { nodes }), now).finding.severity).toBe('ok');
  });
});

describe('severity', () => {
  const fx = new StatefulSetFixture({ namespace: 'db', name: 'redis', replicas: 3, now });
  const withUnready = (minutes: number, count = 1) =>
    [0, 1, 2].map((ordinal) =>
      ordinal >= 3 - count
        ? fx.pod({ ordinal, ready: false, readyChangedMinutesAgo: minutes })
        : fx.pod({ ordinal }),
    );

  it('waits out the grace period (from pod conditions), then warns; the grace is configurable', () => {
    const young = withUnready(5);
    const early = evaluate(observe(fx.statefulSet(young), young, { nodes }), now);
    expect(early.finding.severity).toBe('ok');
    expect(early.finding.summary).toBe(
      'StatefulSet db/redis: 2/3 ready for 5 min (OrderedReady); within the 15 min grace period.',
    );
    expect(early.finding.nextStep).toBeUndefined();
    const late = evaluate(observe(fx.statefulSet(withUnready(16)), withUnready(16), { nodes }), now);
    expect(late.finding.severity).toBe('warning');
    expect(evaluate(observe(fx.statefulSet(young), young, { nodes }), now, 3).finding.severity).toBe(
      'warning',
    );
  });

  it('is critical when fewer than a majority are ready (quorum lost), or none', () => {
    const minority = withUnready(30, 2);
    const { finding } = evaluate(observe(fx.statefulSet(minority), minority, { nodes }), now);
    expect(finding.severity).toBe('critical');
    expect(finding.evidence).toContain('Quorum: 1 of 3 ready, fewer than a majority (2).');
    const none = withUnready(30, 3);
    expect(evaluate(observe(fx.statefulSet(none), none, { nodes }), now).finding.evidence).toContain(
      'Quorum: no replica is ready.',
    );
  });

  it('scaled to zero on purpose is ok, in one line', () => {
    const zero = new StatefulSetFixture({ namespace: 'db', name: 'old', replicas: 0, now });
    const { finding } = evaluate(observe(zero.statefulSet([]), []), now);
    expect(finding).toMatchObject({
      severity: 'ok',
      summary: 'StatefulSet db/old scaled to zero (replicas: 0).',
    });
    expect(finding.evidence).toBeUndefined();
    expect(finding.statefulSet?.patterns).toEqual(['scaled-to-zero']);
  });

  it('a healthy rollout in progress is not an alert', () => {
    const roll = new StatefulSetFixture({
      namespace: 'db',
      name: 'loki',
      replicas: 3,
      now,
      updateRevision: 'loki-new',
    });
    const pods = [
      roll.pod({ ordinal: 0 }),
      roll.pod({ ordinal: 1, revision: 'loki-new', ready: false, ageMinutes: 1 }),
      roll.pod({ ordinal: 2, revision: 'loki-new', ageMinutes: 3 }),
    ];
    const { finding } = evaluate(observe(roll.statefulSet(pods), pods, { nodes }), now);
    expect(finding.severity).toBe('ok');
    expect(finding.summary).toBe(
      'StatefulSet db/loki rolling out to loki-new: 2/3 updated, 2/3 ready (OrderedReady).',
    );
    expect(finding.statefulSet).toMatchObject({
      updatedReplicas: 2,
      currentRevision: 'loki-5c7d9b8f4',
      updateRevision: 'loki-new',
    });
  });

  it('a healthy StatefulSet is one ok line', () => {
    const pods = [0, 1, 2].map((ordinal) => fx.pod({ ordinal }));
    const { finding } = evaluate(observe(fx.statefulSet(pods), pods, { nodes }), now);
    expect(finding).toMatchObject({
      severity: 'ok',
      summary: 'StatefulSet db/redis: 3/3 ready (OrderedReady).',
    });
    expect(finding.evidence).toBeUndefined();
    expect(finding.nextStep).toBeUndefined();
  });

  it('keeps one fingerprint per StatefulSet whatever the severity', () => {
    const healthy = [0, 1, 2].map((ordinal) => fx.pod({ ordinal }));
    const a = evaluate(observe(fx.statefulSet(healthy), healthy, { nodes }), now).finding;
    const b = evaluate(
      observe(fx.statefulSet(withUnready(30, 3)), withUnready(30, 3), { nodes }),
      now,
    ).finding;
    expect(a.severity).not.toBe(b.severity);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).toBe(statefulSetFingerprint('prod', 'db', 'redis'));
    expect(statefulSetFingerprint('prod', 'db', 'redis')).not.toBe(
      statefulSetFingerprint('prod', 'db2', 'redis'),
    );
  });

  it('is unknown, not ok, when pods cannot be read and the status says replicas are missing', () => {
    const pods = withUnready(30);
    const obs = observe(fx.statefulSet(pods), pods, { podsUnreadable: true });
    const { finding } = evaluate(obs, now);
    expect(finding.severity).toBe('unknown');
    expect(finding.summary).toBe(
      'StatefulSet db/redis: 2/3 ready according to its status; cannot tell why or since when (pods not readable).',
    );
    expect(finding.evidence).toContain(
      'Not readable: pods in namespace test (see the access findings); this diagnosis may be incomplete.',
    );
    const healthy = [0, 1, 2].map((ordinal) => fx.pod({ ordinal }));
    expect(
      evaluate(observe(fx.statefulSet(healthy), healthy, { podsUnreadable: true }), now).finding.severity,
    ).toBe('ok');
  });
});

describe('ordinals and ownership', () => {
  it('honours spec.ordinals.start and minReadySeconds', () => {
    const fx = new StatefulSetFixture({
      namespace: 'db',
      name: 'rs',
      replicas: 2,
      now,
      ordinalsStart: 5,
      minReadySeconds: 120,
    });
    const pods = [fx.pod({ ordinal: 5 }), fx.pod({ ordinal: 6, readyChangedMinutesAgo: 1 })];
    const { analysis, finding } = evaluate(observe(fx.statefulSet(pods), pods, { nodes }), now);
    expect(analysis.missing).toEqual([]);
    expect(finding.statefulSet).toMatchObject({ ready: 2, available: 1, blockingOrdinal: 6 });
    expect(finding.severity).toBe('ok');
    expect(analysis.diagnoses.get('rs-6')?.text).toMatch(
      /^rs-6 Ready but not yet Available \(minReadySeconds 120\) for 1 min/,
    );
  });

  it('ignores pods whose names are not <name>-<ordinal>', () => {
    const fx = new StatefulSetFixture({ namespace: 'db', name: 'rs', replicas: 1, now });
    const stray = { ...fx.pod({ ordinal: 0 }) };
    (stray['metadata'] as Record<string, unknown>)['name'] = 'rs-debug';
    const { analysis } = evaluate(observe(fx.statefulSet([]), [stray], { nodes }), now);
    expect(analysis.missing).toEqual([0]);
  });
});

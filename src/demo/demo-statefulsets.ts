import { StatefulSetFixture } from '../simulator/statefulset-fixture.js';

/**
 * StatefulSets, pods, events and PVCs of the demo's prod cluster (DOMAIN.md section 3).
 *
 * db/mongo replays the incident: three replicas under OrderedReady, mongo-0 reporting NotReady for
 * 47 minutes (its readiness probe fails every 30 s) while mongo-1 is fine; mongo-2 went away later
 * and never came back, because the controller will not create it until mongo-0 is Ready. Beside it:
 * a healthy StatefulSet, a rollout in progress (not an alert) and one scaled to zero on purpose.
 */
export function demoStatefulSetObjects(now: Date): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'db' } },
  ];

  const mongo = new StatefulSetFixture({
    namespace: 'db',
    name: 'mongo',
    replicas: 3,
    now,
    container: 'mongod',
    ageMinutes: 120 * 24 * 60,
    statusWrittenMinutesAgo: 31,
  });
  const mongo0 = mongo.pod({ ordinal: 0, node: 'node-a', ready: false, readyChangedMinutesAgo: 47 });
  const mongo1 = mongo.pod({ ordinal: 1, node: 'node-b', ageMinutes: 2 * 24 * 60 });
  objects.push(
    ...pinUid(mongo, [
      mongo.statefulSet([mongo0, mongo1]),
      mongo0,
      mongo1,
      mongo.event(mongo0, {
        reason: 'Unhealthy',
        message: 'Readiness probe failed: member state is RECOVERING, not PRIMARY or SECONDARY (exit code 1)',
        count: 94,
        firstMinutesAgo: 47,
        lastMinutesAgo: 0.5,
      }),
      // The claims outlive their pods: mongo-2's data is still there, waiting for its pod.
      mongo.claim('data-mongo-0'),
      mongo.claim('data-mongo-1'),
      mongo.claim('data-mongo-2'),
      mongo.revision(mongo.currentRevision, 3),
    ]),
  );

  const redis = new StatefulSetFixture({
    namespace: 'shop',
    name: 'redis',
    replicas: 3,
    now,
    container: 'redis',
  });
  const redisPods = [0, 1, 2].map((ordinal) =>
    redis.pod({ ordinal, node: ordinal === 1 ? 'node-b' : 'node-a' }),
  );
  objects.push(redis.statefulSet(redisPods), ...redisPods);

  // A rolling update a minute in: loki-2 is on the new revision, loki-1 is starting. Not an alert.
  const loki = new StatefulSetFixture({
    namespace: 'monitoring',
    name: 'loki',
    replicas: 3,
    now,
    updateRevision: 'loki-7f8d6c9b5',
    generation: 8,
    specWrittenMinutesAgo: 3,
  });
  const lokiPods = [
    loki.pod({ ordinal: 0 }),
    loki.pod({ ordinal: 1, revision: loki.updateRevision, ready: false, ageMinutes: 0.7 }),
    loki.pod({ ordinal: 2, revision: loki.updateRevision, ageMinutes: 2.5, node: 'node-b' }),
  ];
  objects.push(...pinUid(loki, [loki.statefulSet(lokiPods), ...lokiPods]));

  const search = new StatefulSetFixture({ namespace: 'legacy', name: 'search', replicas: 0, now });
  objects.push(search.statefulSet([]));
  return objects;
}

/**
 * db/mongo after the incident (the live demo's recovery, at `now`): mongo-0's member caught up and
 * passes its readiness probe, so the controller went on and created mongo-2, which is Ready too.
 */
export function recoveredMongoObjects(now: Date): Record<string, unknown>[] {
  const mongo = new StatefulSetFixture({
    namespace: 'db',
    name: 'mongo',
    replicas: 3,
    now,
    container: 'mongod',
    ageMinutes: 120 * 24 * 60,
    statusWrittenMinutesAgo: 0,
  });
  const pods = [
    mongo.pod({ ordinal: 0, node: 'node-a', readyChangedMinutesAgo: 0, ageMinutes: 50 }),
    mongo.pod({ ordinal: 1, node: 'node-b', ageMinutes: 2 * 24 * 60 }),
    mongo.pod({ ordinal: 2, node: 'node-b', ageMinutes: 0.2 }),
  ];
  return pinUid(mongo, [mongo.statefulSet(pods), ...pods, mongo.revision(mongo.currentRevision, 3)]);
}

/** monitoring/loki at the end of its rolling update: every pod on the new revision and Ready. */
export function finishedLokiObjects(now: Date): Record<string, unknown>[] {
  const loki = new StatefulSetFixture({
    namespace: 'monitoring',
    name: 'loki',
    replicas: 3,
    now,
    currentRevision: 'loki-7f8d6c9b5',
    generation: 8,
    specWrittenMinutesAgo: 4,
  });
  const pods = [
    loki.pod({ ordinal: 0, ageMinutes: 0.3 }),
    loki.pod({ ordinal: 1, ageMinutes: 1.5 }),
    loki.pod({ ordinal: 2, ageMinutes: 3.5, node: 'node-b' }),
  ];
  return pinUid(loki, [loki.statefulSet(pods), ...pods]);
}

/**
 * The fixture's objects with a uid fixed by namespace and name instead of a random one, so the
 * live demo's later versions of a StatefulSet (recoveredMongoObjects) own the same pods: a check
 * run that lists the old StatefulSet and the new pods in between must still see them as its own.
 */
function pinUid(fixture: StatefulSetFixture, objects: Record<string, unknown>[]): Record<string, unknown>[] {
  const uid = `uid-statefulset-${fixture.o.namespace}-${fixture.o.name}`;
  return JSON.parse(JSON.stringify(objects).replaceAll(fixture.uid, uid)) as Record<string, unknown>[];
}

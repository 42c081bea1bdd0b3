import { mapLimit } from '../map-limit.js';
import type { Observation } from './analyze-statefulset.js';
import type { PodEvidence } from './diagnose-pod.js';
import { podHealth } from './pod-health.js';
import type { ReadGaps, ReadScope } from './read-gaps.js';
import type {
  ClaimInfo,
  EventInfo,
  NodeInfo,
  PodInfo,
  StatefulSetInfo,
  StatefulSetReader,
} from './statefulset-reader.js';

export interface ObserveDeps {
  reader: StatefulSetReader;
  gaps: ReadGaps;
  /** Nodes already asked for in this run (many pods share a node). undefined: unreadable. */
  nodes: Map<string, Promise<NodeInfo | null | undefined>>;
  now: Date;
}

/** Reads per StatefulSet run a few at a time: enough to overlap latency, not to flood the API. */
const POD_CONCURRENCY = 4;

type PodExtras = Omit<PodEvidence, 'pod' | 'health' | 'minReadySeconds'>;

/**
 * Reads one StatefulSet's pods and, only for pods that need explaining, their events, node and
 * claims; ControllerRevisions only when a pod runs a revision that is neither current nor update,
 * and the StatefulSet's own events only when a pod is missing or a generation is not observed.
 * A healthy StatefulSet costs one list call.
 */
export async function observeStatefulSet(deps: ObserveDeps, sts: StatefulSetInfo): Promise<Observation> {
  const ns = sts.namespace;
  const unreadable = new Set<string>();
  const read = async <T>(scope: ReadScope, fn: () => Promise<T>): Promise<T | undefined> => {
    const r = await deps.gaps.attempt(scope, fn);
    if (r.ok) return r.value;
    unreadable.add(
      `${scope.resource}${scope.namespace !== undefined ? ` in namespace ${scope.namespace}` : ''}`,
    );
    return undefined;
  };

  const pods = await read({ verb: 'list', resource: 'pods', namespace: ns }, () => deps.reader.podsOf(sts));
  if (!pods) return { sts, podEvidence: new Map(), unreadable: [...unreadable] };

  const needy = pods.filter((p) => {
    const h = podHealth(p, sts.minReadySeconds, deps.now);
    return !h.healthy || h.deletionOverdue;
  });
  const podEvidence = new Map<string, PodExtras>();
  await mapLimit(needy, POD_CONCURRENCY, async (pod) => {
    podEvidence.set(pod.name, await podExtras(deps, pod, read, unreadable));
  });

  const names = new Set(pods.map((p) => p.name));
  let missing = false;
  for (let o = sts.ordinalsStart; o < sts.ordinalsStart + sts.replicas; o++)
    missing ||= !names.has(`${sts.name}-${o}`);
  const generationLag = sts.generation !== undefined && (sts.status.observedGeneration ?? 0) < sts.generation;
  const stsEvents =
    missing || generationLag
      ? await read({ verb: 'list', resource: 'events', namespace: ns }, () =>
          deps.reader.eventsAbout({ kind: 'StatefulSet', namespace: ns, name: sts.name, uid: sts.uid }),
        )
      : undefined;

  const known = new Set([sts.status.currentRevision, sts.status.updateRevision]);
  const strayRevision = pods.some((p) => p.revision !== undefined && !known.has(p.revision));
  const revisions = strayRevision
    ? await read({ verb: 'list', resource: 'controllerrevisions', namespace: ns }, () =>
        deps.reader.revisionsOf(sts),
      )
    : undefined;

  return {
    sts,
    pods,
    podEvidence,
    ...(stsEvents ? { stsEvents } : {}),
    ...(revisions ? { revisions } : {}),
    unreadable: [...unreadable],
  };
}

async function podExtras(
  deps: ObserveDeps,
  pod: PodInfo,
  read: <T>(scope: ReadScope, fn: () => Promise<T>) => Promise<T | undefined>,
  unreadable: Set<string>,
): Promise<PodExtras> {
  const ns = pod.namespace;
  const events = await read({ verb: 'list', resource: 'events', namespace: ns }, () =>
    deps.reader.eventsAbout({ kind: 'Pod', namespace: ns, name: pod.name, uid: pod.uid }),
  );
  let node: NodeInfo | null | undefined;
  if (pod.nodeName) {
    const name = pod.nodeName;
    let pending = deps.nodes.get(name);
    if (!pending) {
      pending = read({ verb: 'get', resource: 'nodes' }, () => deps.reader.node(name));
      deps.nodes.set(name, pending);
    }
    node = await pending;
    // Cached from another StatefulSet's read: the gap is already reported, but this diagnosis lacks it too.
    if (node === undefined) unreadable.add('nodes');
  }
  const claims = new Map<string, ClaimInfo | null>();
  const claimEvents = new Map<string, EventInfo[]>();
  // A claim only explains a pod that has not started; a running pod's volumes are mounted.
  if (pod.phase === 'Pending') {
    for (const name of pod.claimNames) {
      const claim = await read({ verb: 'get', resource: 'persistentvolumeclaims', namespace: ns }, () =>
        deps.reader.claim(ns, name),
      );
      if (claim === undefined) continue;
      claims.set(name, claim);
      if (claim && claim.phase !== 'Bound') {
        const events = await read({ verb: 'list', resource: 'events', namespace: ns }, () =>
          deps.reader.eventsAbout({ kind: 'PersistentVolumeClaim', namespace: ns, name, uid: claim.uid }),
        );
        if (events) claimEvents.set(name, events);
      }
    }
  }
  return { ...(events ? { events } : {}), ...(node !== undefined ? { node } : {}), claims, claimEvents };
}

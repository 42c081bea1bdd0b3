import { diagnosePod, type PodDiagnosis, type PodEvidence } from './diagnose-pod.js';
import { latestEvent } from './pod-events.js';
import { podHealth, type PodHealth } from './pod-health.js';
import type { EventInfo, PodInfo, RevisionInfo, StatefulSetInfo } from './statefulset-reader.js';

/** What was read about one StatefulSet; undefined parts could not be read. */
export interface Observation {
  sts: StatefulSetInfo;
  pods?: readonly PodInfo[];
  /** Diagnosis inputs of the pods that need one, by pod name. */
  podEvidence: ReadonlyMap<string, Omit<PodEvidence, 'pod' | 'health' | 'minReadySeconds'>>;
  stsEvents?: readonly EventInfo[];
  revisions?: readonly RevisionInfo[];
  /** Reads that failed for this StatefulSet, e.g. `events in namespace db`. */
  unreadable: readonly string[];
}

export interface PodView {
  ordinal: number;
  /** Position from spec.ordinals.start: partition compares against this, not the ordinal. */
  index: number;
  pod: PodInfo;
  health: PodHealth;
}

export interface Blocking {
  ordinal: number;
  name: string;
  view?: PodView;
  diagnosis?: PodDiagnosis;
  /** For a missing pod: the controller's latest FailedCreate event about it. */
  failedCreate?: EventInfo;
}

export interface Analysis {
  sts: StatefulSetInfo;
  podsKnown: boolean;
  desired: number;
  ready: number;
  available: number;
  missing: number[];
  /** In-range pods that are not Running, Ready and Available (or are Terminating), lowest first. */
  unhealthy: PodView[];
  /** Pods above the desired range, waiting to be removed by a scale-down. */
  condemned: PodView[];
  /** Pods past their deletion deadline, in range or not. */
  stuckTerminating: PodView[];
  diagnoses: Map<string, PodDiagnosis>;
  /** The lowest pod that is missing or not Running, Ready and Available. */
  blocking?: Blocking;
  /** OrderedReady: what the controller will not do until the blocking pod is Ready. */
  waiting: { missing: string[]; notUpdated: string[]; condemned: string[] };
  /** Since when the StatefulSet has had fewer healthy pods than desired, from pod conditions. */
  notReadySince?: string;
  /** notReadySince is a lower bound (a missing pod left no dated trace). */
  sinceIsLowerBound: boolean;
  rollout: {
    current?: string;
    update?: string;
    /** In-range pods on the update revision. */
    updated: number;
    /** Pods the rollout is meant to update: those at index >= partition. */
    target: number;
    inProgress: boolean;
    revisionNumbers: ReadonlyMap<string, number>;
  };
  /** An unready pod on a revision the template no longer uses, which OrderedReady never replaces. */
  forcedRollback?: { pods: PodView[]; revision: string; reverted: boolean };
  generationLag?: { generation: number; observed: number; since?: string };
  partitionAboveReplicas: boolean;
}

export const podName = (sts: StatefulSetInfo, ordinal: number) => `${sts.name}-${ordinal}`;

function ordinalOf(sts: StatefulSetInfo, pod: PodInfo): number | undefined {
  const prefix = `${sts.name}-`;
  if (!pod.name.startsWith(prefix)) return undefined;
  const rest = pod.name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

function earliest(times: readonly string[]): string | undefined {
  return [...times].sort()[0];
}

function failedCreateFor(events: readonly EventInfo[] | undefined, name: string): EventInfo | undefined {
  // "create Pod mongo-1 in StatefulSet mongo failed error: ..." and "create Claim data-mongo-1 for Pod mongo-1 in ...".
  return latestEvent(
    events?.filter((e) => e.message.includes(`Pod ${name} in StatefulSet`)),
    ['FailedCreate'],
  );
}

/**
 * Reads the StatefulSet the way its controller does (pkg/controller/statefulset): pods by ordinal,
 * the first one that is not Running, Ready and Available, and under OrderedReady everything that
 * waits behind it. Pure: the same observation and clock give the same analysis.
 */
export function analyzeStatefulSet(obs: Observation, now: Date): Analysis {
  const { sts } = obs;
  const desired = sts.replicas;
  const start = sts.ordinalsStart;
  const ordered = sts.podManagementPolicy === 'OrderedReady';
  const current = sts.status.currentRevision;
  const update = sts.status.updateRevision;
  const revisionNumbers = new Map((obs.revisions ?? []).map((r) => [r.name, r.revision]));
  const generation = sts.generation;
  const observed = sts.status.observedGeneration ?? 0;
  const generationLag =
    generation !== undefined && observed < generation
      ? { generation, observed, ...(sts.specWrittenAt ? { since: sts.specWrittenAt } : {}) }
      : undefined;
  const partitionAboveReplicas = sts.updateStrategy === 'RollingUpdate' && sts.partition > desired;

  const base = {
    sts,
    desired,
    condemned: [],
    stuckTerminating: [],
    diagnoses: new Map<string, PodDiagnosis>(),
    waiting: { missing: [], notUpdated: [], condemned: [] },
    ...(generationLag ? { generationLag } : {}),
    partitionAboveReplicas,
  };
  if (!obs.pods) {
    // Without pods only the controller's own counts are left; nothing can be dated or explained.
    return {
      ...base,
      podsKnown: false,
      ready: sts.status.readyReplicas,
      available: sts.status.availableReplicas,
      missing: [],
      unhealthy: [],
      sinceIsLowerBound: false,
      rollout: {
        ...(current ? { current } : {}),
        ...(update ? { update } : {}),
        updated: sts.status.updatedReplicas,
        target: Math.max(0, desired - sts.partition),
        inProgress: current !== update,
        revisionNumbers,
      },
    };
  }

  const byOrdinal = new Map<number, PodView>();
  const condemned: PodView[] = [];
  for (const pod of obs.pods) {
    const ordinal = ordinalOf(sts, pod);
    if (ordinal === undefined) continue;
    const view = { ordinal, index: ordinal - start, pod, health: podHealth(pod, sts.minReadySeconds, now) };
    if (ordinal >= start && ordinal < start + desired) byOrdinal.set(ordinal, view);
    else condemned.push(view);
  }
  condemned.sort((a, b) => a.ordinal - b.ordinal);

  const missing: number[] = [];
  const unhealthy: PodView[] = [];
  let ready = 0;
  let available = 0;
  let blocking: Blocking | undefined;
  for (let ordinal = start; ordinal < start + desired; ordinal++) {
    const view = byOrdinal.get(ordinal);
    if (!view) missing.push(ordinal);
    else if (!view.health.healthy) unhealthy.push(view);
    if (view && view.health.running && view.health.ready && !view.health.terminating) ready++;
    if (view?.health.healthy) available++;
    if (!blocking && (!view || !view.health.healthy)) {
      const name = podName(sts, ordinal);
      const failedCreate = view ? undefined : failedCreateFor(obs.stsEvents, name);
      blocking = { ordinal, name, ...(view ? { view } : {}), ...(failedCreate ? { failedCreate } : {}) };
    }
  }

  const diagnoses = new Map<string, PodDiagnosis>();
  const stuckTerminating = [...byOrdinal.values(), ...condemned].filter((v) => v.health.deletionOverdue);
  for (const v of [...unhealthy, ...stuckTerminating]) {
    const ev = obs.podEvidence.get(v.pod.name) ?? { claims: new Map(), claimEvents: new Map() };
    diagnoses.set(
      v.pod.name,
      diagnosePod({ ...ev, pod: v.pod, health: v.health, minReadySeconds: sts.minReadySeconds }, now),
    );
  }
  if (blocking?.view) blocking.diagnosis = diagnoses.get(blocking.name);

  const rolling = sts.updateStrategy === 'RollingUpdate' && update !== undefined;
  const needsUpdate = (v: PodView) =>
    rolling && v.index >= sts.partition && !v.health.terminating && v.pod.revision !== update;
  const waiting: Analysis['waiting'] = { missing: [], notUpdated: [], condemned: [] };
  if (ordered && blocking) {
    waiting.missing = missing.filter((o) => o > blocking.ordinal).map((o) => podName(sts, o));
    waiting.notUpdated = [...byOrdinal.values()]
      .filter((v) => v.ordinal !== blocking.ordinal && needsUpdate(v))
      .sort((a, b) => b.ordinal - a.ordinal)
      .map((v) => v.pod.name);
    waiting.condemned = condemned.filter((v) => !v.health.terminating).map((v) => v.pod.name);
  }

  // Under OrderedReady a pod missing above the blocker went missing after the blocker broke (before
  // that, the controller would have recreated it at once), so the blocker dates it.
  const dated = unhealthy.map((v) => v.health.unhealthySince).filter((t): t is string => t !== undefined);
  let undated = false;
  for (const o of missing) {
    if (ordered && blocking && o > blocking.ordinal) continue;
    const first = failedCreateFor(obs.stsEvents, podName(sts, o))?.firstSeen;
    if (first) dated.push(first);
    else undated = true;
  }
  let notReadySince = earliest(dated);
  // The controller rewrites status whenever its counts change: the degraded state is at least that old.
  if (notReadySince === undefined && undated && sts.statusWrittenAt) notReadySince = sts.statusWrittenAt;

  const updated = [...byOrdinal.values()].filter(
    (v) => !v.health.terminating && v.pod.revision === update,
  ).length;
  const inProgress = rolling && (current !== update || [...byOrdinal.values()].some(needsUpdate));

  let forcedRollback: Analysis['forcedRollback'];
  const blocker = blocking?.view;
  if (
    ordered &&
    rolling &&
    blocker &&
    blocker.index >= sts.partition &&
    blocker.pod.revision !== undefined &&
    blocker.pod.revision !== update &&
    blocker.pod.revision !== current
  ) {
    const revision = blocker.pod.revision;
    forcedRollback = {
      pods: unhealthy.filter((v) => v.pod.revision === revision),
      revision,
      reverted: current === update,
    };
  }

  return {
    ...base,
    podsKnown: true,
    ready,
    available,
    missing,
    unhealthy,
    condemned,
    stuckTerminating,
    diagnoses,
    ...(blocking ? { blocking } : {}),
    waiting,
    ...(notReadySince ? { notReadySince } : {}),
    sinceIsLowerBound: undated && notReadySince !== undefined,
    rollout: {
      ...(current ? { current } : {}),
      ...(update ? { update } : {}),
      updated,
      target: Math.max(0, desired - sts.partition),
      inProgress,
      revisionNumbers,
    },
    ...(forcedRollback ? { forcedRollback } : {}),
  };
}

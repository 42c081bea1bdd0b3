import type { PodConditionInfo, PodInfo } from './statefulset-reader.js';

export interface PodHealth {
  running: boolean;
  ready: boolean;
  /** Ready for at least minReadySeconds (what `availableReplicas` counts). */
  available: boolean;
  terminating: boolean;
  /**
   * Running, Ready, Available and not Terminating: what the StatefulSet controller waits for under
   * OrderedReady before it touches any higher ordinal (pkg/controller/statefulset processReplica).
   */
  healthy: boolean;
  /** When the pod stopped being (or never became) healthy, from its own conditions. */
  unhealthySince?: string;
  /** When deletion was requested: deletionTimestamp minus the grace period it was given. */
  deletionRequestedAt?: string;
  /** Still there after its deletion deadline: the kubelet has not confirmed the kill. */
  deletionOverdue: boolean;
}

export function condition(pod: PodInfo, type: string): PodConditionInfo | undefined {
  return pod.conditions.find((c) => c.type === type);
}

function earliest(times: (string | undefined)[]): string | undefined {
  const known = times.filter((t): t is string => t !== undefined).sort();
  return known[0];
}

/**
 * Judges one pod the way the controller does, and dates the problem from the pod's conditions
 * rather than from when vigil first looked: a restarted vigil must still say "NotReady for 47 min".
 */
export function podHealth(pod: PodInfo, minReadySeconds: number, now: Date): PodHealth {
  const readyCond = condition(pod, 'Ready');
  const running = pod.phase === 'Running';
  const ready = readyCond?.status === 'True';
  const readySince = ready ? readyCond?.lastTransitionTime : undefined;
  const available =
    running &&
    ready &&
    (minReadySeconds === 0 ||
      (readySince !== undefined && now.getTime() - Date.parse(readySince) >= minReadySeconds * 1000));
  const terminating = pod.deletionTimestamp !== undefined;
  const healthy = running && ready && available && !terminating;

  let deletionRequestedAt: string | undefined;
  let deletionOverdue = false;
  if (pod.deletionTimestamp !== undefined) {
    const deadline = Date.parse(pod.deletionTimestamp);
    deletionRequestedAt = new Date(deadline - (pod.deletionGracePeriodSeconds ?? 0) * 1000).toISOString();
    deletionOverdue = now.getTime() > deadline;
  }

  let unhealthySince: string | undefined;
  if (!healthy) {
    const notReadySince =
      !running || !ready
        ? readyCond && readyCond.status !== 'True' && readyCond.lastTransitionTime
          ? readyCond.lastTransitionTime
          : pod.createdAt
        : undefined;
    // Ready but inside minReadySeconds: unavailable since it became Ready.
    const unavailableSince = running && ready && !available ? readySince : undefined;
    unhealthySince = earliest([notReadySince, unavailableSince, deletionRequestedAt]);
  }

  return {
    running,
    ready,
    available,
    terminating,
    healthy,
    ...(unhealthySince !== undefined ? { unhealthySince } : {}),
    ...(deletionRequestedAt !== undefined ? { deletionRequestedAt } : {}),
    deletionOverdue,
  };
}

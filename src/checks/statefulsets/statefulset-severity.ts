import { worstSeverity, type Severity } from '../../domain/severity.js';
import type { Analysis } from './analyze-statefulset.js';

export interface Verdict {
  severity: Severity;
  /** Fewer healthy pods than desired. */
  degraded: boolean;
  /** Degraded, but for less than the grace period: a rollout or a restart still settling. */
  settling: boolean;
  noneReady: boolean;
  /** Fewer than a majority ready: quorum-based systems (databases, consensus) cannot elect a leader. */
  quorumLost: boolean;
  majority: number;
}

/** Smallest majority of `n` voters. */
export function majorityOf(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * Severity from facts that carry their own dates, so that it does not depend on when vigil first
 * looked. Like kubernetes-mixin's KubeStatefulSetReplicasMismatch (15 min), nothing alerts before the
 * grace period: a rolling update always has one pod down for a while, and that is not an incident.
 * An unknown start (no dated trace) counts as past the grace period: silence is the worse mistake.
 */
export function judgeStatefulSet(a: Analysis, graceMs: number, now: Date): Verdict {
  const beyondGrace = (since: string | undefined) =>
    since === undefined || now.getTime() - Date.parse(since) > graceMs;
  const majority = majorityOf(a.desired);
  const degraded = a.podsKnown
    ? a.missing.length > 0 || a.unhealthy.length > 0
    : a.ready < a.desired || a.available < a.desired;
  const noneReady = a.desired > 0 && a.ready === 0;
  const quorumLost = a.desired > 0 && a.ready < majority;
  const levels: Severity[] = ['ok'];

  if (degraded && !a.podsKnown) levels.push('unknown');
  else if (degraded && beyondGrace(a.notReadySince))
    levels.push(noneReady || quorumLost ? 'critical' : 'warning');
  if (a.stuckTerminating.some((v) => beyondGrace(v.health.deletionRequestedAt))) levels.push('warning');
  if (a.generationLag && beyondGrace(a.generationLag.since)) levels.push('warning');
  if (
    a.partitionAboveReplicas &&
    a.rollout.current !== a.rollout.update &&
    beyondGrace(a.sts.specWrittenAt)
  ) {
    levels.push('warning');
  }
  const severity = worstSeverity(levels);
  return {
    severity,
    degraded,
    settling: degraded && a.podsKnown && severity === 'ok',
    noneReady,
    quorumLost,
    majority,
  };
}

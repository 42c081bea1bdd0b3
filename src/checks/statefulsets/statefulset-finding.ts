import type { Finding, StatefulSetFacts } from '../../domain/finding.js';
import { fingerprint } from '../../domain/fingerprint.js';
import { agoWithSeconds } from '../../time/ago.js';
import { compactDurationWithSeconds, elapsedSince } from '../../time/compact-duration.js';
import type { Analysis } from './analyze-statefulset.js';
import { isAre, nameList } from './name-list.js';
import { clip, eventWhen } from './pod-events.js';
import { statefulSetNextStep } from './statefulset-next-step.js';
import type { Verdict } from './statefulset-severity.js';

/** One object per StatefulSet: the alert lifecycle keys on it whatever the severity. */
export const statefulSetSource = 'statefulset';

export function statefulSetFingerprint(cluster: string, namespace: string, name: string): string {
  return fingerprint(cluster, 'statefulsets', statefulSetSource, `${namespace}/${name}`);
}

const MAX_POD_LINES = 5;

function revisionLabel(a: Analysis, revision: string | undefined): string {
  if (revision === undefined) return 'an unknown revision';
  const n = a.rollout.revisionNumbers.get(revision);
  return n !== undefined ? `${revision} (revision ${n})` : revision;
}

function forText(a: Analysis, now: Date): string {
  if (a.notReadySince === undefined) return ' (since when unknown)';
  return ` for ${a.sinceIsLowerBound ? 'at least ' : ''}${elapsedSince(a.notReadySince, now)}`;
}

function patternsOf(a: Analysis, v: Verdict): string[] {
  const p: string[] = [];
  if (a.desired === 0) p.push('scaled-to-zero');
  if (a.waiting.missing.length + a.waiting.notUpdated.length + a.waiting.condemned.length > 0) {
    p.push('ordered-ready-blocked');
  }
  if (a.forcedRollback) p.push('forced-rollback-needed');
  for (const s of a.stuckTerminating) {
    const lost = a.diagnoses.get(s.pod.name)?.kind === 'terminating-lost-node';
    p.push(lost ? 'stuck-terminating-lost-node' : 'stuck-terminating');
  }
  if (a.partitionAboveReplicas) p.push('partition-above-replicas');
  if (a.generationLag) p.push('generation-not-observed');
  if (v.degraded && v.quorumLost) p.push('quorum-lost');
  if (a.rollout.inProgress) p.push('rollout-in-progress');
  return [...new Set(p)];
}

function summaryOf(a: Analysis, v: Verdict, graceMs: number, now: Date): string {
  const { sts } = a;
  const id = `StatefulSet ${sts.namespace}/${sts.name}`;
  const ratio = `${a.ready}/${a.desired} ready`;
  const policy = `(${sts.podManagementPolicy})`;
  if (!a.podsKnown && v.degraded) {
    return `${id}: ${ratio} according to its status; cannot tell why or since when (pods not readable).`;
  }
  const stuck = a.stuckTerminating[0];
  const stuckText = stuck
    ? `${stuck.pod.name} stuck Terminating for ${elapsedSince(stuck.health.deletionRequestedAt ?? now.toISOString(), now)}`
    : '';
  if (a.desired === 0) return `${id} scaled to zero (replicas: 0)${stuck ? `; ${stuckText}` : ''}.`;
  if (v.settling) {
    if (a.rollout.inProgress) {
      return `${id} rolling out to ${a.rollout.update ?? '?'}: ${a.rollout.updated}/${a.rollout.target} updated, ${ratio} ${policy}.`;
    }
    return `${id}: ${ratio}${forText(a, now)} ${policy}; within the ${compactDurationWithSeconds(graceMs)} grace period.`;
  }
  if (v.degraded) {
    const ordered = sts.podManagementPolicy === 'OrderedReady';
    const stuckPattern =
      (ordered && a.waiting.missing.length + a.waiting.notUpdated.length + a.waiting.condemned.length > 0) ||
      a.forcedRollback !== undefined ||
      stuck !== undefined;
    const lost = stuck && a.diagnoses.get(stuck.pod.name)?.kind === 'terminating-lost-node';
    const tail = a.forcedRollback
      ? '; needs a forced rollback'
      : lost
        ? `; ${stuck.pod.name} stuck Terminating on lost node ${stuck.pod.nodeName ?? '?'}`
        : '';
    return `${id} ${stuckPattern ? 'stuck' : 'degraded'}: ${ratio}${forText(a, now)} ${policy}${tail}.`;
  }
  if (stuck && v.severity !== 'ok') return `${id}: ${ratio}; ${stuckText}.`;
  if (a.generationLag && v.severity !== 'ok') {
    const since = a.generationLag.since ? ` for ${elapsedSince(a.generationLag.since, now)}` : '';
    return `${id}: the controller has not observed generation ${a.generationLag.generation} (still at ${a.generationLag.observed})${since}; changes to it are not applied.`;
  }
  if (a.partitionAboveReplicas && v.severity !== 'ok') {
    return `${id} cannot roll out: partition ${sts.partition} is greater than replicas ${a.desired}, so no pod moves to ${a.rollout.update ?? 'the new revision'}.`;
  }
  const notes: string[] = [];
  if (a.rollout.inProgress) {
    notes.push(
      `${a.rollout.updated}/${a.rollout.target} on ${a.rollout.update ?? '?'}${sts.partition > 0 ? ` (partition ${sts.partition})` : ''}`,
    );
  }
  if (a.partitionAboveReplicas)
    notes.push(`partition ${sts.partition} > replicas ${a.desired} holds back the next update`);
  if (a.generationLag) notes.push(`controller catching up with generation ${a.generationLag.generation}`);
  return `${id}: ${ratio} ${policy}${notes.length ? `; ${notes.join('; ')}` : ''}.`;
}

function podLines(a: Analysis, now: Date): string[] {
  const lines: string[] = [];
  const ordered = a.sts.podManagementPolicy === 'OrderedReady';
  const b = a.blocking;
  if (b && !b.view) {
    const why = b.failedCreate
      ? `: FailedCreate "${clip(b.failedCreate.message)}" (${eventWhen(b.failedCreate, now)})`
      : ' (no FailedCreate event explains it)';
    lines.push(`${ordered ? 'Blocking' : 'Missing'}: ${b.name} is missing and not being created${why}.`);
  }
  const unhealthy = a.unhealthy.map((v) => a.diagnoses.get(v.pod.name)).filter((d) => d !== undefined);
  unhealthy.slice(0, MAX_POD_LINES).forEach((d) => {
    const label = ordered ? (d.pod === b?.name ? 'Blocking' : 'Also unready') : 'Unready';
    lines.push(`${label}: ${d.text}.`);
  });
  if (unhealthy.length > MAX_POD_LINES)
    lines.push(`… and ${unhealthy.length - MAX_POD_LINES} more unready pods.`);
  if (!ordered) {
    const missing = a.missing.filter((o) => o !== b?.ordinal).map((o) => `${a.sts.name}-${o}`);
    if (missing.length > 0) lines.push(`Missing: ${nameList(missing)}.`);
  }
  for (const s of a.stuckTerminating) {
    if (a.unhealthy.includes(s)) continue;
    const d = a.diagnoses.get(s.pod.name);
    if (d) lines.push(`Stuck: ${d.text}.`);
  }
  return lines;
}

function effectLine(a: Analysis): string | undefined {
  const b = a.blocking;
  if (!b || a.sts.podManagementPolicy !== 'OrderedReady') return undefined;
  const until = `until ${b.name} is Ready`;
  const parts: string[] = [];
  const { missing, notUpdated, condemned } = a.waiting;
  if (missing.length > 0)
    parts.push(`${nameList(missing)} ${isAre(missing.length)} missing and will not be created ${until}`);
  if (notUpdated.length > 0)
    parts.push(
      `${nameList(notUpdated)} will not be updated to ${a.rollout.update ?? 'the new revision'} ${until}`,
    );
  if (condemned.length > 0)
    parts.push(`${nameList(condemned)} will not be removed (scale-down to ${a.desired}) ${until}`);
  return parts.length > 0 ? `Effect: ${parts.join('; ')}.` : undefined;
}

function revisionsLine(a: Analysis): string {
  const { current, update, updated, target, inProgress } = a.rollout;
  const fr = a.forcedRollback;
  if (fr && a.blocking) {
    const pods = fr.pods.map((v) => v.pod.name);
    return (
      `Revisions: ${nameList(pods)} ${pods.length === 1 ? 'runs' : 'run'} ${revisionLabel(a, fr.revision)}, which the template no longer uses ` +
      `(${fr.reverted ? 'reverted' : 'moved on'} to ${revisionLabel(a, update)}); OrderedReady waits for ${a.blocking.name} to be Ready ` +
      `before replacing it, which never happens (forced rollback, kubernetes/kubernetes#67250).`
    );
  }
  if (a.sts.updateStrategy === 'OnDelete' && current !== update) {
    return `Revisions: ${updated}/${a.desired} on ${update ?? '?'}; OnDelete updates a pod only when it is deleted.`;
  }
  if (inProgress && target === 0) {
    return `Revisions: ${current ?? '?'} → ${update ?? '?'} pending, no pod updated (partition ${a.sts.partition}).`;
  }
  if (inProgress) {
    const partition = a.sts.partition > 0 ? ` (partition ${a.sts.partition})` : '';
    return `Revisions: rolling out ${current ?? '?'} → ${update ?? '?'}, ${updated}/${target} updated${partition}.`;
  }
  if (update === undefined) return 'Revisions: not reported by the controller yet.';
  return 'Revisions: current = update (not a rollout).';
}

function evidenceOf(a: Analysis, v: Verdict, now: Date): string[] {
  const { sts } = a;
  const lines: string[] = [];
  if (!a.podsKnown) {
    lines.push(
      `Status: ${sts.status.readyReplicas} ready, ${sts.status.availableReplicas} available, ${sts.status.replicas} pods of ${a.desired} desired.`,
    );
  }
  lines.push(...podLines(a, now));
  const effect = effectLine(a);
  if (effect) lines.push(effect);
  if (v.degraded && v.severity === 'critical') {
    lines.push(
      v.noneReady
        ? `Quorum: no replica is ready.`
        : `Quorum: ${a.ready} of ${a.desired} ready, fewer than a majority (${v.majority}).`,
    );
  }
  if (a.desired > 0 || a.rollout.inProgress) lines.push(revisionsLine(a));
  if (a.generationLag) {
    const since = a.generationLag.since
      ? `; spec last written ${agoWithSeconds(a.generationLag.since, now)}`
      : '';
    lines.push(
      `Generation: ${a.generationLag.generation} not yet observed by the controller (observed ${a.generationLag.observed})${since}.`,
    );
  }
  if (a.partitionAboveReplicas) {
    lines.push(
      `Partition: ${sts.partition} is greater than replicas ${a.desired}: no pod is updated until it is lowered.`,
    );
  }
  return lines;
}

function factsOf(a: Analysis, v: Verdict): StatefulSetFacts {
  const { sts } = a;
  return {
    desired: a.desired,
    ready: a.ready,
    available: a.available,
    missingOrdinals: a.missing,
    ...(a.blocking ? { blockingOrdinal: a.blocking.ordinal, blockingPod: a.blocking.name } : {}),
    podManagementPolicy: sts.podManagementPolicy,
    updateStrategy: sts.updateStrategy,
    partition: sts.partition,
    ...(a.rollout.current ? { currentRevision: a.rollout.current } : {}),
    ...(a.rollout.update ? { updateRevision: a.rollout.update } : {}),
    updatedReplicas: a.rollout.updated,
    ...(sts.generation !== undefined ? { generation: sts.generation } : {}),
    ...(sts.status.observedGeneration !== undefined
      ? { observedGeneration: sts.status.observedGeneration }
      : {}),
    ...(a.notReadySince ? { notReadySince: a.notReadySince } : {}),
    patterns: patternsOf(a, v),
  };
}

/**
 * The finding for one StatefulSet, shaped like the message in DOMAIN.md section 3: the first line
 * says what is stuck and since when; evidence says what blocks (with its cause and its time), what
 * waits behind it and whether a rollout is involved; the next step says what to do and what it risks.
 */
export function statefulSetFinding(
  cluster: string,
  a: Analysis,
  v: Verdict,
  opts: { graceMs: number; now: Date; unreadable: readonly string[] },
): Finding {
  const { sts } = a;
  const healthy = v.severity === 'ok' && !v.settling && a.stuckTerminating.length === 0;
  const evidence = healthy ? [] : evidenceOf(a, v, opts.now);
  if (opts.unreadable.length > 0) {
    evidence.push(
      `Not readable: ${opts.unreadable.join(', ')} (see the access findings); this diagnosis may be incomplete.`,
    );
  }
  return {
    cluster,
    check: 'statefulsets',
    severity: v.severity,
    source: statefulSetSource,
    object: `statefulset ${sts.namespace}/${sts.name}`,
    summary: summaryOf(a, v, opts.graceMs, opts.now),
    ...(v.severity !== 'ok' ? { nextStep: statefulSetNextStep(a) } : {}),
    ...(evidence.length > 0 ? { evidence } : {}),
    fingerprint: statefulSetFingerprint(cluster, sts.namespace, sts.name),
    namespace: sts.namespace,
    statefulSet: factsOf(a, v),
  };
}

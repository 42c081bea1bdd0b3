import { agoWithSeconds } from '../../time/ago.js';
import { elapsedSince } from '../../time/compact-duration.js';
import { clip, eventWhen, latestEvent } from './pod-events.js';
import { condition, type PodHealth } from './pod-health.js';
import type {
  ClaimInfo,
  ContainerInfo,
  EventInfo,
  NodeInfo,
  PodInfo,
  TerminationInfo,
} from './statefulset-reader.js';

/** What keeps a pod from being Running, Ready and Available; picks the next step. */
export type CauseKind =
  | 'terminating-lost-node'
  | 'terminating'
  | 'node-lost'
  | 'unschedulable'
  | 'missing-claim'
  | 'unbound-claim'
  | 'mount'
  | 'image'
  | 'config'
  | 'crash'
  | 'probe'
  | 'not-ready'
  | 'failed'
  | 'starting'
  | 'not-available';

export interface PodEvidence {
  pod: PodInfo;
  health: PodHealth;
  /** undefined: events could not be read. */
  events?: readonly EventInfo[];
  /** undefined: not read; null: the node does not exist. */
  node?: NodeInfo | null;
  /** Claims by name; null: the claim does not exist; absent: not read. */
  claims: ReadonlyMap<string, ClaimInfo | null>;
  claimEvents: ReadonlyMap<string, readonly EventInfo[]>;
  minReadySeconds: number;
}

export interface PodDiagnosis {
  pod: string;
  kind: CauseKind;
  /** e.g. `mongo-0 Running but NotReady for 47 min; readiness probe failing ("…", last 30 s ago); node node-a Ready` */
  text: string;
  /** The container the cause is about, for the commands in the next step. */
  container?: string;
  lastTermination?: TerminationInfo;
  /** The PersistentVolumeClaim the cause is about. */
  claim?: string;
  /** The node is gone, NotReady or unreachable. */
  lostNode: boolean;
  /** The node could not be read: a stuck deletion may still be a lost node. */
  nodeUnknown: boolean;
}

const IMAGE_REASONS = ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull'];
const CONFIG_REASONS = ['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError'];
const STARTING_REASONS = ['ContainerCreating', 'PodInitializing'];

function termination(t: TerminationInfo, now: Date): string {
  const why = t.reason && t.reason !== 'Error' ? ` (${t.reason})` : '';
  return `exit code ${t.exitCode}${why}${t.finishedAt ? ` ${agoWithSeconds(t.finishedAt, now)}` : ''}`;
}

function restarts(c: ContainerInfo): string {
  return `${c.restartCount} restart${c.restartCount === 1 ? '' : 's'}`;
}

function stateWords(e: PodEvidence): string {
  const { pod, health } = e;
  if (health.terminating) return 'Terminating';
  if (pod.phase === 'Running' && !health.ready) return 'Running but NotReady';
  if (pod.phase === 'Running' && !health.available)
    return `Ready but not yet Available (minReadySeconds ${e.minReadySeconds})`;
  return pod.reason ? `${pod.phase} (${pod.reason})` : pod.phase;
}

function nodeWords(node: NodeInfo | null | undefined, nodeName: string | undefined, now: Date) {
  if (!nodeName || node === undefined) return { text: undefined, lost: false };
  if (node === null) return { text: `node ${nodeName} no longer exists`, lost: true };
  if (node.ready === 'True' && !node.unreachable) return { text: `node ${node.name} Ready`, lost: false };
  const state = node.ready === 'Unknown' ? 'unreachable (kubelet stopped reporting)' : 'NotReady';
  const since = node.readySince ? ` for ${elapsedSince(node.readySince, now)}` : '';
  return { text: `node ${node.name} ${state}${since}`, lost: true };
}

/** The first container (init containers first, as they run first) that is waiting on something. */
function firstWaiting(pod: PodInfo, reasons: readonly string[]): ContainerInfo | undefined {
  return pod.containers.find((c) => c.waiting && reasons.includes(c.waiting.reason));
}

interface Cause {
  kind: CauseKind;
  text: string;
  container?: string;
  lastTermination?: TerminationInfo;
  claim?: string;
}

function containerCause(e: PodEvidence, now: Date): Cause | undefined {
  const { pod } = e;
  const crash = firstWaiting(pod, ['CrashLoopBackOff']);
  if (crash) {
    const last = crash.lastTerminated;
    return {
      kind: 'crash',
      text: `${crash.init ? 'init ' : ''}container ${crash.name} CrashLoopBackOff, ${restarts(crash)}${last ? `, last ${termination(last, now)}` : ''}`,
      container: crash.name,
      ...(last ? { lastTermination: last } : {}),
    };
  }
  const image = firstWaiting(pod, IMAGE_REASONS);
  if (image?.waiting) {
    const failed = latestEvent(e.events, ['Failed']);
    const detail = failed?.message.includes('image') ? failed.message : image.waiting.message;
    return {
      kind: 'image',
      text: `container ${image.name} ${image.waiting.reason}${detail ? `: ${clip(detail)}` : ''}`,
      container: image.name,
    };
  }
  const config = firstWaiting(pod, CONFIG_REASONS);
  if (config?.waiting) {
    return {
      kind: 'config',
      text: `container ${config.name} ${config.waiting.reason}${config.waiting.message ? `: ${clip(config.waiting.message)}` : ''}`,
      container: config.name,
    };
  }
  // An init container that exits non-zero is restarted (or fails the pod) before any app container runs.
  const failedInit = pod.containers.find((c) => c.init && c.terminated && c.terminated.exitCode !== 0);
  if (failedInit?.terminated) {
    return {
      kind: 'crash',
      text: `init container ${failedInit.name} failed with ${termination(failedInit.terminated, now)}`,
      container: failedInit.name,
      lastTermination: failedInit.terminated,
    };
  }
  const other = pod.containers.find((c) => c.waiting && !STARTING_REASONS.includes(c.waiting.reason));
  if (other?.waiting) {
    return {
      kind: 'config',
      text: `container ${other.name} waiting: ${other.waiting.reason}${other.waiting.message ? ` (${clip(other.waiting.message)})` : ''}`,
      container: other.name,
    };
  }
  return undefined;
}

function schedulingCause(e: PodEvidence, now: Date): Cause | undefined {
  const scheduled = condition(e.pod, 'PodScheduled');
  if (scheduled?.status !== 'False') return undefined;
  const event = latestEvent(e.events, ['FailedScheduling']);
  const message = event?.message ?? scheduled.message ?? scheduled.reason ?? 'no reason given';
  const when = event ? ` (${eventWhen(event, now)})` : '';
  return { kind: 'unschedulable', text: `not scheduled: ${clip(message)}${when}` };
}

function claimCause(e: PodEvidence, now: Date): Cause | undefined {
  for (const name of e.pod.claimNames) {
    const claim = e.claims.get(name);
    if (claim === null)
      return { kind: 'missing-claim', text: `PersistentVolumeClaim ${name} does not exist`, claim: name };
    if (claim === undefined || claim.phase === 'Bound') continue;
    const events = e.claimEvents.get(name);
    const event = latestEvent(events, [
      'ProvisioningFailed',
      'FailedBinding',
      'WaitForFirstConsumer',
      'ExternalProvisioning',
      'WaitForPodScheduled',
    ]);
    const since = claim.createdAt ? ` for ${elapsedSince(claim.createdAt, now)}` : '';
    const sc = claim.storageClassName ? `, StorageClass ${claim.storageClassName}` : ', no StorageClass';
    const detail = event ? `; ${event.reason}: ${clip(event.message, 140)} (${eventWhen(event, now)})` : '';
    return {
      kind: 'unbound-claim',
      text: `PersistentVolumeClaim ${name} ${claim.phase} (not bound${sc})${since}${detail}`,
      claim: name,
    };
  }
  return undefined;
}

function mountCause(e: PodEvidence, now: Date): Cause | undefined {
  const event = latestEvent(e.events, ['FailedMount', 'FailedAttachVolume']);
  if (!event) return undefined;
  return { kind: 'mount', text: `volume not mounted: ${clip(event.message)} (${eventWhen(event, now)})` };
}

function probeCause(e: PodEvidence, now: Date): Cause {
  const event = latestEvent(e.events, ['Unhealthy']);
  const unready = e.pod.containers.filter((c) => !c.init && !c.ready).map((c) => c.name);
  const which = unready.length > 0 ? `container ${unready.join(', ')} not ready` : 'not ready';
  if (!event) {
    const why = e.events === undefined ? 'events not readable' : 'no Unhealthy event on record';
    return { kind: 'not-ready', text: `${which} (${why})`, ...(unready[0] ? { container: unready[0] } : {}) };
  }
  const m = /^(Readiness|Liveness|Startup) probe (failed|errored):\s*/i.exec(event.message);
  const probe = m?.[1]?.toLowerCase() ?? 'a';
  const output = clip(m ? event.message.slice(m[0].length) : event.message) || '(no output)';
  return {
    kind: 'probe',
    text: `${probe} probe failing ("${output}", ${eventWhen(event, now)})`,
    ...(unready[0] ? { container: unready[0] } : {}),
  };
}

/** A recent OOM kill or crash of a container that is running again, worth saying beside a probe failure. */
function previousCrash(pod: PodInfo, now: Date): string | undefined {
  const c = pod.containers.find((x) => !x.init && x.lastTerminated && x.lastTerminated.exitCode !== 0);
  return c?.lastTerminated
    ? `container ${c.name} ${restarts(c)}, last ${termination(c.lastTerminated, now)}`
    : undefined;
}

function terminatingCause(e: PodEvidence, lostNode: boolean, now: Date): Cause {
  const { pod, health } = e;
  const grace = pod.deletionGracePeriodSeconds ?? 0;
  const overdue =
    health.deletionOverdue && pod.deletionTimestamp
      ? `, ${elapsedSince(pod.deletionTimestamp, now)} past its ${grace} s grace period`
      : '';
  const finalizers = pod.finalizers.length > 0 ? `; finalizers ${pod.finalizers.join(', ')}` : '';
  return {
    kind: lostNode && health.deletionOverdue ? 'terminating-lost-node' : 'terminating',
    text: `deletion requested ${health.deletionRequestedAt ? agoWithSeconds(health.deletionRequestedAt, now) : 'earlier'}${overdue}${finalizers}`,
  };
}

/**
 * Why one pod is not Running, Ready and Available, in the order an engineer would look: a stuck
 * deletion, a lost node, scheduling and volumes, containers, then probes. Every clause carries its
 * time, and the node's state is said last whatever the cause ("node node-a Ready" rules it out).
 */
export function diagnosePod(e: PodEvidence, now: Date): PodDiagnosis {
  const { pod, health } = e;
  const node = nodeWords(e.node, pod.nodeName, now);
  const sinceRef = health.terminating ? health.deletionRequestedAt : health.unhealthySince;
  const head = `${pod.name} ${stateWords(e)}${sinceRef ? ` for ${elapsedSince(sinceRef, now)}` : ''}`;

  let cause: Cause | undefined;
  if (health.terminating) cause = terminatingCause(e, node.lost, now);
  else if (node.lost) cause = { kind: 'node-lost', text: 'its node cannot run it' };
  else if (pod.phase === 'Failed' || pod.phase === 'Succeeded') {
    cause = { kind: 'failed', text: pod.message ? clip(pod.message) : 'the controller replaces it' };
  } else {
    const scheduling = schedulingCause(e, now);
    const claim = pod.phase === 'Pending' ? claimCause(e, now) : undefined;
    // An unbound claim is the usual reason the scheduler gives up ("unbound immediate
    // PersistentVolumeClaims"): the claim is the root cause, the scheduler's words its evidence.
    cause =
      claim && scheduling
        ? { ...claim, text: `${claim.text}; ${scheduling.text}` }
        : (scheduling ??
          claim ??
          containerCause(e, now) ??
          (pod.phase === 'Pending' ? mountCause(e, now) : undefined));
    if (!cause && pod.phase === 'Running' && !health.ready) cause = probeCause(e, now);
    if (!cause && pod.phase === 'Running')
      cause = { kind: 'not-available', text: 'waiting out minReadySeconds' };
    cause ??= { kind: 'starting', text: 'containers are being created' };
  }

  const extra = cause.kind === 'probe' || cause.kind === 'not-ready' ? previousCrash(pod, now) : undefined;
  // node-lost's own clause is the node's state, said once.
  const clauses = [cause.kind === 'node-lost' ? undefined : cause.text, extra, node.text].filter(
    (c): c is string => c !== undefined,
  );
  return {
    pod: pod.name,
    kind: cause.kind,
    text: [head, ...clauses].join('; '),
    ...(cause.container ? { container: cause.container } : {}),
    ...(cause.lastTermination ? { lastTermination: cause.lastTermination } : {}),
    ...(cause.claim ? { claim: cause.claim } : {}),
    lostNode: node.lost,
    nodeUnknown: pod.nodeName !== undefined && e.node === undefined,
  };
}

import {
  analyzeStatefulSet,
  type Observation,
} from '../../../src/checks/statefulsets/analyze-statefulset.js';
import type { PodEvidence } from '../../../src/checks/statefulsets/diagnose-pod.js';
import type { ClaimInfo, EventInfo } from '../../../src/checks/statefulsets/statefulset-reader.js';
import { statefulSetFinding } from '../../../src/checks/statefulsets/statefulset-finding.js';
import { judgeStatefulSet } from '../../../src/checks/statefulsets/statefulset-severity.js';
import {
  toClaimInfo,
  toEventInfo,
  toNodeInfo,
  toPodInfo,
  toRevisionInfo,
  toStatefulSetInfo,
} from '../../../src/kube/statefulset-info.js';

type Json = Record<string, unknown>;
const as = <F extends (x: never) => unknown>(_f: F, json: Json) => json as unknown as Parameters<F>[0];

export interface Extras {
  /** Events by pod name. */
  events?: Record<string, Json[]>;
  /** Nodes by name; null: the node does not exist. Absent: not read. */
  nodes?: Record<string, Json | null>;
  claims?: Record<string, Json | null>;
  claimEvents?: Record<string, Json[]>;
  stsEvents?: Json[];
  revisions?: Json[];
  podsUnreadable?: boolean;
  eventsUnreadable?: boolean;
}

/**
 * The Observation the check would build from these API objects, mapped by the same functions the
 * kube reader uses, so the pure analysis is tested on the shapes it really receives.
 */
export function observe(sts: Json, pods: Json[], x: Extras = {}): Observation {
  const info = toStatefulSetInfo(as(toStatefulSetInfo, sts));
  const podInfos = pods.map((p) => toPodInfo(as(toPodInfo, p)));
  const ev = (list: Json[] | undefined): EventInfo[] =>
    (list ?? []).map((e) => toEventInfo(as(toEventInfo, e)));
  const podEvidence = new Map<string, Omit<PodEvidence, 'pod' | 'health' | 'minReadySeconds'>>();
  for (const p of podInfos) {
    const claims = new Map<string, ClaimInfo | null>();
    for (const name of p.claimNames) {
      if (x.claims && name in x.claims) {
        const c = x.claims[name];
        claims.set(name, c ? toClaimInfo(as(toClaimInfo, c)) : null);
      }
    }
    const claimEvents = new Map(Object.entries(x.claimEvents ?? {}).map(([k, v]) => [k, ev(v)]));
    const nodeJson = p.nodeName && x.nodes && p.nodeName in x.nodes ? x.nodes[p.nodeName] : undefined;
    podEvidence.set(p.name, {
      ...(x.eventsUnreadable ? {} : { events: ev(x.events?.[p.name]) }),
      ...(nodeJson !== undefined ? { node: nodeJson ? toNodeInfo(as(toNodeInfo, nodeJson)) : null } : {}),
      claims,
      claimEvents,
    });
  }
  return {
    sts: info,
    ...(x.podsUnreadable ? {} : { pods: podInfos }),
    podEvidence,
    ...(x.stsEvents ? { stsEvents: ev(x.stsEvents) } : {}),
    ...(x.revisions ? { revisions: x.revisions.map((r) => toRevisionInfo(as(toRevisionInfo, r))) } : {}),
    unreadable: [
      ...(x.podsUnreadable ? ['pods in namespace test'] : []),
      ...(x.eventsUnreadable ? ['events in namespace test'] : []),
    ],
  };
}

/** Observation → analysis → verdict → finding, as the check does. */
export function evaluate(obs: Observation, now: Date, graceMinutes = 15) {
  const graceMs = graceMinutes * 60_000;
  const analysis = analyzeStatefulSet(obs, now);
  const verdict = judgeStatefulSet(analysis, graceMs, now);
  const finding = statefulSetFinding('prod', analysis, verdict, { graceMs, now, unreadable: obs.unreadable });
  return { analysis, verdict, finding };
}

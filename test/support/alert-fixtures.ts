import type { AlertChanges } from '../../src/alerts/alert-store.js';
import { AlertEdit } from '../../src/alerts/alert-edit.js';
import { openAlert } from '../../src/alerts/judge-alert.js';
import { defaultLifecyclePolicy } from '../../src/alerts/lifecycle-policy.js';
import type { Actor, Alert, TransitionKind } from '../../src/domain/alert.js';
import type { Finding } from '../../src/domain/finding.js';
import { fingerprint } from '../../src/domain/fingerprint.js';
import type { Severity } from '../../src/domain/severity.js';

export const maria: Actor = { kind: 'slack', id: 'U0MARIA', name: 'Maria' };

/** A non-ok StatefulSet finding on `cluster` about `object`. */
export function findingFor(cluster: string, object: string, severity: Severity = 'critical'): Finding {
  return {
    cluster,
    check: 'statefulsets',
    severity,
    source: 'statefulset',
    object,
    summary: `StatefulSet ${object} stuck: 1/3 ready`,
    nextStep: 'Check the readiness probe of the blocking pod.',
    evidence: ['mongo-0 Running but NotReady for 47 min', 'blast radius: service db/mongo'],
    fingerprint: fingerprint(cluster, 'statefulsets', 'statefulset', object),
    namespace: 'db',
  };
}

/** A freshly opened alert (seq 1) and its `opened` transition, decided by the real lifecycle. */
export function opened(id: string, finding: Finding, at: Date): AlertChanges & { alert: Alert } {
  const decision = openAlert(finding, id, {
    runId: `run-${id}`,
    now: at,
    at: at.toISOString(),
    origin: `check-run:run-${id}`,
    policy: defaultLifecyclePolicy,
    rootCause: undefined,
  });
  if (!decision) throw new Error('openAlert decided nothing');
  return { alert: decision.alert, alerts: [decision.alert], transitions: decision.transitions };
}

/** One more transition of `alert` (ack, escalation, resolution...), as the lifecycle would record it. */
export function next(
  alert: Alert,
  kind: TransitionKind,
  at: Date,
  patch: Partial<Alert> = {},
  options: { actor?: Actor; notify?: boolean } = {},
): AlertChanges & { alert: Alert } {
  const edit = new AlertEdit(alert, at.toISOString());
  edit.record(kind, patch, {
    reason: `test: ${kind}`,
    notify: options.notify ?? true,
    origin: 'test',
    ...(options.actor ? { actor: options.actor } : {}),
  });
  const result = edit.result();
  if (!result) throw new Error('no change recorded');
  return { alert: result.alert, alerts: [result.alert], transitions: result.transitions };
}

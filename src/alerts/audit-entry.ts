import type { Actor, Alert, AuditEntry, Transition } from '../domain/alert.js';
import { systemActor } from './alert-edit.js';

/** The audit line of a transition: who, what (the transition kind), when, from where, and why. */
export function auditEntryFor(transition: Transition, alert: Pick<Alert, 'cluster'>): AuditEntry {
  return {
    at: transition.at,
    actor: transition.actor ?? systemActor,
    action: transition.kind,
    alertId: transition.alertId,
    cluster: alert.cluster,
    origin: transition.origin ?? 'vigil',
    detail: transition.reason,
  };
}

/** The audit line of a refused human action (`refused:ack`), so denied attempts leave a trace too. */
export function refusedAuditEntry(
  action: string,
  by: Actor,
  at: Date,
  origin: string,
  why: string,
  alert?: Pick<Alert, 'id' | 'cluster'>,
): AuditEntry {
  return {
    at: at.toISOString(),
    actor: by,
    action: `refused:${action}`,
    ...(alert ? { alertId: alert.id, cluster: alert.cluster } : {}),
    origin,
    detail: why,
  };
}

import type { Actor, Alert } from '../domain/alert.js';
import type { AlertChanges } from './alert-store.js';
import type { AlertEdit } from './alert-edit.js';

/** A person acting on an alert from chat or the CLI. */
export interface HumanAction {
  by: Actor;
  now: Date;
  /** Where it came from, for the audit log: `slack:C0123`, `teams:19:abc@thread.tacv2`, `cli`. */
  origin: string;
}

export type RefusalCode =
  | 'unknown-alert'
  | 'resolved'
  | 'already-acknowledged'
  | 'not-acknowledged'
  | 'not-snoozed'
  | 'invalid-duration'
  | 'invalid-note'
  | 'conflict';

/**
 * The outcome of a human action: the changes to apply (with the alert as it will be) and a
 * confirmation, or a refusal whose message can be shown in chat as is (and audited as `refused:...`).
 */
export type AlertDecision =
  | { ok: true; alert: Alert; changes: AlertChanges; message: string }
  | { ok: false; code: RefusalCode; message: string };

export function refuse(code: RefusalCode, message: string): AlertDecision {
  return { ok: false, code, message };
}

export function accept(edit: AlertEdit, message: string): AlertDecision {
  const result = edit.result();
  if (!result) throw new Error('accept() needs a changed alert');
  return {
    ok: true,
    alert: result.alert,
    changes: { alerts: [result.alert], transitions: result.transitions },
    message,
  };
}

export function actorName(actor: Actor): string {
  return actor.name ?? actor.id;
}

export function sameActor(a: Actor, b: Actor): boolean {
  return a.kind === b.kind && a.id === b.id;
}

import type { Alert } from '../domain/alert.js';
import type { AlertDecision } from './alert-decision.js';
import type { AlertStore } from './alert-store.js';

/**
 * Applies a human action (acknowledge, snooze, ...) decided by a pure function, re-reading and
 * deciding again when a check run wrote the alert in between (optimistic concurrency): neither the
 * run's update nor the person's action is lost. A refusal is returned as is, nothing written.
 */
export async function actOnAlert(
  store: AlertStore,
  idOrFingerprint: string,
  decide: (alert: Alert) => AlertDecision,
  options: { maxAttempts?: number } = {},
): Promise<AlertDecision> {
  const attempts = options.maxAttempts ?? 5;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const alert = await store.get(idOrFingerprint);
    if (!alert) {
      return {
        ok: false,
        code: 'unknown-alert',
        message: `no alert ${idOrFingerprint}; \`alerts\` lists the open ones with their ids`,
      };
    }
    const decision = decide(alert);
    if (!decision.ok) return decision;
    if (await store.apply(decision.changes, { [alert.id]: alert.seq })) return decision;
  }
  return {
    ok: false,
    code: 'conflict',
    message: `alert ${idOrFingerprint} kept changing while this was being saved; please try again`,
  };
}

import type { MaintenanceWindow } from '../config/maintenance-config.js';
import type { Actor, Alert } from '../domain/alert.js';
import type { CheckName } from '../domain/finding.js';
import type { Severity } from '../domain/severity.js';
import { occurrenceAt } from '../time/weekly-window.js';
import { anyGlob } from './route-alert.js';

export type { MaintenanceWindow };

/** What a mute or a maintenance window covers; an absent key covers everything. */
export interface MuteScope {
  /** Cluster names or patterns (`prod-*`); absent = every cluster (`/k8s mute all`). */
  clusters?: readonly string[];
  checks?: readonly CheckName[];
  severities?: readonly Severity[];
}

/** An ad-hoc mute typed in chat (`/k8s mute prod 2h upgrading`). */
export interface Mute {
  /** `m1`, `m2`, ...: typed in `/k8s unmute m3`. */
  id: string;
  scope: MuteScope;
  by: Actor;
  at: string;
  until: string;
  reason?: string;
  /** Where it was typed: `slack:C0123`. */
  origin: string;
}

/**
 * One stretch of muting that holds notifications: a mute, or one occurrence of a maintenance window.
 * `key` names it across replicas (the held notifications and the one announcement hang on it).
 */
export interface ActiveMute {
  key: string;
  /** For people: `maintenance "prod upgrade"`, `mute m3 by Maria (upgrading)`. */
  label: string;
  /** When it ends (ISO). */
  until: string;
}

export type MutableAlert = Pick<Alert, 'cluster' | 'check' | 'severity'>;

export function scopeCovers(scope: MuteScope, alert: MutableAlert): boolean {
  if (scope.clusters !== undefined && !anyGlob(scope.clusters, alert.cluster)) return false;
  if (scope.checks !== undefined && !scope.checks.includes(alert.check)) return false;
  if (scope.severities !== undefined && !scope.severities.includes(alert.severity)) return false;
  return true;
}

function windowScope(w: MaintenanceWindow): MuteScope {
  return {
    ...(w.clusters !== undefined
      ? { clusters: typeof w.clusters === 'string' ? [w.clusters] : w.clusters }
      : {}),
    ...(w.checks !== undefined ? { checks: typeof w.checks === 'string' ? [w.checks] : w.checks } : {}),
    ...(w.severities !== undefined ? { severities: w.severities } : {}),
  };
}

/** The maintenance windows open at `now`, each with its occurrence (the key names the occurrence). */
export function activeWindows(
  windows: readonly MaintenanceWindow[],
  now: Date,
): { window: MaintenanceWindow; scope: MuteScope; active: ActiveMute }[] {
  return windows.flatMap((window) => {
    const o = occurrenceAt(window, now.getTime());
    if (!o) return [];
    return [
      {
        window,
        scope: windowScope(window),
        active: {
          key: `window:${window.name.toLowerCase()}:${o.start}`,
          label: `maintenance "${window.name}"`,
          until: new Date(o.end).toISOString(),
        },
      },
    ];
  });
}

export function muteLabel(mute: Mute): string {
  const who = mute.by.name ?? mute.by.id;
  return `mute ${mute.id} by ${who}${mute.reason ? ` (${mute.reason})` : ''}`;
}

/**
 * What holds an alert's notification at `at`, if anything: of every window and mute that covers it,
 * the one that ends last, so the alert is announced once when the muting is over, not at the end
 * of the first of two overlapping windows only to be held again.
 */
export function mutingFor(
  alert: MutableAlert,
  at: Date,
  windows: readonly MaintenanceWindow[],
  mutes: readonly Mute[],
): ActiveMute | undefined {
  const covering: ActiveMute[] = [
    ...activeWindows(windows, at)
      .filter((w) => scopeCovers(w.scope, alert))
      .map((w) => w.active),
    ...mutes
      .filter((m) => Date.parse(m.at) <= at.getTime() && at.getTime() < Date.parse(m.until))
      .filter((m) => scopeCovers(m.scope, alert))
      .map((m) => ({ key: `mute:${m.id}`, label: muteLabel(m), until: m.until })),
  ];
  return covering.sort((a, b) => Date.parse(b.until) - Date.parse(a.until) || a.key.localeCompare(b.key))[0];
}

/** Words for a scope: `prod, certificates, critical` or `every cluster`. */
export function describeScope(scope: MuteScope): string {
  const parts = [
    scope.clusters ? scope.clusters.join(', ') : 'every cluster',
    ...(scope.checks ? [scope.checks.join(', ')] : []),
    ...(scope.severities ? [scope.severities.join(', ')] : []),
  ];
  return parts.join(' · ');
}

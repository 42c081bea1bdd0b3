import type { AlertChanges } from '../../../src/alerts/alert-store.js';
import type { LifecyclePolicy } from '../../../src/alerts/lifecycle-policy.js';
import { reconcile } from '../../../src/alerts/reconcile.js';
import type { Actor, Alert, Transition } from '../../../src/domain/alert.js';
import type { CheckName, Finding } from '../../../src/domain/finding.js';
import { fingerprint } from '../../../src/domain/fingerprint.js';
import type { Severity } from '../../../src/domain/severity.js';

export const T0 = new Date('2026-11-21T10:00:00.000Z');
export const MIN = 60_000;
export const HOUR = 60 * MIN;

export function at(ms: number): Date {
  return new Date(T0.getTime() + ms);
}

export const policy: LifecyclePolicy = {
  resolveAfterOkRuns: 2,
  repeatIntervalMs: 4 * HOUR,
  reopenWindowMs: 1 * HOUR,
};

export const maria: Actor = { kind: 'slack', id: 'U0MARIA', name: 'maria' };
export const omar: Actor = { kind: 'slack', id: 'U0OMAR', name: 'omar' };

export function finding(object: string, severity: Severity, extra: Partial<Finding> = {}): Finding {
  const check: CheckName = extra.check ?? 'certificates';
  const source = extra.source ?? 'tls-secret';
  const cluster = extra.cluster ?? 'prod';
  return {
    cluster,
    check,
    severity,
    source,
    object,
    summary: `${object} is ${severity}`,
    fingerprint: fingerprint(cluster, check, source, object),
    namespace: 'web',
    ...extra,
  };
}

/** What run-checks.ts reports for a cluster whose API cannot be reached. */
export function accessFinding(
  summary = 'cluster prod unreachable: connect ETIMEDOUT 10.0.0.1:6443',
): Finding {
  return {
    cluster: 'prod',
    check: 'cluster',
    severity: 'unknown',
    source: 'cluster-access',
    object: 'cluster prod API https://10.0.0.1:6443',
    summary,
    fingerprint: fingerprint('prod', 'cluster', 'cluster-access', 'prod'),
  };
}

/**
 * Drives reconcile the way a job does, keeping the stored alerts in memory: every run sees what the
 * previous ones wrote. No Redis; the seq check is the store's business and tested there.
 */
export class Lifecycle {
  readonly alerts = new Map<string, Alert>();
  readonly history: Transition[] = [];
  private ids = 0;
  private runs = 0;

  constructor(
    readonly check: CheckName = 'certificates',
    readonly rules: LifecyclePolicy = policy,
  ) {}

  run(findings: Finding[], now: Date, opts: { reachable?: boolean; runId?: string } = {}): AlertChanges {
    const changes = reconcile({
      cluster: 'prod',
      check: this.check,
      runId: opts.runId ?? `run-${++this.runs}`,
      reachable: opts.reachable ?? true,
      findings,
      stored: [...this.alerts.values()],
      now,
      policy: this.rules,
      newId: () => `a${++this.ids}`,
    });
    this.write(changes);
    return changes;
  }

  write(changes: AlertChanges): void {
    for (const a of changes.alerts) this.alerts.set(a.id, a);
    this.history.push(...changes.transitions);
  }

  only(): Alert {
    const open = [...this.alerts.values()];
    if (open.length !== 1) throw new Error(`expected exactly one alert, have ${open.length}`);
    return open[0] as Alert;
  }

  get(id: string): Alert {
    const a = this.alerts.get(id);
    if (!a) throw new Error(`no alert ${id}`);
    return a;
  }
}

export function kinds(changes: AlertChanges): string[] {
  return changes.transitions.map((t) => t.kind);
}

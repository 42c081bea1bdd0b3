import type { CheckName, Finding } from '../domain/finding.js';

/**
 * Why this run cannot judge per-object alerts, or undefined when it can. Alertmanager's inhibition:
 * while the cluster is unreachable (or the check itself failed), the objects' findings are missing
 * because vigil is blind, not because they are fine, so their alerts are held (never resolved, never
 * reminded) and only the root-cause alert speaks.
 */
export function rootCause(
  run: { cluster: string; check: CheckName; reachable: boolean },
  findings: Iterable<Finding>,
): string | undefined {
  const list = [...findings];
  if (!run.reachable) {
    // run-checks.ts adds one `cluster`/`cluster-access` finding saying why (DNS, timeout, expired API cert).
    const access = list.find((f) => f.check === 'cluster' && f.severity !== 'ok');
    return access?.summary ?? `cluster ${run.cluster} unreachable`;
  }
  const failed = list.find((f) => f.check === run.check && f.source === 'check-error' && f.severity !== 'ok');
  return failed?.summary;
}

/**
 * Symptom alerts are held while there is a root cause; root-cause alerts (cluster access, a failed
 * check) are judged normally, since they are what tells people why.
 */
export function isSymptom(x: { check: CheckName; source: string }): boolean {
  return x.check !== 'cluster' && x.source !== 'check-error';
}

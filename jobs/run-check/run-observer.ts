import { VigilError } from '../../src/domain/vigil-error.js';
import type { RunCheckResult } from './run-check.js';

/** How one attempt of a run-check job ended. */
export type RunResult = 'ok' | 'unreachable' | 'skipped' | 'error';

export interface RunEnded {
  cluster: string;
  check: string;
  seconds: number;
  result: RunResult;
  /**
   * What went wrong, one entry per problem: a thrown error's VigilError code (`unexpected` for any
   * other error), `cluster-unreachable`, `check-failed` for a check that threw inside the run.
   */
  errors: string[];
}

/** Told about every run-check attempt (src/metrics counts and times them). */
export interface RunObserver {
  runEnded(run: RunEnded): void;
}

/** The RunEnded of an attempt that returned `result` or threw `error`. */
export function runEnded(
  job: { cluster: string; check: string },
  seconds: number,
  outcome: { result: RunCheckResult } | { error: unknown },
): RunEnded {
  const base = { cluster: job.cluster, check: job.check, seconds };
  if ('error' in outcome) {
    const code = outcome.error instanceof VigilError ? outcome.error.code : 'unexpected';
    return { ...base, result: 'error', errors: [code] };
  }
  const r = outcome.result;
  if (!r.ran) return { ...base, result: 'skipped', errors: [] };
  const errors = [
    ...(r.reachable ? [] : ['cluster-unreachable']),
    ...Array.from({ length: r.failedChecks }, () => 'check-failed'),
  ];
  return { ...base, result: r.reachable ? 'ok' : 'unreachable', errors };
}

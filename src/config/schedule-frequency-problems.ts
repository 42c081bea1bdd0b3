import { CronExpressionParser } from 'cron-parser';
import type { ConfigProblem } from '../domain/config-error.js';
import type { VigilConfig } from './config-schema.js';
import { scheduledChecks, type ScheduledCheck } from './schedules-config.js';

/**
 * The shortest interval each check may be scheduled at. Every run reads the whole cluster through its
 * API server (every TLS Secret, every pod), so a six-field pattern such as `* * * * * *` (every
 * second) would be a load test on kube-apiserver, not monitoring.
 */
export const minimumIntervalSeconds: Record<ScheduledCheck, number> = {
  certificates: 60,
  statefulsets: 60,
  registries: 60,
  'host-certificates': 60,
};

/** Enough consecutive runs to see the tightest gap of any pattern (a burst shows from the second run). */
const SAMPLE_RUNS = 20;

/**
 * Patterns in `schedules:` that fire more often than their check's minimum, each with its key and a
 * pattern to use instead. Runs after schema validation, so every pattern here already parses.
 */
export function scheduleFrequencyProblems(cfg: Pick<VigilConfig, 'schedules'>): ConfigProblem[] {
  const { schedules } = cfg;
  const problems: ConfigProblem[] = [];
  const judge = (pattern: string | false | undefined, key: string, check: ScheduledCheck) => {
    if (typeof pattern !== 'string') return;
    const gap = shortestGapSeconds(pattern, schedules.timezone);
    const min = minimumIntervalSeconds[check];
    if (gap === undefined || gap >= min) return;
    problems.push({
      key,
      message: `"${pattern}" runs the ${check} check every ${gap} s; the shortest interval allowed is ${min === 60 ? '1 minute' : `${min / 60} minutes`}, because each run reads the whole cluster through its API server; use e.g. "* * * * *" (every minute) or "*/5 * * * *" (every 5 minutes)`,
    });
  };
  for (const check of scheduledChecks) judge(schedules.checks[check], `schedules.checks.${check}`, check);
  for (const [cluster, patterns] of Object.entries(schedules.clusters)) {
    for (const check of scheduledChecks)
      judge(patterns[check], `schedules.clusters.${cluster}.${check}`, check);
  }
  return problems;
}

function shortestGapSeconds(pattern: string, tz: string): number | undefined {
  try {
    const runs = CronExpressionParser.parse(pattern, { tz, currentDate: new Date(Date.UTC(2030, 0, 1)) });
    let previous = runs.next().getTime();
    let shortest = Number.POSITIVE_INFINITY;
    for (let i = 1; i < SAMPLE_RUNS && runs.hasNext(); i += 1) {
      const at = runs.next().getTime();
      shortest = Math.min(shortest, at - previous);
      previous = at;
    }
    return Number.isFinite(shortest) ? Math.round(shortest / 1000) : undefined;
  } catch {
    return undefined; // unparsable patterns are reported by schedules-config.ts
  }
}

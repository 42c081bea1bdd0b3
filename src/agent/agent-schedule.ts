import { CronExpressionParser } from 'cron-parser';
import { MINUTE_MS } from '../time/time-units.js';

/** The agent's next run after `from`, reading the pattern in UTC (as `schedules.timezone` defaults). */
export function nextRun(pattern: string, from: Date): Date {
  return CronExpressionParser.parse(pattern, { tz: 'UTC', currentDate: from }).next().toDate();
}

/** Enough consecutive runs to meet the longest gap of a pattern such as `0 9,17 * * 1-5`. */
const SAMPLE_RUNS = 48;

/**
 * The longest gap between two runs, in whole minutes (rounded up): what the agent tells vigil serve
 * it reports at, so a node is called silent only after it missed runs, never between two of them.
 */
export function intervalMinutes(pattern: string, from: Date): number {
  const runs = CronExpressionParser.parse(pattern, { tz: 'UTC', currentDate: from });
  let previous = runs.next().getTime();
  let longest = 0;
  for (let i = 1; i < SAMPLE_RUNS && runs.hasNext(); i++) {
    const at = runs.next().getTime();
    longest = Math.max(longest, at - previous);
    previous = at;
  }
  return Math.max(1, Math.ceil(longest / MINUTE_MS));
}

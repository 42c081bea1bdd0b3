import { compactDuration } from './compact-duration.js';
import { utcMinute } from './utc-minute.js';

/**
 * "2026-11-21 10:02 UTC (47 min)": the absolute time in UTC, so everyone on call reads the same
 * clock whatever their Slack timezone, plus how long ago as of rendering (the message is edited on
 * every transition, which refreshes it). A time in the future shows no age; an unparseable one is
 * shown as given.
 */
export function formatSince(iso: string, now: Date): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const ms = now.getTime() - at.getTime();
  return ms < 0 ? utcMinute(at) : `${utcMinute(at)} (${compactDuration(ms)})`;
}

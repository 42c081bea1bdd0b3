/**
 * Slack signs `v0:{timestamp}:{body}` and asks apps to reject timestamps more than five minutes
 * off, which bounds how long a captured request can be replayed. Bolt rejects old timestamps but
 * accepts any from the future (DOMAIN.md §6), and a future-dated signed request stays replayable
 * until that future arrives. This check enforces the window both ways before Bolt verifies the
 * signature itself.
 */
export const timestampToleranceSeconds = 5 * 60;

export type TimestampVerdict = 'ok' | 'missing' | 'invalid' | 'stale' | 'future';

export function checkRequestTimestamp(
  header: string | string[] | undefined,
  nowMs: number,
): TimestampVerdict {
  if (header === undefined) return 'missing';
  if (Array.isArray(header) || !/^\d{1,12}$/.test(header)) return 'invalid';
  const skew = Number(header) - Math.floor(nowMs / 1000);
  if (skew > timestampToleranceSeconds) return 'future';
  if (skew < -timestampToleranceSeconds) return 'stale';
  return 'ok';
}

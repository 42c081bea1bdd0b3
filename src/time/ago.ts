import { compactDuration, compactDurationWithSeconds } from './compact-duration.js';
import { MINUTE_MS, SECOND_MS } from './time-units.js';
import { coarseDuration } from './worded-duration.js';

/**
 * "3 min ago", for chat answers read minutes after they are written (minute precision, as
 * compactDuration). Under a minute, and for a time slightly in the future (clock skew between
 * replicas), it reads "just now", never a negative age.
 */
export function ago(at: Date | string, now: Date): string {
  const ms = now.getTime() - new Date(at).getTime();
  return ms < MINUTE_MS ? 'just now' : `${compactDuration(ms)} ago`;
}

/**
 * "30 s ago", for the StatefulSet check's evidence, where seconds matter (see
 * compactDurationWithSeconds); only under a second, or in the future, does it read "just now".
 */
export function agoWithSeconds(at: Date | string, now: Date): string {
  const ms = now.getTime() - new Date(at).getTime();
  return ms < SECOND_MS ? 'just now' : `${compactDurationWithSeconds(ms)} ago`;
}

/** "in 5 days" when `target` is after `now`, "3 days ago" otherwise (coarseDuration's units). */
export function agoOrIn(target: Date, now: Date): string {
  const diff = target.getTime() - now.getTime();
  const text = coarseDuration(diff);
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

import type { Alert } from '../domain/alert.js';
import { compareSeverity } from '../domain/severity.js';
import { utcMinute } from '../time/utc-minute.js';
import type { NoticeMessage } from './chat-message.js';

/** Lines listed in one notice; the rest are counted, so a big outage stays one readable message. */
export const MUTE_END_MAX_LINES = 20;

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The one message a destination gets when a mute or maintenance window ends: which of the alerts it
 * held are still open (worst first), and how many opened and resolved meanwhile, never posted.
 * `label` is `maintenance "prod upgrade"` or `mute m3 by maria (upgrading)`.
 */
export function muteEndNotice(
  label: string,
  endedAt: string,
  alerts: readonly Alert[],
  /** `gone`: held alerts no longer stored (resolved long enough ago to expire). */
  options: { ackHint?: string; gone?: number } = {},
): NoticeMessage {
  const open = alerts
    .filter((a) => a.state !== 'resolved')
    .sort((a, b) => compareSeverity(b.severity, a.severity) || a.openedAt.localeCompare(b.openedAt));
  const resolved = alerts.length - open.length + (options.gone ?? 0);
  const name = label.charAt(0).toUpperCase() + label.slice(1);
  const title =
    open.length > 0
      ? `${name} ended: ${plural(open.length, 'alert', 'alerts')} still firing`
      : `${name} ended: nothing it held is still firing`;
  const lines = open
    .slice(0, MUTE_END_MAX_LINES)
    .map(
      (a) =>
        `${a.severity} · ${a.cluster} · ${a.id} · ${a.finding.summary}${a.state === 'firing' ? '' : ` (${a.state})`}`,
    );
  if (open.length > MUTE_END_MAX_LINES) lines.push(`…and ${open.length - MUTE_END_MAX_LINES} more`);
  if (resolved > 0) {
    lines.push(`${plural(resolved, 'more alert', 'more alerts')} resolved while muted; not posted.`);
  }
  if (open.length > 0 && options.ackHint) lines.push(options.ackHint);
  return { kind: 'notice', title, lines, footer: `ended ${utcMinute(endedAt)}` };
}

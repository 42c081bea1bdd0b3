import type { Alert } from '../src/domain/alert.js';
import { compactDuration } from '../src/time/compact-duration.js';
import { utcMinute } from '../src/time/utc-minute.js';

/** Where an alert stands, in a few words: `firing for 47 min`, `acknowledged by Maria 10:14 UTC`. */
export function alertStatus(alert: Alert, now: Date): string {
  const held = alert.held ? ' (held: cluster unreachable)' : '';
  switch (alert.state) {
    case 'firing':
      return `firing for ${compactDuration(now.getTime() - Date.parse(alert.openedAt))}${held}`;
    case 'acknowledged': {
      const a = alert.acknowledged;
      return a
        ? `acknowledged by ${a.by.name ?? a.by.id} ${utcMinute(a.at)}${a.note ? `: ${a.note}` : ''}${held}`
        : `acknowledged${held}`;
    }
    case 'snoozed':
      return alert.snoozed ? `snoozed until ${utcMinute(alert.snoozed.until)}${held}` : `snoozed${held}`;
    case 'resolved':
      return alert.resolvedAt ? `resolved ${utcMinute(alert.resolvedAt)}` : 'resolved';
  }
}

/** `a7k2q · critical · prod · firing for 47 min · <summary>`. */
export function alertLine(alert: Alert, now: Date): string {
  return [alert.id, alert.severity, alert.cluster, alertStatus(alert, now), alert.finding.summary].join(
    ' · ',
  );
}

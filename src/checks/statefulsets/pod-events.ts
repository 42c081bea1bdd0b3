import { agoWithSeconds } from '../../time/ago.js';
import type { EventInfo } from './statefulset-reader.js';

/** The most recent event with one of `reasons`, or undefined. */
export function latestEvent(events: readonly EventInfo[] | undefined, reasons: readonly string[]) {
  let latest: EventInfo | undefined;
  for (const e of events ?? []) {
    if (!reasons.includes(e.reason)) continue;
    if (!latest || (e.lastSeen ?? '') > (latest.lastSeen ?? '')) latest = e;
  }
  return latest;
}

/**
 * One line of an event or status message, bounded: probe output and scheduler messages can run to
 * kilobytes, and chat sections are capped (Slack: 3,000 characters per section).
 */
export function clip(message: string, max = 180): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** "(last 30 s ago, 94 times)": when it last happened and how often, as evidence of a pattern. */
export function eventWhen(e: EventInfo, now: Date): string {
  const parts = [
    e.lastSeen ? `last ${agoWithSeconds(e.lastSeen, now)}` : undefined,
    e.count > 1 ? `${e.count} times` : undefined,
  ];
  return parts.filter(Boolean).join(', ');
}

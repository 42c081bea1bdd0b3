/**
 * Limits of a Teams bot message. Teams answers 413 `MessageSizeTooBig` above its message limit and
 * counts the whole activity *encoded as UTF-16* (2 bytes per code unit, even for ASCII); the limit
 * has been documented as 28 KB, then 40 KB, then 100 KB, so vigil keeps to the oldest one. An alert
 * that is refused for its size would never arrive, so every renderer truncates to these.
 */
export const teamsCardLimits = {
  /** The message limit vigil assumes, counted as Teams counts (UTF-16 bytes of the activity). */
  activityBytes: 28 * 1024,
  /** What a card may take of it; the activity around it (ids, service URL, channel data) stays under 4 KB. */
  cardBytes: 24 * 1024,
  /** Adaptive Card schema version: 1.5 is what Teams renders, and Action.Execute needs at least 1.4. */
  version: '1.5',
  /** One text run; longer text is cut with "…". */
  textRun: 2000,
  /** Alert title (shown large). */
  title: 300,
  /** Thread lines and other plain text messages. */
  plainText: 4000,
  /** Card `fallbackText` and activity `summary` (notification preview). */
  summary: 400,
  /** A reply is split into at most this many cards (each one message in the thread). */
  replyPages: 5,
  /** Lines per reply card, for readability on a phone even when they are short. */
  replyLinesPerPage: 80,
} as const;

/** Size of a JSON value as Teams counts it: UTF-16 bytes of its serialization. */
export function teamsPayloadBytes(value: unknown): number {
  return JSON.stringify(value).length * 2;
}

/**
 * The web chat's own limits (src/chat/web). Nothing upstream enforces a size: these keep one card
 * readable on a phone, one Server-Sent Event small, and the whole chat bounded in memory.
 */
export const webLimits = {
  /** Messages held in memory; the least recently changed one goes first. */
  maxMessages: 500,
  /** Thread lines kept per message; older ones are counted, not kept. */
  maxThreadLines: 50,
  threadLineChars: 300,
  titleChars: 300,
  objectChars: 300,
  clusterChars: 100,
  evidenceLines: 30,
  evidenceLineChars: 500,
  blastRadiusItems: 20,
  blastRadiusChars: 200,
  nextStepChars: 2000,
  statusChars: 500,
  /** A rendered card as JSON, thread included: far above what the caps above can produce. */
  cardBytes: 64 * 1024,
  replyLines: 200,
  replyLineChars: 900,
  replyTitleChars: 200,
  replyFooterChars: 500,
  /** A reply's picture; a larger one is left out (its data is in the text). Base64 adds a third. */
  replyImageBytes: 192 * 1024,
  /** A rendered answer as JSON: the caps above keep it under this. */
  replyBytes: 384 * 1024,
  /**
   * How long the page waits for a command's answer before it reads "Working on it…" and gets the
   * answer on its event stream later (src/chat/answer-within.ts); no platform imposes one here,
   * this only keeps a stuck handler from holding the request open.
   */
  commandAnswerMs: 10_000,
  /** The same for a button press, whose outcome also shows as the card's edit. */
  actionAnswerMs: 5_000,
  /** Largest accepted JSON request body (a command is a line of text). */
  bodyBytes: 16 * 1024,
  commandChars: 1000,
  nameChars: 40,
  /** Open event streams (browser tabs); more are refused with 503 until one closes. */
  maxStreams: 64,
  /** A stream whose socket has not drained for this long is dropped (its reader stopped reading)... */
  streamStallMs: 20_000,
  /** ...or at once when this much output waits for it (a full snapshot is a few MiB at most). */
  streamBufferBytes: 64 * 1024 * 1024,
  /** Comment lines keep proxies from closing an idle stream. */
  heartbeatMs: 15_000,
} as const;

/** `text` cut to `max` characters with an ellipsis, never splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Whitespace runs (newlines included) as one space: titles and labels are one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

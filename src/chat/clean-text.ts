// Control and format characters (newlines, bidi overrides, zero-width joiners) let typed text forge
// extra lines or reorder what others read, so they never reach a reply or a stored note.
const invisible = /[\p{Cc}\p{Cf}\u2028\u2029]+/gu;

// Embeddings, overrides, isolates and the three direction marks: they reorder the text around them.
const bidiControls = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Removes bidirectional controls, so text from a cluster or a person cannot display other than it
 * reads: a certificate CN `\u202Emoc.elpmaxe.bd-dorp` would show as "prod-db.example.com". Every
 * renderer's escape function applies it (src/chat/slack/mrkdwn.ts, src/chat/teams/adaptive-card.ts),
 * so it holds for every message whatever built it.
 */
export function withoutBidiControls(text: string): string {
  return text.replace(bidiControls, '');
}

// Characters that take no space and have no direction: typed (or pasted) into a command they look
// like nothing at all, so they are no part of any word.
const zeroWidth = /[\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF]/g;

/** Removes zero-width characters (ZWSP, joiners, word joiner, BOM, soft hyphen): `ack\u200B a1` is `ack a1`. */
export function stripZeroWidth(text: string): string {
  return text.replace(zeroWidth, '');
}

/** True when nothing of the text would show: only control and format characters (or nothing). */
export function isInvisible(text: string): boolean {
  return text.replace(invisible, '').trim() === '';
}

/**
 * One line of plain text at most `max` characters (code points, so an emoji is never cut in half),
 * with control characters replaced by a space and runs of whitespace collapsed.
 */
export function cleanText(text: string, max: number): string {
  const flat = text.replace(invisible, ' ').replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= max ? flat : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/**
 * How a reply quotes something the user typed: bounded and cleaned. Replies are plain text that
 * renderers escape, so `<!channel>` arrives as the literal characters; the bound keeps a pasted
 * page from being mirrored back into a channel.
 */
export function echo(text: string, max = 40): string {
  return `"${cleanText(text, max)}"`;
}

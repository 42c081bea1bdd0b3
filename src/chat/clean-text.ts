// Control and format characters (newlines, bidi overrides, zero-width joiners) let typed text forge
// extra lines or reorder what others read, so they never reach a reply or a stored note.
const invisible = /[\p{Cc}\p{Cf}\u2028\u2029]+/gu;

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

import { withoutBidiControls } from '../clean-text.js';
import { blockKitLimits } from './block-kit-limits.js';

/**
 * Escapes text for Slack mrkdwn. Slack parses `<…>` as links and mentions (`<!channel>`, `<@U1>`,
 * `<https://x|y>`) and decodes exactly these three entities, so escaping them is what keeps a
 * cluster object name or a user's note from pinging a channel or faking a link. A backslash right
 * before `<` or `>` is dropped: it is how certificate names escape them (RFC 4514, as node:crypto
 * prints `CN=\<!channel\>`), mrkdwn has no backslash escapes, and it would show as a stray `\`.
 * Bidirectional controls are removed (src/chat/clean-text.ts).
 */
export function escapeMrkdwn(text: string): string {
  return readable(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The reverse, for text Slack sends us: it escapes `&`, `<` and `>` in slash command text, so
 * `/k8s ack a7k2q db & cache` arrives as `db &amp; cache`. Decoded in one pass so a typed "&lt;"
 * (sent as `&amp;lt;`) stays "&lt;". Handlers then see the text as typed.
 */
export function unescapeSlackText(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_, name: string) =>
    name === 'amp' ? '&' : name === 'lt' ? '<' : '>',
  );
}

const ELLIPSIS = '…';

/** What both kinds of Slack text get: no bidirectional controls, no RFC 4514 backslash before `<`, `>`. */
function readable(text: string): string {
  return withoutBidiControls(text).replace(/\\([<>])/g, '$1');
}

/**
 * Cuts plain text to `max` UTF-16 units, ending in "…", without splitting a surrogate pair; how text
 * enters a `plain_text` element (which Slack never parses), so it is made readable here too.
 */
export function truncatePlain(plain: string, max: number): string {
  const text = readable(plain);
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + ELLIPSIS;
}

/**
 * Cuts already-escaped mrkdwn to `max`, never leaving half an entity (`&am…` would render as
 * garbage) nor an unclosed code span.
 */
export function truncateMrkdwn(mrkdwn: string, max: number): string {
  if (mrkdwn.length <= max) return mrkdwn;
  let cut = truncatePlain(mrkdwn, max).slice(0, -1);
  cut = cut.replace(/&[a-z]*$/, '');
  // An odd number of backticks means a code span was opened and its closing tick was cut off.
  if ((cut.match(/`/g)?.length ?? 0) % 2 === 1) cut = cut.replace(/`[^`]*$/, '');
  return cut + ELLIPSIS;
}

/** Escaped and truncated in one step, the usual way plain text enters a block. */
export function mrkdwn(text: string, max: number = blockKitLimits.sectionText): string {
  return truncateMrkdwn(escapeMrkdwn(text), max);
}

/**
 * Inline code for names (objects, clusters, ids): no formatting applies inside, so underscores in
 * `web_tls_cert` stay underscores. A backtick inside would close the span, so it is swapped for a
 * look-alike; the text is still escaped, since Slack decodes entities inside code too.
 */
export function code(text: string, max = 500): string {
  const inner = text.replace(/`/g, 'ˋ').replace(/\s*\n\s*/g, ' ');
  return inner ? `\`${truncateMrkdwn(escapeMrkdwn(inner), Math.max(1, max - 2))}\`` : '';
}

/** A thread line: plain text escaped for mrkdwn and capped (chat.postMessage `text`). */
export function renderThreadLine(text: string): string {
  return mrkdwn(text.trim() || '(empty)', blockKitLimits.threadText);
}

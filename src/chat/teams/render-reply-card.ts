import type { ReplyMessage } from '../chat-message.js';
import { card, plainLine, rich, run, type AdaptiveCard, type CardElement } from './adaptive-card.js';
import { teamsCardLimits as limits, teamsPayloadBytes } from './teams-card-limits.js';

const LINE_MAX = 1000;
const HEADING_MAX = 200;
const FOOTER_MAX = 500;
// Room for the title, footer and "N more lines" note on every page, and the card's own envelope.
const PAGE_RESERVE_BYTES = 4 * 1024;

interface Block {
  element: CardElement;
  /** Lines of the reply it shows (0 for headings), for the "N more lines" count. */
  lines: number;
  bytes: number;
}

/**
 * A command's answer as Adaptive Cards, one per message: the title, each section's heading and
 * lines (one text run per line, so nothing in them is parsed as Markdown), the footer on every card.
 * Long answers are split into at most `maxPages` cards within Teams' size limit; the last says how
 * many lines did not fit. Teams has no ephemeral bot messages, so `private` cannot be honoured: the
 * reply goes to the thread of the question (handlers keep private answers free of cluster data).
 */
export function renderReplyCards(reply: ReplyMessage, maxPages: number = limits.replyPages): AdaptiveCard[] {
  const picture = reply.image ? imageCard(reply) : undefined;
  const text = renderTextCards(reply, picture ? maxPages - 1 : maxPages, picture === null);
  return picture ? [picture, ...text] : text;
}

/**
 * The reply's picture on a card of its own, inline as a data URI (Teams fetches no file from a bot
 * that has no public URL), when it fits the card budget; null when it does not, and the text cards
 * then say so. The PNG is drawn small for this (src/chart/palette-png.ts).
 */
function imageCard(reply: ReplyMessage): AdaptiveCard | null {
  const image = reply.image!;
  const title = plainLine(image.title, 300) || 'vigil';
  const built = card(
    [
      rich([run(title, { weight: 'Bolder', size: 'Medium' }, 320)]),
      {
        type: 'Image',
        url: `data:image/png;base64,${Buffer.from(image.png).toString('base64')}`,
        altText: plainLine(image.alt, 1000),
        size: 'Auto',
      },
    ],
    [],
    title,
  );
  return teamsPayloadBytes(built) <= limits.cardBytes ? built : null;
}

function renderTextCards(reply: ReplyMessage, maxPages: number, pictureTooLarge: boolean): AdaptiveCard[] {
  const pages = paginate(blocksOf(reply));
  const kept = pages.slice(0, Math.max(1, maxPages));
  const hidden = pages.slice(kept.length).reduce((n, p) => n + p.reduce((m, b) => m + b.lines, 0), 0);
  const title = plainLine(reply.title, 300) || 'vigil';
  return kept.map((blocks, i) => {
    const suffix = kept.length > 1 ? ` (${i + 1}/${kept.length})` : '';
    const body: CardElement[] = [
      rich([run(`${title}${suffix}`, { weight: 'Bolder', size: 'Medium' }, 320)]),
      ...blocks.map((b) => b.element),
    ];
    if (i === kept.length - 1 && hidden > 0) {
      const note = `…${hidden} more line${hidden === 1 ? '' : 's'} not shown: narrow the question to see them`;
      body.push(rich([run(note, { isSubtle: true })], 'Medium'));
    }
    if (i === kept.length - 1 && pictureTooLarge) {
      const note = 'The chart is too large for a Teams message; the same data is listed above.';
      body.push(rich([run(note, { isSubtle: true })], 'Medium'));
    }
    if (reply.footer) body.push(rich([run(reply.footer, { isSubtle: true }, FOOTER_MAX)], 'Medium'));
    return card(body, [], `${title}${suffix}`);
  });
}

function blocksOf(reply: ReplyMessage): Block[] {
  const blocks: Block[] = [];
  for (const section of reply.sections) {
    const heading = section.heading?.trim();
    if (heading) blocks.push(block(rich([run(heading, { weight: 'Bolder' }, HEADING_MAX)], 'Medium'), 0));
    let gap = false;
    for (const raw of section.lines) {
      // A blank line only spaces out the lines around it; an empty text run would show nothing.
      if (!raw.trim()) {
        gap = true;
        continue;
      }
      blocks.push(block(rich([run(raw, {}, LINE_MAX)], gap ? 'Medium' : 'None'), 1));
      gap = false;
    }
  }
  return blocks;
}

function block(element: CardElement, lines: number): Block {
  return { element, lines, bytes: teamsPayloadBytes(element) + 2 };
}

/** Groups blocks into cards under the size budget and the per-card line count. */
function paginate(blocks: Block[]): Block[][] {
  const budget = limits.cardBytes - PAGE_RESERVE_BYTES;
  const pages: Block[][] = [[]];
  let bytes = 0;
  let lines = 0;
  for (const b of blocks) {
    const page = pages[pages.length - 1]!;
    if (page.length > 0 && (bytes + b.bytes > budget || lines + b.lines > limits.replyLinesPerPage)) {
      pages.push([b]);
      bytes = b.bytes;
      lines = b.lines;
    } else {
      page.push(b);
      bytes += b.bytes;
      lines += b.lines;
    }
  }
  return pages;
}

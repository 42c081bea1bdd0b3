import type { types } from '@slack/bolt';
import type { ReplyMessage } from '../chat-message.js';
import { blockKitLimits as limits } from './block-kit-limits.js';
import { mrkdwn, truncatePlain } from './mrkdwn.js';
import type { SlackMessagePayload } from './render-alert-message.js';

/** One Slack message of a reply; long replies become several (ack first, the rest via response_url). */
export interface SlackReplyPage extends SlackMessagePayload {
  /** Slack's visibility flag: ephemeral (only the asker sees it) when the reply is private. */
  responseType: 'ephemeral' | 'in_channel';
}

/**
 * A response_url accepts 5 messages within 30 minutes (DOMAIN.md §5), and nobody scrolls through
 * more than that in a chat: past 5 pages the reply says how much it left out instead.
 */
export const maxReplyPages = 5;

const LINE_MAX = 2900;
const FOOTER_MAX = 500;
const MORE_NOTE_MAX = 200;
// Header, footer, the "N more lines" note and the picture note take one block each.
const CONTENT_BLOCKS_PER_PAGE = limits.blocksPerMessage - 4;
const CONTENT_TEXT_PER_PAGE = limits.messageTextTotal - limits.headerText - FOOTER_MAX - MORE_NOTE_MAX;

interface Chunk {
  text: string;
  lines: number;
}

/**
 * A command's answer as Block Kit pages: a header, its sections split into section blocks of at
 * most 3000 characters (never splitting a line), the footer on every page, and at most
 * `maxPages` pages, the last one saying how many lines did not fit.
 */
export function renderReplyMessage(reply: ReplyMessage, maxPages: number = maxReplyPages): SlackReplyPage[] {
  const pages = paginate(chunksOf(reply));
  const kept = pages.slice(0, Math.max(1, maxPages));
  const hiddenLines = pages.slice(kept.length).reduce((n, p) => n + p.reduce((m, c) => m + c.lines, 0), 0);
  const responseType = reply.private ? 'ephemeral' : 'in_channel';

  return kept.map((chunks, i) => {
    const suffix = kept.length > 1 ? ` (${i + 1}/${kept.length})` : '';
    const title = oneLine(reply.title) || 'vigil';
    const blocks: types.KnownBlock[] = [
      { type: 'header', text: { type: 'plain_text', text: withSuffix(title, suffix, limits.headerText) } },
      ...chunks.map((c): types.SectionBlock => ({ type: 'section', text: { type: 'mrkdwn', text: c.text } })),
    ];
    if (i === kept.length - 1 && hiddenLines > 0) {
      const note = `…${hiddenLines} more line${hiddenLines === 1 ? '' : 's'} not shown: narrow the question to see them`;
      blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn(note, MORE_NOTE_MAX) }] });
    }
    if (i === kept.length - 1 && reply.image) {
      // The picture is shared in the channel after this answer (register-slack-listeners.ts).
      const note = reply.private
        ? 'No picture for a private answer: the data is listed above.'
        : 'The chart follows in this channel as an image; the same data is listed above.';
      blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn(note, MORE_NOTE_MAX) }] });
    }
    if (reply.footer) {
      blocks.push({
        type: 'context',
        elements: [{ type: 'mrkdwn', text: mrkdwn(reply.footer, FOOTER_MAX) }],
      });
    }
    return {
      text: mrkdwn(withSuffix(title, suffix, limits.fallbackText), limits.fallbackText),
      blocks,
      responseType,
    };
  });
}

/** Sections become mrkdwn chunks of at most 3000 characters; a heading opens its section's first chunk. */
function chunksOf(reply: ReplyMessage): Chunk[] {
  const chunks: Chunk[] = [];
  for (const section of reply.sections) {
    const heading = section.heading?.trim() ? `*${mrkdwn(oneLine(section.heading), 200)}*` : undefined;
    let current: Chunk | undefined = heading ? { text: heading, lines: 0 } : undefined;
    for (const raw of section.lines) {
      const line = mrkdwn(raw.replace(/\s*\n\s*/g, ' '), LINE_MAX);
      if (current && current.text.length + 1 + line.length <= limits.sectionText) {
        current.text += `\n${line}`;
        current.lines += 1;
        continue;
      }
      if (current) chunks.push(current);
      // Slack rejects blank section text: a blank line only spaces out lines inside a chunk.
      current = line.trim() ? { text: line, lines: 1 } : undefined;
    }
    if (current) chunks.push(current);
  }
  return chunks;
}

/** Groups chunks into pages under both the 50-block and the cumulative text limit. */
function paginate(chunks: Chunk[]): Chunk[][] {
  const pages: Chunk[][] = [[]];
  let textUsed = 0;
  for (const chunk of chunks) {
    const page = pages[pages.length - 1]!;
    if (
      page.length > 0 &&
      (page.length >= CONTENT_BLOCKS_PER_PAGE || textUsed + chunk.text.length > CONTENT_TEXT_PER_PAGE)
    ) {
      pages.push([chunk]);
      textUsed = chunk.text.length;
    } else {
      page.push(chunk);
      textUsed += chunk.text.length;
    }
  }
  return pages;
}

function withSuffix(title: string, suffix: string, max: number): string {
  return truncatePlain(title, max - suffix.length) + suffix;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

import type { ReplyImage, ReplyMessage } from '../src/chat/chat-message.js';
import { cleanText } from '../src/chat/clean-text.js';

/** Longest line kept: cluster data (subjects, object names) can be arbitrarily long. */
export const MAX_LINE_CHARS = 300;
const MAX_TITLE_CHARS = 150;
/**
 * Slack limits section text to 3,000 characters, counted after escaping, and `<`, `>`, `&` grow to
 * `&lt;`, `&gt;`, `&amp;` in the renderer. Sections are split well below that, counting those
 * characters at their escaped width, so any renderer can map one section to one block.
 */
const SECTION_BUDGET = 2_500;

export interface ReplySection {
  heading?: string;
  lines: string[];
}

export interface ReplyOptions {
  title: string;
  sections?: ReplySection[];
  footer?: string;
  /** Defaults to true: only answers meant for the whole channel say otherwise. */
  private?: boolean;
  /** A picture of the same data; the sections must say it all as text too. */
  image?: ReplyImage;
}

function escapedWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += ch === '<' || ch === '>' ? 4 : ch === '&' ? 5 : 1;
  return width;
}

function splitSection(section: ReplySection): ReplySection[] {
  const out: ReplySection[] = [];
  let current: ReplySection = { ...(section.heading ? { heading: section.heading } : {}), lines: [] };
  let width = escapedWidth(section.heading ?? '');
  for (const raw of section.lines) {
    const line = cleanText(raw, MAX_LINE_CHARS);
    const w = escapedWidth(line) + 1;
    if (current.lines.length > 0 && width + w > SECTION_BUDGET) {
      out.push(current);
      current = { lines: [] };
      width = 0;
    }
    current.lines.push(line);
    width += w;
  }
  if (current.lines.length > 0 || current.heading) out.push(current);
  return out;
}

/** The one way handlers build replies: bounded lines, cleaned text, sections within chat limits. */
export function buildReply(options: ReplyOptions): ReplyMessage {
  return {
    kind: 'reply',
    private: options.private ?? true,
    title: cleanText(options.title, MAX_TITLE_CHARS),
    sections: (options.sections ?? []).flatMap(splitSection),
    ...(options.footer ? { footer: cleanText(options.footer, MAX_LINE_CHARS) } : {}),
    ...(options.image ? { image: { ...options.image, alt: cleanText(options.image.alt, 1000) } } : {}),
  };
}

import type { ReplyMessage } from '../chat-message.js';
import { clip, oneLine, webLimits as limits } from './web-limits.js';

/** A command's answer as the page shows it, under the command that asked. */
export interface WebReply {
  title: string;
  /** Only the asker ever sees an answer in the web chat; kept so the page can say so for refusals. */
  private: boolean;
  sections: { heading?: string; lines: string[] }[];
  /** "…120 more lines not shown: narrow the question to see them", when the answer was cut. */
  notShown?: string;
  footer?: string;
  /** The reply's picture, inline: `src` is a `data:image/png;base64,` URI (the page's CSP allows data: images). */
  image?: { src: string; alt: string; title: string; width: number; height: number };
}

/**
 * The neutral ReplyMessage for the page: at most `replyLines` lines in all (a `/k8s certs` of a big
 * cluster has thousands), each capped, then one line saying how many were left out.
 */
export function renderWebReply(reply: ReplyMessage): WebReply {
  let budget: number = limits.replyLines;
  let hidden = 0;
  const sections: WebReply['sections'] = [];
  for (const section of reply.sections) {
    const lines = section.lines.slice(0, Math.max(0, budget)).map((l) => clip(l, limits.replyLineChars));
    hidden += section.lines.length - lines.length;
    budget -= lines.length;
    if (lines.length === 0 && section.lines.length > 0) continue;
    const heading = section.heading?.trim();
    sections.push({ ...(heading ? { heading: clip(oneLine(heading), limits.replyTitleChars) } : {}), lines });
  }
  const out: WebReply = {
    title: clip(oneLine(reply.title), limits.replyTitleChars) || 'vigil',
    private: reply.private,
    sections,
  };
  if (hidden > 0) {
    out.notShown = `…${hidden} more line${hidden === 1 ? '' : 's'} not shown: narrow the question to see them`;
  }
  if (reply.footer) out.footer = clip(oneLine(reply.footer), limits.replyFooterChars);
  if (reply.image && reply.image.png.byteLength <= limits.replyImageBytes) {
    out.image = {
      src: `data:image/png;base64,${Buffer.from(reply.image.png).toString('base64')}`,
      alt: clip(oneLine(reply.image.alt), 1000),
      title: clip(oneLine(reply.image.title), limits.replyTitleChars),
      width: reply.image.width,
      height: reply.image.height,
    };
  }
  return out;
}

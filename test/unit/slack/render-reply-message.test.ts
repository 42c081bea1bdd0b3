import { describe, expect, it } from 'vitest';
import type { ReplyMessage } from '../../../src/chat/chat-message.js';
import { blockKitLimits } from '../../../src/chat/slack/block-kit-limits.js';
import { maxReplyPages, renderReplyMessage } from '../../../src/chat/slack/render-reply-message.js';
import { validateBlocks } from '../../fakes/slack/validate-blocks.js';

function reply(overrides: Partial<ReplyMessage> = {}): ReplyMessage {
  return {
    kind: 'reply',
    private: false,
    title: 'Certificates on prod',
    sections: [{ heading: 'Expiring', lines: ['`web-tls` in 3 days', 'etcd peer in 12 days'] }],
    footer: 'data from 3 min ago',
    ...overrides,
  };
}

function sectionTexts(blocks: unknown[]): string[] {
  return blocks
    .filter(
      (b): b is { type: 'section'; text: { text: string } } => (b as { type: string }).type === 'section',
    )
    .map((b) => b.text.text);
}

describe('renderReplyMessage', () => {
  it('renders a short reply as one page with header, sections and footer', () => {
    const pages = renderReplyMessage(reply());
    expect(pages).toHaveLength(1);
    const [page] = pages;
    expect(page!.responseType).toBe('in_channel');
    expect(page!.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Certificates on prod' },
    });
    expect(sectionTexts(page!.blocks)).toEqual(['*Expiring*\n`web-tls` in 3 days\netcd peer in 12 days']);
    expect(JSON.stringify(page!.blocks.at(-1))).toContain('data from 3 min ago');
    expect(page!.text).toBe('Certificates on prod');
  });

  it('is ephemeral when the reply is private', () => {
    expect(renderReplyMessage(reply({ private: true }))[0]!.responseType).toBe('ephemeral');
  });

  it('escapes lines, headings, footer and the fallback text', () => {
    const hostile = '<!channel> <@U1> <https://evil|x> &';
    const [page] = renderReplyMessage(
      reply({ title: hostile, sections: [{ heading: hostile, lines: [hostile] }], footer: hostile }),
    );
    const json = JSON.stringify(page!.blocks.slice(1));
    expect(json).not.toMatch(/<[!@h]/);
    expect(page!.text).not.toContain('<');
  });

  it('splits long sections into blocks of at most 3000 characters without splitting lines', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(60)}`);
    const pages = renderReplyMessage(reply({ sections: [{ heading: 'All', lines }] }));
    const texts = pages.flatMap((p) => sectionTexts(p.blocks));
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(blockKitLimits.sectionText);
    expect(
      texts
        .join('\n')
        .split('\n')
        .filter((l) => l.startsWith('line ')),
    ).toHaveLength(200);
    for (const p of pages) expect(validateBlocks(p.blocks)).toBeUndefined();
  });

  it('truncates a single line longer than a section with "…"', () => {
    const [page] = renderReplyMessage(reply({ sections: [{ lines: ['y'.repeat(10_000)] }] }));
    const [text] = sectionTexts(page!.blocks);
    expect(text!.length).toBeLessThanOrEqual(3000);
    expect(text!.endsWith('…')).toBe(true);
  });

  it('paginates huge replies into at most 5 valid pages and says what was left out', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `secret ns-${i}/cert-${i} expires in ${i} days`);
    const pages = renderReplyMessage(reply({ sections: [{ heading: 'Secrets', lines }] }));
    expect(pages).toHaveLength(maxReplyPages);
    for (const [i, p] of pages.entries()) {
      expect(validateBlocks(p.blocks)).toBeUndefined();
      expect(p.blocks.length).toBeLessThanOrEqual(blockKitLimits.blocksPerMessage);
      expect(JSON.stringify(p.blocks[0])).toContain(`(${i + 1}/5)`);
      expect(JSON.stringify(p.blocks.at(-1))).toContain('data from 3 min ago');
    }
    const shown = pages
      .flatMap((p) => sectionTexts(p.blocks))
      .join('\n')
      .split('\n')
      .filter((l) => l.startsWith('secret ')).length;
    expect(JSON.stringify(pages.at(-1)!.blocks)).toContain(`${5000 - shown} more lines not shown`);
  });

  it('puts many short sections on pages under the 50-block limit', () => {
    const sections = Array.from({ length: 120 }, (_, i) => ({ heading: `cluster-${i}`, lines: ['ok'] }));
    const pages = renderReplyMessage(reply({ sections }));
    expect(pages.length).toBe(3);
    for (const p of pages) expect(p.blocks.length).toBeLessThanOrEqual(50);
  });

  it('renders an empty reply as a header alone', () => {
    const pages = renderReplyMessage(reply({ sections: [], footer: undefined }));
    expect(pages).toHaveLength(1);
    expect(pages[0]!.blocks).toHaveLength(1);
  });
});

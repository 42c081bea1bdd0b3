import { describe, expect, it } from 'vitest';
import type { ReplyMessage } from '../../../src/chat/chat-message.js';
import { renderReplyCards } from '../../../src/chat/teams/render-reply-card.js';
import { cardActivity } from '../../../src/chat/teams/teams-activities.js';
import { markdownText, validateCard, visibleText } from '../../fakes/teams/validate-card.js';

function reply(lines: string[], overrides: Partial<ReplyMessage> = {}): ReplyMessage {
  return {
    kind: 'reply',
    private: false,
    title: 'Certificates on prod',
    sections: [{ heading: 'Expiring', lines }],
    footer: 'data from 3 min ago',
    ...overrides,
  };
}

describe('renderReplyCards', () => {
  it('renders title, heading, lines and footer as one card', () => {
    const [card, ...rest] = renderReplyCards(
      reply(['web-tls expires in 3 days', '', 'api-tls expires in 9 days']),
    );
    expect(rest).toEqual([]);
    expect(validateCard(card, cardActivity(card!))).toBeUndefined();
    const text = visibleText(card);
    for (const part of [
      'Certificates on prod',
      'Expiring',
      'web-tls expires in 3 days',
      'api-tls expires in 9 days',
      'data from 3 min ago',
    ]) {
      expect(text).toContain(part);
    }
  });

  it('splits a long answer into valid cards, numbered, with the footer on each', () => {
    const lines = Array.from(
      { length: 300 },
      (_, i) => `secret ns-${i}/tls-${i}: CN=svc-${i}.example.com expires in ${i} days`,
    );
    const cards = renderReplyCards(reply(lines));
    expect(cards.length).toBeGreaterThan(1);
    expect(cards.length).toBeLessThanOrEqual(5);
    for (const [i, card] of cards.entries()) {
      expect(validateCard(card, cardActivity(card))).toBeUndefined();
      expect(visibleText(card)).toContain(`(${i + 1}/${cards.length})`);
      expect(visibleText(card)).toContain('data from 3 min ago');
    }
    const shown = cards.map((c) => visibleText(c)).join('\n');
    expect(shown).toContain('tls-0:');
  });

  it('says how many lines did not fit in the last card', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i} ${'x'.repeat(400)}`);
    const cards = renderReplyCards(reply(lines));
    expect(cards).toHaveLength(5);
    expect(visibleText(cards[4])).toMatch(/…\d+ more lines not shown/);
    for (const card of cards) expect(validateCard(card, cardActivity(card))).toBeUndefined();
  });

  it('keeps every reply text out of Markdown', () => {
    const hostile = '[x](https://evil.example) <at>everyone</at>';
    const [card] = renderReplyCards(
      reply([hostile], {
        title: hostile,
        footer: hostile,
        sections: [{ heading: hostile, lines: [hostile] }],
      }),
    );
    expect(markdownText(card)).not.toContain('evil.example');
    expect(visibleText(card)).toContain(hostile);
  });

  it('an empty reply still renders a valid card', () => {
    const [card] = renderReplyCards({ kind: 'reply', private: true, title: '', sections: [] });
    expect(validateCard(card, cardActivity(card!))).toBeUndefined();
    expect(visibleText(card)).toContain('vigil');
  });
});

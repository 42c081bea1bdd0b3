import { describe, expect, it } from 'vitest';
import { renderWebCard, renderWebReply, webLimits } from '../../../src/chat/web/index.js';
import { alertFixture } from '../../contract/chat-platform-contract.js';

describe('renderWebCard', () => {
  it('carries every part of the alert as plain strings, with labels for people', () => {
    const card = renderWebCard(alertFixture({ alertId: 'a7k2q' }));
    expect(card).toMatchObject({
      alertId: 'a7k2q',
      severity: 'critical',
      severityLabel: 'Critical',
      stateLabel: 'Firing',
      cluster: 'prod',
      object: 'secret shop/web-tls tls.crt',
      evidence: ['notAfter 2026-11-24T09:00Z', 'issuer CN=Example CA'],
      blastRadius: ['ingress shop/web'],
      nextStep: 'cmctl renew -n shop web-tls',
    });
    expect(card.sinceText).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(card.actions).toEqual([
      { kind: 'ack', label: 'Acknowledge' },
      { kind: 'snooze', duration: '1h', label: 'Snooze 1 h', short: '1 h' },
      { kind: 'snooze', duration: '4h', label: 'Snooze 4 h', short: '4 h' },
      { kind: 'snooze', duration: '24h', label: 'Snooze 24 h', short: '24 h' },
      { kind: 'chart', label: 'Chart' },
    ]);
  });

  it('a resolved alert offers no buttons and no next step, whatever the message says', () => {
    const card = renderWebCard(alertFixture({ state: 'resolved' }));
    expect(card.actions).toEqual([]);
    expect(card.nextStep).toBeUndefined();
    expect(card.stateLabel).toBe('Resolved');
  });

  it('caps long lists with a count of the rest, and long fields with an ellipsis', () => {
    const card = renderWebCard(
      alertFixture({
        title: `line one\nline two ${'t'.repeat(1000)}`,
        evidence: Array.from({ length: 100 }, (_, i) => `pod db/mongo-${i}`),
        blastRadius: Array.from({ length: 50 }, (_, i) => `deployment shop/svc-${i}`),
      }),
    );
    expect(card.title.startsWith('line one line two')).toBe(true);
    expect(card.title).toHaveLength(webLimits.titleChars);
    expect(card.title.endsWith('…')).toBe(true);
    expect(card.evidence).toHaveLength(webLimits.evidenceLines + 1);
    expect(card.evidence.at(-1)).toBe(`…and ${100 - webLimits.evidenceLines} more`);
    expect(card.blastRadius.at(-1)).toBe(`…and ${50 - webLimits.blastRadiusItems} more`);
  });

  it('never cuts an emoji in half', () => {
    const card = renderWebCard(alertFixture({ title: `${'a'.repeat(webLimits.titleChars - 2)}😀😀` }));
    expect(card.title).toBe(`${'a'.repeat(webLimits.titleChars - 2)}…`);
  });

  it('offers only snooze durations it can read', () => {
    const card = renderWebCard(
      alertFixture({ actions: [{ kind: 'snooze', alertId: 'x', durations: ['30m', 'forever', '1h30m'] }] }),
    );
    expect(card.actions.map((a) => a.label)).toEqual(['Snooze 30 min', 'Snooze 1 h 30 min']);
  });
});

describe('renderWebReply', () => {
  it('keeps at most replyLines lines and says how many it left out', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}`);
    const reply = renderWebReply({
      kind: 'reply',
      private: false,
      title: 'Certificates\non prod',
      sections: [
        { heading: 'A', lines },
        { heading: 'B', lines: ['never shown'] },
      ],
      footer: 'data from 2 min ago',
    });
    expect(reply.title).toBe('Certificates on prod');
    expect(reply.sections).toHaveLength(1);
    expect(reply.sections[0]?.lines).toHaveLength(webLimits.replyLines);
    expect(reply.notShown).toBe(
      `…${1001 - webLimits.replyLines} more lines not shown: narrow the question to see them`,
    );
    expect(reply.footer).toBe('data from 2 min ago');
  });

  it('an empty reply is still a reply with a title', () => {
    expect(renderWebReply({ kind: 'reply', private: true, title: '', sections: [] })).toEqual({
      title: 'vigil',
      private: true,
      sections: [],
    });
  });
});

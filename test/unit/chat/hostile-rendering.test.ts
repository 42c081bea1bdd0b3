import { describe, expect, it } from 'vitest';
import { buildAlertMessage } from '../../../src/chat/build-alert-message.js';
import type { AlertMessage, ReplyMessage } from '../../../src/chat/chat-message.js';
import { certificateFinding } from '../../../src/checks/certificates/certificate-finding.js';
import { evaluateBundle } from '../../../src/checks/certificates/evaluate-bundle.js';
import { defaultThresholds } from '../../../src/checks/certificates/expiry-thresholds.js';
import { parseCertificates } from '../../../src/checks/certificates/parse-certificates.js';
import { renderThreadLine } from '../../../src/chat/slack/mrkdwn.js';
import { renderAlertMessage } from '../../../src/chat/slack/render-alert-message.js';
import { renderReplyMessage } from '../../../src/chat/slack/render-reply-message.js';
import { renderAlertCard } from '../../../src/chat/teams/render-alert-card.js';
import { renderReplyCards } from '../../../src/chat/teams/render-reply-card.js';
import { plainTextActivity } from '../../../src/chat/teams/teams-activities.js';
import { issueCa, issueLeaf } from '../../../src/simulator/cert-factory.js';
import { bidiControls, reversedCommonName } from '../../fixtures/hostile/invisible-text.js';
import { opened } from '../../support/alert-fixtures.js';

/**
 * What reaches chat from a hostile certificate name or note, through every renderer: no
 * bidirectional control (they reorder what readers see), and a mention in a CN as visible,
 * harmless text.
 */
const now = new Date('2026-11-21T12:00:00Z');

function alertMessage(text: string): AlertMessage {
  return {
    kind: 'alert',
    alertId: 'a7k2q',
    severity: 'critical',
    state: 'firing',
    cluster: `prod${text}`,
    check: 'certificates',
    title: `Secret shop/web-tls: certificate ${text} expires in 3 days`,
    object: `secret shop/${text}`,
    since: '2026-11-21T10:02:00Z',
    evidence: [`subject ${text}`],
    blastRadius: [`ingress shop/${text}`],
    nextStep: `Renew ${text}`,
    status: `Acknowledged by ${text}`,
    actions: [{ kind: 'ack', alertId: 'a7k2q' }],
  };
}

function reply(text: string): ReplyMessage {
  return {
    kind: 'reply',
    private: false,
    title: `Certificates ${text}`,
    sections: [{ heading: `On ${text}`, lines: [`web-tls ${text} expires in 3 days`] }],
    footer: `data ${text}`,
  };
}

describe('bidirectional controls never reach chat', () => {
  it.each(bidiControls.map((c) => [`U+${c.codePointAt(0)!.toString(16).toUpperCase()}`, c]))(
    '%s is removed by the Slack and Teams renderers alike',
    (_name, control) => {
      const text = `${reversedCommonName}${control}x`;
      const rendered = [
        renderAlertMessage(alertMessage(text), now),
        renderReplyMessage(reply(text)),
        renderThreadLine(`acknowledged by ${text}`),
        renderAlertCard(alertMessage(text), now),
        renderReplyCards(reply(text)),
        plainTextActivity(`acknowledged by ${text}`),
      ];
      for (const r of rendered) {
        const json = JSON.stringify(r);
        for (const c of bidiControls) expect(json).not.toContain(c);
        // JSON.stringify leaves these as they are; an escaped form would be a miss too.
        expect(json).not.toMatch(/\\u20(2[a-e]|6[6-9]|0[ef])/i);
      }
    },
  );

  it('keeps the readable part of the name', () => {
    const { blocks } = renderAlertMessage(alertMessage(reversedCommonName), now);
    expect(JSON.stringify(blocks)).toContain('CN=moc.elpmaxe.bd-dorp');
  });
});

describe('a mention in a certificate name', () => {
  // node:crypto prints the subject RFC 4514 style: CN=\<!channel\>.
  const ca = issueCa('hostile-ca', now);
  const leaf = issueLeaf('<!channel>', now, 3, { issuer: ca, sans: ['shop.example.com'] });
  const evaluation = evaluateBundle(
    parseCertificates(Buffer.from(leaf.chainPem)).certificates,
    now,
    defaultThresholds,
  );
  const finding = certificateFinding(
    {
      cluster: 'prod',
      source: 'tls-secret',
      object: 'secret shop/web-tls',
      label: 'Secret shop/web-tls (tls.crt)',
      namespace: 'shop',
    },
    evaluation,
    now,
  );
  const message = buildAlertMessage(opened('a7k2q', finding, now).alert);

  it('arrives from the certificate escaped the RFC 4514 way', () => {
    expect(message.title).toContain('CN=\\<!channel\\>');
  });

  it('shows on Slack as the visible text <!channel>, without backslashes, and pings nobody', () => {
    const { text, blocks } = renderAlertMessage(message, now);
    const texts: { type: string; text: string }[] = [{ type: 'mrkdwn', text }];
    JSON.stringify(blocks, (_key, value: unknown) => {
      const v = value as { type?: unknown; text?: unknown };
      if ((v?.type === 'mrkdwn' || v?.type === 'plain_text') && typeof v.text === 'string') {
        texts.push({ type: v.type, text: v.text });
      }
      return value;
    });
    const naming = texts.filter((t) => t.text.includes('channel'));
    // The notification text (mrkdwn) and the header (plain_text: Slack parses nothing there).
    expect(naming.map((t) => t.type)).toEqual(['mrkdwn', 'plain_text']);
    for (const t of naming) {
      expect(t.text).toContain(t.type === 'mrkdwn' ? 'CN=&lt;!channel&gt;' : 'CN=<!channel>');
      expect(t.text).not.toMatch(/\\(<|&lt;)/);
    }
    for (const t of texts.filter((x) => x.type === 'mrkdwn')) expect(t.text).not.toContain('<!channel>');
  });

  it('stays plain text on Teams (a TextRun parses nothing)', () => {
    const card = JSON.stringify(renderAlertCard(message, now));
    expect(card).toContain(
      '"type":"TextRun","text":"Secret shop/web-tls (tls.crt): certificate CN=\\\\<!channel\\\\>',
    );
  });
});

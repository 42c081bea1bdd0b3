import { describe, expect, it } from 'vitest';
import {
  code,
  escapeMrkdwn,
  mrkdwn,
  renderThreadLine,
  truncateMrkdwn,
  truncatePlain,
  unescapeSlackText,
} from '../../../src/chat/slack/mrkdwn.js';

describe('escapeMrkdwn', () => {
  it('drops the RFC 4514 backslash before < and > (certificate names), no other backslash', () => {
    expect(escapeMrkdwn('CN=\\<!channel\\>, O=acme')).toBe('CN=&lt;!channel&gt;, O=acme');
    expect(escapeMrkdwn('C:\\certs\\web.pem a\\,b')).toBe('C:\\certs\\web.pem a\\,b');
  });

  it('removes bidirectional controls', () => {
    expect(escapeMrkdwn('CN=\u202Emoc.elpmaxe\u2066x\u200F')).toBe('CN=moc.elpmaxex');
  });

  it('turns the three characters Slack parses into entities', () => {
    expect(escapeMrkdwn('a & b < c > d')).toBe('a &amp; b &lt; c &gt; d');
  });

  it('defuses mentions and links typed by users or found in cluster objects', () => {
    for (const hostile of [
      '<!channel>',
      '<!here>',
      '<!everyone>',
      '<@U024BE7LH>',
      '<#C123>',
      '<https://evil.example|click me>',
      '<!subteam^S123>',
    ]) {
      const out = escapeMrkdwn(hostile);
      expect(out).not.toContain('<');
      expect(out).not.toContain('>');
    }
  });

  it('escapes an already-escaped entity again, so "&lt;" typed by a user shows as typed', () => {
    expect(escapeMrkdwn('&lt;!channel&gt;')).toBe('&amp;lt;!channel&amp;gt;');
  });
});

describe('truncation', () => {
  it('leaves short text alone and marks cuts with an ellipsis', () => {
    expect(truncatePlain('short', 10)).toBe('short');
    const cut = truncatePlain('x'.repeat(20), 10);
    expect(cut).toHaveLength(10);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('never splits a surrogate pair', () => {
    const cut = truncatePlain('ab😀😀😀', 4);
    expect(cut).toBe('ab…');
  });

  it('never leaves half an entity behind', () => {
    const escaped = escapeMrkdwn('aaaa&&&&');
    for (let max = 5; max < escaped.length; max += 1) {
      const cut = truncateMrkdwn(escaped, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut).not.toMatch(/&[a-z]*…$/);
    }
  });

  it('drops a code span whose closing backtick would be cut off', () => {
    const cut = truncateMrkdwn('see `a-very-long-object-name`', 12);
    expect((cut.match(/`/g) ?? []).length % 2).toBe(0);
  });

  it('mrkdwn() escapes first and stays within the limit', () => {
    const out = mrkdwn('<'.repeat(5000), 3000);
    expect(out.length).toBeLessThanOrEqual(3000);
    expect(out).not.toContain('<');
  });
});

describe('code', () => {
  it('wraps in backticks, escapes, and swaps inner backticks', () => {
    expect(code('db/mongo')).toBe('`db/mongo`');
    expect(code('a`b<c>')).toBe('`aˋb&lt;c&gt;`');
  });

  it('respects its length limit including the backticks', () => {
    expect(code('x'.repeat(1000), 50).length).toBeLessThanOrEqual(50);
  });
});

describe('renderThreadLine', () => {
  it('escapes and caps a transition line', () => {
    expect(renderThreadLine('acknowledged by <@U1> <!channel>')).toBe(
      'acknowledged by &lt;@U1&gt; &lt;!channel&gt;',
    );
    expect(renderThreadLine('y'.repeat(10_000)).length).toBeLessThanOrEqual(3000);
  });
});

describe('unescapeSlackText', () => {
  it('restores what the user typed from the entities Slack sends', () => {
    expect(unescapeSlackText('ack a7k2q db &amp; cache &lt;soon&gt;')).toBe('ack a7k2q db & cache <soon>');
    expect(unescapeSlackText('&amp;lt;')).toBe('&lt;');
    expect(escapeMrkdwn(unescapeSlackText('a &amp; &lt;!channel&gt;'))).toBe('a &amp; &lt;!channel&gt;');
  });
});

import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { redactTokens, slackLogger } from '../../../src/chat/slack/slack-logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, base: pino({ level: 'debug' }, stream) };
}

describe('slackLogger', () => {
  it('drops SDK debug output, which prints request bodies', () => {
    const { lines, base } = capture();
    slackLogger(base).debug('http request body: {"token":"legacy-verification-token"}');
    expect(lines).toHaveLength(0);
  });

  it('masks anything shaped like a Slack token', () => {
    const { lines, base } = capture();
    slackLogger(base).warn('failed with', { authorization: 'Bearer xoxb-123-456-secret' });
    expect(lines.join('')).not.toContain('xoxb-123-456-secret');
    expect(redactTokens('xoxp-1-2 and xapp-1-A-b')).toBe('[redacted-slack-token] and [redacted-slack-token]');
  });
});

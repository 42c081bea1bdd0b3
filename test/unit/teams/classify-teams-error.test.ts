import { describe, expect, it } from 'vitest';
import { classifyTeamsError, parseRetryAfter } from '../../../src/chat/teams/classify-teams-error.js';

function restError(statusCode: number, code?: string, retryAfter?: string) {
  return Object.assign(new Error('failed'), {
    name: 'RestError',
    statusCode,
    code,
    response: { headers: { get: (name: string) => (name === 'retry-after' ? retryAfter : undefined) } },
  });
}

describe('classifyTeamsError', () => {
  it('429 waits Retry-After (seconds or HTTP date), 2 s without one', () => {
    expect(classifyTeamsError(restError(429, 'Throttled', '3'), { operation: 'post' })).toMatchObject({
      code: 'chat-rate-limited',
      retryAfterMs: 3000,
    });
    const at = Date.parse('2026-11-21T10:00:10Z');
    const byDate = classifyTeamsError(restError(429, undefined, 'Sat, 21 Nov 2026 10:00:10 GMT'), {
      operation: 'post',
      now: () => at - 4000,
    });
    expect(byDate.retryAfterMs).toBe(4000);
    expect(classifyTeamsError(restError(429), { operation: 'post' }).retryAfterMs).toBe(2000);
  });

  it.each([
    [412, 'chat-unavailable'],
    [500, 'chat-unavailable'],
    [502, 'chat-unavailable'],
    [503, 'chat-unavailable'],
    [504, 'chat-timeout'],
    [408, 'chat-timeout'],
  ])('%i is retryable (%s)', (status, code) => {
    const error = classifyTeamsError(restError(status), { operation: 'update', alias: 'sre' });
    expect(error).toMatchObject({ code, retryable: true });
  });

  it.each([
    [401, 'chat-forbidden', 'MicrosoftAppPassword'],
    [403, 'chat-forbidden', 'Add vigil to it again'],
    [400, 'chat-invalid', 'HTTP 400'],
    [413, 'chat-invalid', 'too large'],
  ])('%i is permanent (%s)', (status, code, hint) => {
    const error = classifyTeamsError(restError(status, 'SomeCode'), { operation: 'post', alias: 'sre' });
    expect(error).toMatchObject({ code, retryable: false });
    expect(error.userMessage).toContain(hint);
  });

  it('404 means a missing conversation on post, a missing message on update', () => {
    expect(classifyTeamsError(restError(404), { operation: 'post', alias: 'sre' }).userMessage).toContain(
      'removed from that team',
    );
    expect(classifyTeamsError(restError(404), { operation: 'update', alias: 'sre' }).userMessage).toContain(
      'alert message',
    );
  });

  it('timeouts, network errors and Entra ID refusals', () => {
    expect(
      classifyTeamsError(Object.assign(new Error('aborted'), { name: 'AbortError' }), { operation: 'post' }),
    ).toMatchObject({
      code: 'chat-timeout',
      retryable: true,
    });
    expect(
      classifyTeamsError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), { operation: 'post' }),
    ).toMatchObject({
      code: 'chat-unavailable',
      retryable: true,
    });
    const aad = classifyTeamsError(
      new Error(
        'invalid_client: AADSTS7000215: Invalid client secret provided. Trace ID: 1 app 0f8fad5b secret=abc',
      ),
      { operation: 'post' },
    );
    expect(aad).toMatchObject({ code: 'chat-forbidden', retryable: false });
    expect(aad.userMessage).toContain('AADSTS7000215');
    expect(aad.userMessage).not.toContain('secret=abc');
  });

  it('does not repeat a connector error code that is not a plain word', () => {
    const error = classifyTeamsError(restError(400, '<script>alert(1)</script>'), { operation: 'post' });
    expect(error.userMessage).not.toContain('<script>');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, fractions and dates; ignores junk', () => {
    expect(parseRetryAfter('2', () => 0)).toBe(2000);
    expect(parseRetryAfter('0.5', () => 0)).toBe(500);
    expect(parseRetryAfter('soon', () => 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, () => 0)).toBeUndefined();
  });
});

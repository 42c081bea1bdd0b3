import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlackWebApi } from '../fakes/slack/index.js';

/**
 * Pins the fake to Slack's wire behaviour that the adapter depends on, so a test passing against
 * the fake means something: errors as HTTP 200 ok:false, newest-first history with opaque cursors,
 * metadata only with include_all_metadata, thread replies kept out of history, limits enforced.
 */

let fake: FakeSlackWebApi;

interface ApiBody {
  ok: boolean;
  error?: string;
  ts?: string;
  bot_id?: string;
  has_more?: boolean;
  messages: { text: string; metadata?: unknown; reply_count?: number }[];
  response_metadata: { next_cursor: string };
}

async function call(method: string, args: Record<string, string>, token: string | null = fake.token) {
  const res = await fetch(`${fake.apiUrl}${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: new URLSearchParams(args).toString(),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as ApiBody,
  };
}

beforeAll(async () => {
  fake = await FakeSlackWebApi.start({ token: 'xoxb-honest' });
});
afterAll(() => fake.close());

describe('FakeSlackWebApi', () => {
  it('answers auth problems like Slack: HTTP 200 with ok:false', async () => {
    expect(await call('auth.test', {}, null)).toMatchObject({
      status: 200,
      body: { ok: false, error: 'not_authed' },
    });
    expect(await call('auth.test', {}, 'xoxb-other')).toMatchObject({
      status: 200,
      body: { ok: false, error: 'invalid_auth' },
    });
    expect((await call('auth.test', {})).body).toMatchObject({ ok: true, bot_id: 'B0VIGIL' });
    expect(fake.calls.at(-1)).toMatchObject({ method: 'auth.test', authorized: true });
    expect(JSON.stringify(fake.calls)).not.toContain('xoxb-honest');
  });

  it('pages history newest first and shows metadata only when asked', async () => {
    const metadata = JSON.stringify({ event_type: 'vigil_alert', event_payload: { alert_id: 'h1' } });
    const first = await call('chat.postMessage', { channel: 'C0HIST', text: 'first', metadata });
    await call('chat.postMessage', { channel: 'C0HIST', text: 'reply', thread_ts: first.body.ts! });
    for (const text of ['second', 'third']) await call('chat.postMessage', { channel: 'C0HIST', text });

    const page1 = await call('conversations.history', { channel: 'C0HIST', limit: '2' });
    expect(page1.body['messages'].map((m) => m.text)).toEqual(['third', 'second']);
    expect(page1.body['has_more']).toBe(true);
    const page2 = await call('conversations.history', {
      channel: 'C0HIST',
      limit: '2',
      cursor: page1.body.response_metadata.next_cursor,
    });
    expect(page2.body['messages'].map((m) => m.text)).toEqual(['first']);
    expect(page2.body.messages[0]!.metadata).toBeUndefined();
    expect(page2.body.messages[0]!.reply_count).toBe(1);
    expect(page2.body['response_metadata'].next_cursor).toBe('');

    const withMeta = await call('conversations.history', {
      channel: 'C0HIST',
      include_all_metadata: 'true',
      oldest: first.body.ts!,
      inclusive: 'true',
    });
    expect(withMeta.body.messages.at(-1)!.metadata).toEqual({
      event_type: 'vigil_alert',
      event_payload: { alert_id: 'h1' },
    });
    const exclusive = await call('conversations.history', { channel: 'C0HIST', oldest: first.body.ts! });
    expect(exclusive.body['messages']).toHaveLength(2);
  });

  it('enforces Block Kit limits like Slack', async () => {
    const blocks = JSON.stringify([{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }]);
    expect((await call('chat.postMessage', { channel: 'C0LIM', blocks })).body).toEqual({
      ok: false,
      error: 'invalid_blocks',
    });
    const many = JSON.stringify(Array.from({ length: 51 }, () => ({ type: 'divider' })));
    expect((await call('chat.postMessage', { channel: 'C0LIM', blocks: many })).body['error']).toBe(
      'invalid_blocks',
    );
    const long = JSON.stringify(
      Array.from({ length: 5 }, () => ({
        type: 'section',
        text: { type: 'mrkdwn', text: 'y'.repeat(2900) },
      })),
    );
    expect((await call('chat.postMessage', { channel: 'C0LIM', blocks: long })).body['error']).toBe(
      'msg_blocks_too_long',
    );
    expect((await call('chat.postMessage', { channel: 'C0LIM' })).body['error']).toBe('no_text');
  });

  it('injects 429 with Retry-After per channel, 5xx, and errors for N calls', async () => {
    fake.rateLimit({ channel: 'C0HOT', retryAfterSeconds: 7, times: 2 });
    fake.failStatus(502, { method: 'usergroups.users.list', times: 1 });
    expect(await call('chat.postMessage', { channel: 'C0HOT', text: 'a' })).toMatchObject({
      status: 429,
      retryAfter: '7',
    });
    expect((await call('chat.postMessage', { channel: 'C0COLD', text: 'a' })).status).toBe(200);
    expect((await call('chat.postMessage', { channel: 'C0HOT', text: 'a' })).status).toBe(429);
    expect((await call('chat.postMessage', { channel: 'C0HOT', text: 'a' })).status).toBe(200);
    const res = await fetch(`${fake.apiUrl}usergroups.users.list`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-honest' },
    });
    expect(res.status).toBe(502);
  });

  it('records posts to response URLs', async () => {
    await fetch(fake.responseUrl('commands/1'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hi' }),
    });
    expect(fake.responses.at(-1)).toEqual({ path: '/hooks/commands/1', body: { text: 'hi' } });
  });
});

import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRequest, CommandRequest } from '../../src/chat/chat-message.js';
import type { ReplyMessage } from '../../src/chat/chat-message.js';
import { ChatDeliveryError } from '../../src/chat/chat-delivery-error.js';
import { createWebChat, type WebCard, type WebChat } from '../../src/chat/web/index.js';
import { errorReplyTitle, internalErrorLine } from '../../src/chat/error-reply.js';
import { VigilError } from '../../src/domain/vigil-error.js';
import { createHttpServer, type HttpServer } from '../../src/http/create-http-server.js';
import { alertFixture } from '../contract/chat-platform-contract.js';
import { readEvents, type EventReader } from '../contract/web-event-reader.js';

const ok: ReplyMessage = { kind: 'reply', private: true, title: 'ok', sections: [] };

async function serve(
  options: Partial<Parameters<typeof createWebChat>[0]> = {},
): Promise<{ web: WebChat; server: HttpServer; base: string; port: number }> {
  const web = createWebChat({
    rooms: ['alerts'],
    bindHost: '127.0.0.1',
    onCommand: async () => ok,
    onAction: async () => ok,
    ...options,
  });
  const server = createHttpServer({ routes: web.routes, readiness: () => true });
  const { port } = await server.start(0, '127.0.0.1');
  return { web, server, port, base: `http://127.0.0.1:${port}` };
}

/** A raw request, for headers fetch will not let a test set (Host). */
function raw(
  port: number,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: body ? 'POST' : 'GET', headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (body: unknown, extra: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...extra },
  body: JSON.stringify(body),
});

describe('web chat over HTTP', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  const commands: CommandRequest[] = [];
  const actions: ActionRequest[] = [];
  let respondLater: ((r: ReplyMessage) => Promise<void>) | undefined;

  beforeAll(async () => {
    s = await serve({
      onCommand: async (r) => {
        commands.push(r);
        respondLater = r.respond;
        return ok;
      },
      onAction: async (r) => {
        actions.push(r);
        return ok;
      },
    });
  });
  afterAll(() => s?.server.stop());

  it('serves the page with a CSP that allows only its own script and style', async () => {
    const res = await fetch(`${s.base}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(await res.text()).toMatch(/<script>[\s\S]+EventSource\('\/events'\)/);
  });

  it('answers only under a loopback Host without a token (no DNS rebinding)', async () => {
    expect((await raw(s.port, '/api/feed', { host: `localhost:${s.port}` })).status).toBe(200);
    const rebound = await raw(s.port, '/api/feed', { host: 'attacker.example' });
    expect(rebound.status).toBe(403);
    expect(rebound.text).toMatch(/127\.0\.0\.1 or localhost only/);
  });

  it('refuses POSTs that are not JSON from this origin, and bodies over the limit', async () => {
    const text = await fetch(`${s.base}/api/command`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ text: 'help', name: 'x' }),
    });
    expect(text.status).toBe(403);
    const other = await fetch(
      `${s.base}/api/command`,
      json({ text: 'help', name: 'x' }, { origin: 'https://evil.example' }),
    );
    expect(other.status).toBe(403);
    const big = await fetch(`${s.base}/api/command`, json({ text: 'x'.repeat(20_000), name: 'x' }));
    expect(big.status).toBe(413);
    // Chunked, so no Content-Length to refuse up front: reading stops at the limit.
    const body = new TextEncoder().encode(JSON.stringify({ text: 'x'.repeat(20_000), name: 'x' }));
    const chunked = await fetch(`${s.base}/api/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(body);
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(commands).toHaveLength(0);
  });

  it('refuses a missing or odd name, and an empty command, with a reason', async () => {
    for (const [body, reason] of [
      [{ text: 'help' }, /enter your name/],
      [{ text: 'help', name: '<b>x</b>' }, /letters, digits/],
      [{ text: 'help', name: 'n'.repeat(41) }, /up to 40/],
      [{ text: '   ', name: 'Maria' }, /type a command/],
    ] as const) {
      const res = await fetch(`${s.base}/api/command`, json(body));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(reason);
    }
    expect(commands).toHaveLength(0);
  });

  it('a later answer goes to the page that asked, on its own event stream', async () => {
    const page = await readEvents(`${s.base}/events`);
    const other = await readEvents(`${s.base}/events`);
    try {
      const client = await page.next('hello', (e) =>
        e.event === 'hello' ? (e.data as { client: string }).client : undefined,
      );
      const res = await fetch(
        `${s.base}/api/command`,
        json({ text: 'check prod', name: 'Maria', client, ref: 'q7' }),
      );
      expect(res.status).toBe(200);
      await respondLater?.({
        kind: 'reply',
        private: true,
        title: 'prod checked',
        sections: [{ lines: ['all ok'] }],
      });
      const later = await page.next('reply', (e) =>
        e.event === 'reply' ? (e.data as { ref: string; reply: { title: string } }) : undefined,
      );
      expect(later).toMatchObject({ ref: 'q7', reply: { title: 'prod checked' } });
      await new Promise((r) => setTimeout(r, 200));
      expect(other.events.some((e) => e.event === 'reply')).toBe(false);
    } finally {
      page.close();
      other.close();
    }
  });

  it('a button press names the card; the alert id comes from the board, and only offered buttons count', async () => {
    const ref = await s.web.platform.post('alerts', alertFixture({ alertId: 'btn7' }));
    const press = (body: Record<string, unknown>) =>
      fetch(`${s.base}/api/action`, json({ name: 'Maria', messageId: ref.messageId, ...body }));
    expect((await press({ action: 'snooze', duration: '3h' })).status).toBe(400);
    expect((await press({ action: 'ack', alertId: 'someone-else' })).status).toBe(200);
    expect(actions.at(-1)?.action).toEqual({ kind: 'ack', alertId: 'btn7' });
    await s.web.platform.update(ref, alertFixture({ alertId: 'btn7', state: 'resolved', actions: [] }));
    const late = await press({ action: 'ack' });
    expect(late.status).toBe(400);
    expect(((await late.json()) as { error: string }).error).toMatch(/offers no such button now/);
    expect((await press({ action: 'ack', messageId: 'nope' })).status).toBe(400);
  });

  it('a page that stops reading is dropped; delivery to everyone else goes on', async () => {
    // Two streams allowed: once the stalled one is dropped, a third page can connect.
    const slow = await serve({ streams: { maxStreams: 2, heartbeatMs: 100, stallMs: 500 } });
    try {
      // A reader that never reads: the kernel's buffers fill, then the server's socket stops draining.
      await new Promise<void>((resolve) =>
        request({ host: '127.0.0.1', port: slow.port, path: '/events' }, (res) => {
          res.pause();
          resolve();
        }).end(),
      );
      const reader = await readEvents(`${slow.base}/events`);
      expect((await fetch(`${slow.base}/events`)).status).toBe(503);
      const big = alertFixture({ evidence: Array.from({ length: 30 }, () => 'e'.repeat(490)) });
      let posted = 0;
      let third: EventReader | undefined;
      while (!third && posted < 4000) {
        const started = Date.now();
        for (let i = 0; i < 50; i++)
          await slow.web.platform.post('alerts', { ...big, alertId: `s${posted++}` });
        // Delivery never waits for readers.
        expect(Date.now() - started).toBeLessThan(2000);
        await new Promise((r) => setTimeout(r, 100));
        third = await readEvents(`${slow.base}/events`).catch(() => undefined);
      }
      expect(third).toBeDefined();
      third?.close();
      // The live reader took every message, at its own pace, and was never dropped.
      const last = `s${posted - 1}`;
      await reader.next(`message ${last}`, (e) =>
        e.event === 'message' && (e.data as WebCard).alertId === last ? true : undefined,
      );
      reader.close();
    } finally {
      await slow.server.stop();
    }
  });

  it('refuses event streams past the cap with 503 and a Retry-After', async () => {
    const capped = await serve({ streams: { maxStreams: 1 } });
    try {
      const first = await readEvents(`${capped.base}/events`);
      const second = await fetch(`${capped.base}/events`);
      expect(second.status).toBe(503);
      expect(second.headers.get('retry-after')).toBe('10');
      first.close();
    } finally {
      await capped.server.stop();
    }
  });
});

describe('web chat answers', () => {
  it('past its deadline a command answers "Working on it…" and the answer follows on the stream', async () => {
    let finish: (() => void) | undefined;
    const s = await serve({
      answerWithinMs: { command: 50 },
      onCommand: () =>
        new Promise<ReplyMessage>((resolve) => {
          finish = () => resolve({ ...ok, title: 'certs prod' });
        }),
    });
    const page = await readEvents(`${s.base}/events`);
    try {
      const client = await page.next('hello', (e) =>
        e.event === 'hello' ? (e.data as { client: string }).client : undefined,
      );
      const res = await fetch(
        `${s.base}/api/command`,
        json({ text: 'certs prod', name: 'Maria', client, ref: 'q1' }),
      );
      expect(await res.json()).toMatchObject({ ref: 'q1', reply: { title: 'Working on it…' } });
      finish?.();
      const later = await page.next('reply', (e) =>
        e.event === 'reply' ? (e.data as { ref: string; reply: { title: string } }) : undefined,
      );
      expect(later).toMatchObject({ ref: 'q1', reply: { title: 'certs prod' } });
    } finally {
      page.close();
      await s.server.stop();
    }
  });

  it('past its deadline a Chart press says the chart follows, and it arrives on the presser’s stream', async () => {
    let finish: (() => void) | undefined;
    const s = await serve({
      answerWithinMs: { action: 50 },
      onAction: () =>
        new Promise<ReplyMessage>((resolve) => {
          finish = () => resolve({ ...ok, private: false, title: 'Certificate expiries on prod' });
        }),
    });
    const page = await readEvents(`${s.base}/events`);
    try {
      const client = await page.next('hello', (e) =>
        e.event === 'hello' ? (e.data as { client: string }).client : undefined,
      );
      const posted = await s.web.platform.post('alerts', alertFixture({ alertId: 'ch4rt' }));
      const res = await fetch(
        `${s.base}/api/action`,
        json({ messageId: posted.messageId, action: 'chart', name: 'Maria', client }),
      );
      expect(await res.json()).toMatchObject({
        reply: {
          title: 'Working on it…',
          sections: [{ lines: ['The chart follows below when it is drawn.'] }],
        },
      });
      finish?.();
      const later = await page.next('reply', (e) =>
        e.event === 'reply' ? (e.data as { reply: { title: string } }) : undefined,
      );
      expect(later.reply.title).toBe('Certificate expiries on prod');
    } finally {
      page.close();
      await s.server.stop();
    }
  });

  it('a failing handler gets the one error reply: a VigilError says why, anything else only that it was logged', async () => {
    const logged: string[] = [];
    const s = await serve({
      log: {
        error: (_fields, message) => logged.push(message),
        warn: (_fields, message) => logged.push(message),
      },
      onCommand: async (r) => {
        if (r.text === 'refused') throw new VigilError('nope', 'prod is not yours to ask about');
        throw new Error('ECONNREFUSED 10.0.0.5:6379');
      },
    });
    try {
      const ask = async (text: string) =>
        (
          (await (await fetch(`${s.base}/api/command`, json({ text, name: 'Maria' }))).json()) as {
            reply: { title: string; sections: { lines: string[] }[] };
          }
        ).reply;
      const refused = await ask('refused');
      expect(refused.title).toBe(errorReplyTitle);
      expect(refused.sections[0]?.lines).toEqual(['prod is not yours to ask about']);
      const broken = await ask('certs prod');
      expect(broken.sections[0]?.lines).toEqual([internalErrorLine]);
      expect(JSON.stringify(broken)).not.toContain('ECONNREFUSED');
      expect(logged).toEqual(['a chat request was refused', 'a chat request failed']);
    } finally {
      await s.server.stop();
    }
  });

  it('a press the handler answers with nothing gets no reply: the card edit is the answer', async () => {
    const s = await serve({ onAction: async () => undefined });
    try {
      const ref = await s.web.platform.post('alerts', alertFixture({ alertId: 'quiet1' }));
      const res = await fetch(
        `${s.base}/api/action`,
        json({ name: 'Maria', messageId: ref.messageId, action: 'ack' }),
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ reply: null });
    } finally {
      await s.server.stop();
    }
  });
});

describe('web chat with a token', () => {
  const token = 'integration-token-0123456789abcdef';
  let s: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    s = await serve({ bindHost: '0.0.0.0', token });
  });
  afterAll(() => s?.server.stop());

  it('refuses to start beyond loopback without one', () => {
    expect(() =>
      createWebChat({
        rooms: ['a'],
        bindHost: '0.0.0.0',
        onCommand: async () => ok,
        onAction: async () => ok,
      }),
    ).toThrow(VigilError);
    expect(() =>
      createWebChat({ rooms: ['a'], bindHost: '::', onCommand: async () => ok, onAction: async () => ok }),
    ).toThrow(/VIGIL_WEB_TOKEN/);
  });

  it('accepts the token as a Bearer header, and nothing else', async () => {
    expect((await fetch(`${s.base}/api/feed`)).status).toBe(401);
    expect(
      (await fetch(`${s.base}/api/feed`, { headers: { authorization: `Bearer ${token}x` } })).status,
    ).toBe(401);
    expect(
      (await fetch(`${s.base}/api/feed`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
    expect((await fetch(`${s.base}/events`, { headers: { cookie: `vigil_web=${token}` } })).status).toBe(401);
  });

  it('swaps a ?token= link for an HttpOnly SameSite=Strict cookie, which then opens everything', async () => {
    const wrong = await fetch(`${s.base}/?token=nope`, { redirect: 'manual' });
    expect(wrong.status).toBe(401);
    const res = await fetch(`${s.base}/?token=${token}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^vigil_web=[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Strict/);
    expect(cookie).not.toContain(token);
    const session = cookie.split(';')[0]!;
    expect((await fetch(`${s.base}/api/feed`, { headers: { cookie: session } })).status).toBe(200);
    const secure = await fetch(`${s.base}/?token=${token}`, {
      redirect: 'manual',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(secure.headers.get('set-cookie')).toMatch(/; Secure$/);
  });
});

describe('web platform', () => {
  it('keeps the newest messages within its cap, and an edit brings a dropped one back under its id', async () => {
    const s = await serve({ maxMessages: 3 });
    try {
      const refs = [];
      for (const id of ['m1', 'm2', 'm3'])
        refs.push(await s.web.platform.post('alerts', alertFixture({ alertId: id })));
      // m1 changed last, so m2 is the least recently changed when m4 arrives.
      await s.web.platform.reply(refs[0]!, 'still here');
      await s.web.platform.post('alerts', alertFixture({ alertId: 'm4' }));
      const ids = async () =>
        ((await (await fetch(`${s.base}/api/feed`)).json()) as { messages: WebCard[] }).messages.map(
          (m) => m.alertId,
        );
      expect((await ids()).sort()).toEqual(['m1', 'm3', 'm4']);
      const error = await s.web.platform.reply(refs[1]!, 'lost').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ChatDeliveryError);
      expect(error).toMatchObject({ code: 'chat-not-found', retryable: false });
      await s.web.platform.update(refs[1]!, alertFixture({ alertId: 'm2', status: 'Acknowledged by Maria' }));
      expect(await ids()).toContain('m2');
      expect(await s.web.platform.findPosted('alerts', 'm2', new Date(0))).toMatchObject({
        messageId: refs[1]!.messageId,
      });
    } finally {
      await s.server.stop();
    }
  });

  it('a room no route names is a permanent not-found that lists the rooms', async () => {
    const s = await serve({ rooms: ['alerts', 'db-team'] });
    try {
      const error = (await s.web.platform
        .post('typo', alertFixture())
        .catch((e: unknown) => e)) as ChatDeliveryError;
      expect(error).toMatchObject({ code: 'chat-not-found', retryable: false });
      expect(error.userMessage).toMatch(/alerts, db-team/);
    } finally {
      await s.server.stop();
    }
  });

  it('needs at least one room', () => {
    expect(() =>
      createWebChat({
        rooms: [],
        bindHost: '127.0.0.1',
        onCommand: async () => ok,
        onAction: async () => ok,
      }),
    ).toThrow(/web: \[alerts\]/);
  });
});

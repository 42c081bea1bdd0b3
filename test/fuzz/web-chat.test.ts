import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ReplyMessage } from '../../src/chat/chat-message.js';
import { createWebChat, type WebChat } from '../../src/chat/web/index.js';
import { createHttpServer, type HttpServer } from '../../src/http/create-http-server.js';
import { alertFixture } from '../contract/chat-platform-contract.js';
import { editedDocument } from './document-edits.js';
import { asyncOutcomeOf, fuzzParams, mutatedBytes, tally } from './fuzz-run.js';

/**
 * The web chat's POST routes on vigil's real HTTP server, with generated bodies: a command or a
 * button press with values replaced or removed, mutated bytes, odd content types and headers. Every
 * request is answered below 500; every refusal is JSON whose `error` says what to fix.
 */
vi.hoisted(() => {
  process.env.LOG_LEVEL ??= 'error';
});

const ok: ReplyMessage = { kind: 'reply', private: true, title: 'ok', sections: [{ lines: ['fine'] }] };
let web: WebChat;
let server: HttpServer;
let base: string;
let messageId: string;

beforeAll(async () => {
  web = createWebChat({
    rooms: ['alerts'],
    bindHost: '127.0.0.1',
    onCommand: async () => ok,
    onAction: async () => ok,
  });
  server = createHttpServer({ routes: web.routes, readiness: () => true });
  const { port } = await server.start(0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
  messageId = (await web.platform.post('alerts', alertFixture({ alertId: 'fz1' }))).messageId;
});
afterAll(async () => {
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
  await server.stop();
});

const t = tally('web-chat');

async function post(path: string, body: Buffer | string, headers: Record<string, string>) {
  return asyncOutcomeOf(t, async () => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers, body });
    const text = await res.text();
    expect(res.status, `answered ${res.status}: ${text.slice(0, 200)}`).toBeLessThan(500);
    if (res.status >= 400 && res.status !== 413) {
      const error = (JSON.parse(text) as { error?: unknown }).error;
      expect(typeof error === 'string' && error.trim().length > 0, `a ${res.status} without a reason`).toBe(
        true,
      );
    }
    return `http-${res.status}`;
  });
}

const headers = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
    ),
    origin: fc.constantFrom('https://evil.example', 'null', 'http://127.0.0.1'),
    'sec-fetch-site': fc.constantFrom('same-origin', 'cross-site', 'none'),
  },
  { requiredKeys: [] },
);

describe('fuzz: web chat routes', () => {
  it('a command with values replaced or removed is answered below 500, refusals with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(
        editedDocument({ text: 'certs prod --expiring 30', name: 'Maria', client: 'c1', ref: 'q7' }),
        async (doc) => {
          await post('/api/command', JSON.stringify(doc) ?? 'null', { 'content-type': 'application/json' });
        },
      ),
      fuzzParams(80),
    );
  });

  it('a button press with values replaced or removed is answered below 500, refusals with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom('ack', 'snooze')
          .chain((action) => editedDocument({ name: 'Maria', messageId, action, duration: '4h' })),
        async (doc) => {
          await post('/api/action', JSON.stringify(doc) ?? 'null', { 'content-type': 'application/json' });
        },
      ),
      fuzzParams(80),
    );
  });

  it('mutated bytes under any content type and origin are answered below 500', async () => {
    const seed = Buffer.from(
      JSON.stringify({ text: 'ack fz1 "on it"', name: 'Maria', client: 'c1', ref: 'q7' }),
    );
    await fc.assert(
      fc.asyncProperty(
        mutatedBytes(seed),
        headers,
        fc.constantFrom('/api/command', '/api/action'),
        async (body, h, path) => {
          await post(path, body, h);
        },
      ),
      fuzzParams(80),
    );
  });
});

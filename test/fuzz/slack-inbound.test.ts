import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ReplyMessage } from '../../src/chat/chat-message.js';
import { createSlackRoute } from '../../src/chat/slack/index.js';
import { createHttpServer, type HttpServer } from '../../src/http/create-http-server.js';
import { blockActionsPayload, FakeSlackWebApi, slashCommandBody } from '../fakes/slack/index.js';
import { MemoryReplayGuard } from '../support/memory-replay-guard.js';
import { editedDocument, hostileValue } from './document-edits.js';
import { asyncOutcomeOf, fuzzParams, mutatedBytes, tally } from './fuzz-run.js';

/**
 * Signed Slack bodies, mutated, posted to /slack/events on vigil's real HTTP server: every one is
 * answered below 500 (Bolt's receiver never throws past vigil's guard), and the server keeps serving.
 * Signed with the right secret, so only vigil's own checks stand between the body and Bolt.
 */
// Thousands of refusals each log a warning; only errors are worth reading here.
vi.hoisted(() => {
  process.env.LOG_LEVEL ??= 'error';
});

const SECRET = 'fuzz-signing-secret';
let fake: FakeSlackWebApi;
let server: HttpServer;
let base: string;
const reply: ReplyMessage = { kind: 'reply', private: true, title: 'ok', sections: [{ lines: ['fine'] }] };

beforeAll(async () => {
  fake = await FakeSlackWebApi.start();
  const route = createSlackRoute({
    env: { signingSecret: SECRET, botToken: fake.token, apiUrl: fake.apiUrl },
    workspace: () => ({ teamId: 'T0FAKE' }),
    replayGuard: new MemoryReplayGuard(),
    replayCheckTimeoutMs: 300,
    onCommand: async () => reply,
    onAction: async () => reply,
    resolveUserGroups: async () => [],
    ackDeadlineMs: 400,
  });
  server = createHttpServer({ readiness: () => true, routes: [route] });
  const { port } = await server.start(0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await server.stop();
  await fake.close();
});

const t = tally('slack-inbound');
const contentTypes = [
  'application/x-www-form-urlencoded',
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'multipart/form-data; boundary=x',
  '',
];

async function post(body: Buffer, contentType: string, sign: 'right' | 'wrong' | 'none' = 'right') {
  return asyncOutcomeOf(t, async () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const mac = createHmac('sha256', sign === 'wrong' ? 'not-the-secret' : SECRET);
    const signature = `v0=${mac.update(`v0:${ts}:`).update(body).digest('hex')}`;
    const res = await fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: {
        ...(contentType ? { 'content-type': contentType } : {}),
        ...(sign === 'none' ? {} : { 'x-slack-request-timestamp': ts, 'x-slack-signature': signature }),
      },
      body,
    });
    await res.arrayBuffer();
    expect(res.status, `answered ${res.status}`).toBeLessThan(500);
    if (sign !== 'right') expect(res.status).toBe(401);
    return `http-${res.status}`;
  });
}

const form = (fields: [string, string][]) => Buffer.from(new URLSearchParams(fields).toString());
const asText = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

describe('fuzz: Slack inbound bodies', () => {
  afterAll(async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('a slash command with fields replaced, removed or repeated is answered below 500', async () => {
    const fields = [
      ...new URLSearchParams(slashCommandBody({ text: 'help', response_url: fake.responseUrl('c/1') })),
    ];
    const edit = fc.record({
      at: fc.nat(),
      op: fc.constantFrom('replace', 'remove', 'repeat'),
      value: fc.oneof(
        hostileValue.map(asText),
        fc.constantFrom('/k8s', 'T0OTHER', 'certs prod --expiring 9'),
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
        const out = fields.map(([k, v]) => [k, v] as [string, string]);
        for (const e of edits) {
          const i = e.at % out.length;
          const [key] = out[i]!;
          if (e.op === 'replace') out[i] = [key, e.value];
          else if (e.op === 'remove' && out.length > 1) out.splice(i, 1);
          else out.push([key, e.value]);
        }
        await post(form(out), 'application/x-www-form-urlencoded');
      }),
      fuzzParams(60),
    );
  });

  it('a block_actions payload with values replaced or removed is answered below 500', async () => {
    const payload = blockActionsPayload({
      responseUrl: fake.responseUrl('a/1'),
      action: { action_id: 'vigil_ack:a7k2q', type: 'button', value: 'a7k2q' },
    });
    await fc.assert(
      fc.asyncProperty(editedDocument(payload), fc.boolean(), async (doc, asJson) => {
        const text = JSON.stringify(doc) ?? 'undefined';
        await post(
          asJson ? Buffer.from(text) : form([['payload', text]]),
          asJson ? 'application/json' : 'application/x-www-form-urlencoded',
        );
      }),
      fuzzParams(60),
    );
  });

  it('Events API JSON with values replaced or removed is answered below 500', async () => {
    const events = [
      { type: 'url_verification', challenge: 'abc', token: 'legacy' },
      {
        type: 'event_callback',
        team_id: 'T0FAKE',
        api_app_id: 'A0VIGIL',
        event_id: 'Ev1',
        event_time: 1700000000,
        event: {
          type: 'app_mention',
          user: 'U0MARIA',
          text: '<@U0VIGIL> help',
          channel: 'C0ALERTS',
          ts: '1.2',
        },
      },
      { type: 'app_rate_limited', team_id: 'T0FAKE', minute_rate_limited: 1 },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...events).chain(editedDocument), async (doc) => {
        await post(Buffer.from(JSON.stringify(doc) ?? 'null'), 'application/json');
      }),
      fuzzParams(40),
    );
  });

  it('mutated body bytes under any content type, signed or not, are answered below 500', async () => {
    const seed = Buffer.from(
      slashCommandBody({ text: 'ack a7k2q "on it"', response_url: fake.responseUrl('c/2') }) +
        `&payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions' }))}`,
    );
    await fc.assert(
      fc.asyncProperty(
        mutatedBytes(seed),
        fc.constantFrom(...contentTypes),
        fc.constantFrom('right', 'right', 'right', 'wrong', 'none' as const),
        async (body, type, sign) => {
          await post(body, type, sign);
        },
      ),
      fuzzParams(60),
    );
  });
});

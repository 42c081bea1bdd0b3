import { createServer, type ServerResponse } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChallenge } from '../../src/probe/registry-challenge.js';
import { probeRegistry } from '../../src/probe/registry-probe.js';
import type { RegistryFailureKind } from '../../src/probe/registry-probe-result.js';
import { hostileRegistryAnswers } from '../fixtures/hostile/registry-answers.js';
import { listenOnLoopback } from '../../src/simulator/listen-on-loopback.js';
import { asyncOutcomeOf, fuzzParams, outcomeOf, tally } from './fuzz-run.js';

/**
 * Registry challenges and error bodies. parseChallenge on any header value: returns a usable
 * challenge or undefined, never throws, never backtracks for long. probeRegistry against a loopback
 * server answering `/v2/`, the token realm and the manifest with generated statuses, WWW-Authenticate
 * headers, Retry-After values, redirects and bodies: every probe ends with a named failure kind
 * (`unexpected` only for an HTTP status no stage expects, never for the probe's own crash) or
 * passes, within its timeout.
 * Realms and redirects only ever point at loopback: header junk is generated around them, never
 * inside the host, so no mutation can send the probe to a name a resolver would look up. (PORT in a
 * generated header is the server's port, filled in when it is sent.)
 */
const t = tally('registry');

interface Answer {
  status: number;
  headers: [string, string][];
  body: string;
}
let scenario: { v2: Answer; token: Answer; manifest: Answer } | undefined;
let port = 0;

let close: () => Promise<void>;
beforeAll(async () => {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const answer = !scenario
      ? undefined
      : path === '/v2/'
        ? scenario.v2
        : path.startsWith('/token')
          ? scenario.token
          : path.includes('/manifests/')
            ? scenario.manifest
            : undefined;
    req.resume();
    if (!answer) return send(res, { status: 404, headers: [], body: '' });
    send(res, answer);
  });
  ({ port, close } = await listenOnLoopback(server));
});
afterAll(() => close());

function send(res: ServerResponse, a: Answer) {
  try {
    for (const [k, v] of a.headers) res.appendHeader(k, v.replaceAll('PORT', String(port)));
    res.writeHead(a.status);
  } catch {
    // A header node refuses to send (a control character): answer without it.
    res.writeHead(a.status);
  }
  res.end(a.body);
}

const realm = () =>
  fc.constantFrom(
    `http://127.0.0.1:PORT/token`,
    `http://127.0.0.1:PORT/token?x="y"&scope=a,b`,
    `https://127.0.0.1:PORT/token`,
    `http://127.0.0.1:1/token`,
    `ftp://127.0.0.1:PORT/token`,
    '/token',
    'not a url',
    'http://[::1',
    'javascript:alert(1)',
    '',
    `http://127.0.0.1:PORT/\\"token`,
  );
const junk = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('"', '\\', ',', '=', ' ', '\t', '""', '\\"', ',,,,', '=' + '"'.repeat(50), ' '.repeat(200)),
);
const param = fc.oneof(
  fc.tuple(fc.constantFrom('realm', 'Realm', 'REALM'), realm()),
  fc.tuple(fc.constantFrom('service', 'scope', 'error', 'x', ''), junk),
  fc.tuple(junk, junk),
);
const anyChallenge = fc
  .record({
    scheme: fc.constantFrom('Bearer', 'bearer', 'Basic', 'Negotiate', '', 'Bearer,', ' Bearer'),
    params: fc.array(param, { maxLength: 5 }),
    quote: fc.constantFrom('"', '', "'"),
    sep: fc.constantFrom(',', ', ', ' ', ',,', ''),
  })
  .map(({ scheme, params, quote, sep }) =>
    `${scheme} ${params.map(([k, v]) => `${k}=${quote}${v}${quote}`).join(sep)}`.slice(0, 2000),
  );

const challenge = fc.oneof(
  anyChallenge,
  // Well-formed but for one part, so the token stage is reached often.
  fc
    .tuple(realm(), junk, fc.constantFrom('repository:shop/web:pull', '', 'a"b'))
    .map(
      ([r, service, scope]) =>
        `Bearer realm="${r}",service="${service.replaceAll('"', '')}",scope="${scope}"`,
    ),
);

const errorBody = fc.oneof(
  fc.constantFrom('', 'null', '[]', '{}', '{"errors":null}', '{"errors":[null,1,"x"]}', '{"errors":{}}'),
  fc
    .array(
      fc.record(
        {
          code: fc.oneof(
            fc.string(),
            fc.constantFrom('UNAUTHORIZED', 'DENIED', 'TOOMANYREQUESTS'),
            fc.integer(),
          ),
          message: fc.oneof(fc.string(), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 4 },
    )
    .map((errors) => JSON.stringify({ errors })),
  fc.string({ maxLength: 200 }),
  fc.constant('<html>' + 'x'.repeat(70_000) + '</html>'),
);
const status = fc.constantFrom(
  200,
  200,
  401,
  401,
  401,
  403,
  404,
  429,
  500,
  503,
  301,
  302,
  307,
  0x7f + 100,
  600 - 1,
);
const retryAfter = fc.constantFrom(
  '',
  '5',
  '-1',
  '1e9',
  'Wed, 21 Oct 2015 07:28:00 GMT',
  'soon',
  '9'.repeat(40),
);
const location = () =>
  fc.constantFrom(
    `http://127.0.0.1:PORT/v2/`,
    `/v2/`,
    `http://127.0.0.1:PORT/v2/shop/web/manifests/1`,
    '',
    '//',
    'http://[::1',
  );
const answer = (withChallenge: boolean) =>
  fc
    .record({
      status,
      challenges: fc.array(challenge, { minLength: withChallenge ? 1 : 0, maxLength: 3 }),
      retryAfter: fc.option(retryAfter),
      location: fc.option(location()),
      digest: fc.option(fc.oneof(fc.string(), fc.constantFrom('sha256:' + 'a'.repeat(64), 'sha256:'))),
      contentType: fc.option(
        fc.constantFrom('application/json', 'text/html', 'application/vnd.oci.image.manifest.v1+json'),
      ),
      body: errorBody,
    })
    .map((a): Answer => ({
      status: a.status,
      headers: [
        ...a.challenges.map((c): [string, string] => ['www-authenticate', c]),
        ...(a.retryAfter !== null ? [['retry-after', a.retryAfter] as [string, string]] : []),
        ...(a.location !== null ? [['location', a.location] as [string, string]] : []),
        ...(a.digest !== null ? [['docker-content-digest', a.digest] as [string, string]] : []),
        ...(a.contentType !== null ? [['content-type', a.contentType] as [string, string]] : []),
      ],
      body: a.body,
    }));
const tokenAnswer = fc
  .record({
    status: fc.constantFrom(200, 200, 200, 401, 403, 500),
    body: fc.oneof(
      errorBody,
      fc
        .record(
          {
            token: fc.oneof(fc.constantFrom('tok', ''), fc.jsonValue()),
            access_token: fc.oneof(fc.constantFrom('tok'), fc.jsonValue()),
            expires_in: fc.oneof(fc.integer(), fc.constantFrom('60', null, -1)),
          },
          { requiredKeys: [] },
        )
        .map((o) => JSON.stringify(o)),
    ),
  })
  .map((a): Answer => ({ status: a.status, headers: [['content-type', 'application/json']], body: a.body }));

/** Every named kind; the type makes a new kind a compile error here until it is listed. */
const named: Record<Exclude<RegistryFailureKind, 'unexpected'>, true> = {
  dns: true,
  refused: true,
  timeout: true,
  unreachable: true,
  reset: true,
  'tls-expired': true,
  'tls-not-yet-valid': true,
  'tls-untrusted': true,
  'tls-wrong-name': true,
  'not-tls': true,
  'tls-error': true,
  'server-error': true,
  forbidden: true,
  'not-a-registry': true,
  'bad-challenge': true,
  'auth-rejected': true,
  'auth-required': true,
  'insecure-realm': true,
  'bad-redirect': true,
  'not-found': true,
  'rate-limited': true,
};
const knownKinds = new Set<string>(Object.keys(named));

function probe(withCredentials: boolean) {
  return probeRegistry({
    registry: `127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    plainHttp: true,
    timeoutMs: 1500,
    pulls: [
      {
        id: 'p',
        image: { repository: 'shop/web', reference: '1', display: 'shop/web:1' },
        credentials: withCredentials
          ? [{ origin: 'pull secret shop/regcred', username: 'ci', password: 'Fuzz-Pa55word-7q' }]
          : [],
      },
    ],
    dockerHub: false,
  });
}

describe('fuzz: registry challenges and error bodies', () => {
  it.each(hostileRegistryAnswers)(
    'replays the answer found by fuzzing: $name',
    async ({ status, headers, kind }) => {
      const none: Answer = { status: 404, headers: [], body: '' };
      scenario = { v2: { status, headers, body: '' }, token: none, manifest: none };
      const r = await probe(false);
      expect(r.failure).toMatchObject({ stage: 'v2', kind });
      expect(r.failure?.detail).toMatch(/redirect/);
    },
  );

  it('parseChallenge reads any header value, or several, without throwing', () => {
    const header = fc.oneof(
      challenge,
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.array(fc.oneof(challenge, fc.string()), { maxLength: 4 }),
      fc.constant(undefined),
      fc.constantFrom(
        `Bearer ${'a=b,'.repeat(5000)}`,
        `Bearer realm="${'\\'.repeat(10_000)}`,
        `Bearer ${' '.repeat(10_000)}x`,
      ),
    );
    fc.assert(
      fc.property(header, (h) => {
        outcomeOf(t, () => {
          const c = parseChallenge(
            Array.isArray(h) ? h.map((v) => v.replaceAll('PORT', '5000')) : h?.replaceAll('PORT', '5000'),
          );
          if (c?.scheme === 'bearer') expect(['http:', 'https:']).toContain(new URL(c.realm).protocol);
          return `challenge:${c?.scheme ?? 'none'}`;
        });
      }),
      fuzzParams(400),
    );
  });

  it('a probe against generated answers ends in a named failure kind or passes, within its timeout', async () => {
    const probeCase = fc.record({
      v2: answer(true),
      token: tokenAnswer,
      manifest: answer(false),
      creds: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(probeCase, async (c) => {
        scenario = c;
        await asyncOutcomeOf(t, async () => {
          const r = await probe(c.creds);
          const failure = r.failure;
          if (!failure) return 'probe:passed';
          // `unexpected` names a status no stage expects (a 227 on /v2/); without one it is the
          // probe's own crash ("vigil failed while probing") or an error it could not classify.
          if (failure.kind === 'unexpected') expect(failure.httpStatus, failure.detail).toBeDefined();
          else expect(knownKinds).toContain(failure.kind);
          expect(failure.detail.trim()).not.toBe('');
          expect(failure.detail).not.toContain('Fuzz-Pa55word-7q');
          return `probe:${failure.stage}:${failure.kind}`;
        });
      }),
      fuzzParams(120),
    );
  });
});

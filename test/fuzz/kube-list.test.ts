import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KubeAccessError } from '../../src/kube/kube-access-error.js';
import { KubeCertificateReader } from '../../src/kube/kube-certificate-reader.js';
import { listInPages } from '../../src/kube/list-in-pages.js';
import { ListBoundError } from '../../src/kube/list-bound-error.js';
import { KubeResponseError } from '../../src/kube/kube-response-error.js';
import { loadClusterConnection, type ClusterConnection } from '../../src/kube/load-cluster-connection.js';
import { kubeconfigText } from '../../src/simulator/kube-api-server/index.js';
import { listenOnLoopback } from '../../src/simulator/listen-on-loopback.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import {
  hostileKubeListAnswers,
  hostileKubeListBodies,
  hostileKubeListItems,
} from '../fixtures/hostile/kube-list-answers.js';
import { editedDocument } from './document-edits.js';
import { asyncOutcomeOf, fuzzParams, mutatedBytes, tally } from './fuzz-run.js';

/**
 * Kubernetes list responses, generated: an HTTPS "API server" on loopback answers the TLS Secret list
 * page by page from a script of pages (valid lists with values replaced, mutated bytes, HTML, Status
 * objects, huge pages), continue tokens that may point back at earlier pages, and bodies sent slowly
 * or never finished. KubeCertificateReader.tlsSecretPages, through src/kube/kube-client.ts, ends or
 * throws a KubeAccessError (a VigilError naming the list) within the request timeout: never a
 * TypeError, never an endless walk. listInPages itself gets endless fresh tokens with small bounds.
 */
vi.hoisted(() => {
  process.env.LOG_LEVEL ??= 'error';
});

const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const ca = issueCa('kubernetes', now);
const serving = issueLeaf('kube-apiserver', now, 200, { issuer: ca, sans: ['127.0.0.1'] });
const t = tally('kube-list');

interface Page {
  status: number;
  contentType: string;
  body: Buffer;
  /** Milliseconds between the two halves of the body; -1 never sends the second half. */
  pauseMs: number;
}
let script: Page[] = [];

const dir = mkdtempSync(join(tmpdir(), 'vigil-fuzz-kube-'));
let close: () => Promise<void>;
let conn: ClusterConnection;
beforeAll(async () => {
  const server = https.createServer({ cert: serving.chainPem, key: serving.keyPem }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://x');
    const token = url.searchParams.get('continue');
    const index = token === null ? 0 : Number(/^t(\d+)$/.exec(token)?.[1] ?? -1);
    const page = script[index];
    if (!page) {
      res.writeHead(410, { 'content-type': 'application/json' });
      res.end('{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Expired","code":410}');
      return;
    }
    void answer(res, page);
  });
  const listening = await listenOnLoopback(server);
  close = async () => {
    server.closeAllConnections();
    await listening.close();
  };
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    kubeconfigText({ server: `https://127.0.0.1:${listening.port}`, caPem: ca.certPem, token: 'good-token' }),
  );
  conn = loadClusterConnection({ name: 'prod', kubeconfig, requestTimeoutMs: 700 }, {});
});
afterAll(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

async function answer(res: ServerResponse, page: Page) {
  res.writeHead(page.status, { 'content-type': page.contentType });
  const half = Math.floor(page.body.length / 2);
  res.write(page.body.subarray(0, half));
  if (page.pauseMs < 0) return; // never finished: the client's request timeout must end it
  if (page.pauseMs > 0) await sleep(page.pauseMs);
  if (!res.destroyed) res.end(page.body.subarray(half));
}

const keyMaterial = '-----BEGIN PRIVATE KEY----- fuzz-secret-material';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (i: number) => ({
  metadata: { name: `web-tls-${i}`, namespace: 'shop', uid: `u${i}` },
  type: 'kubernetes.io/tls',
  data: { 'tls.crt': b64(serving.certPem), 'tls.key': b64(keyMaterial) },
});
/** Huge pages hold many small Secrets: the item count is what is under test, not the bytes. */
const small = (i: number) => ({
  metadata: { name: `s-${i}`, namespace: 'shop' },
  type: 'kubernetes.io/tls',
  data: {},
});
const list = (items: unknown[], token?: string) => ({
  kind: 'SecretList',
  apiVersion: 'v1',
  metadata: { resourceVersion: '1', ...(token ? { continue: token } : {}) },
  items,
});

/** One page of the script; `next` is the index its continue token points at, or none. */
const page = (next: number | null): fc.Arbitrary<Page> => {
  const token = next === null ? undefined : `t${next}`;
  const good = list([secret(1), secret(2)], token);
  const json = (doc: unknown) => Buffer.from(JSON.stringify(doc) ?? 'null');
  const body = fc.oneof(
    { weight: 3, arbitrary: fc.constant(json(good)) },
    { weight: 3, arbitrary: editedDocument(good).map(json) },
    { weight: 2, arbitrary: mutatedBytes(json(good)) },
    { weight: 1, arbitrary: fc.constant(Buffer.from('<html><body>login</body></html>')) },
    {
      weight: 1,
      arbitrary: fc.constant(
        json({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 403, reason: 'Forbidden' }),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1000, max: 5000 }).map((n) =>
        json(
          list(
            Array.from({ length: n }, (_, i) => small(i)),
            token,
          ),
        ),
      ),
    },
  );
  return fc.record({
    status: fc.constantFrom(200, 200, 200, 200, 403, 410, 500, 429, 302),
    contentType: fc.constantFrom(
      'application/json',
      'application/json',
      'text/html',
      'application/vnd.kubernetes.protobuf',
    ),
    body,
    pauseMs: fc.constantFrom(0, 0, 0, 0, 0, 0, 50, 300, -1),
  });
};

/** 1 to 4 pages; page i's token points anywhere in the script, backwards included, or nowhere. */
const pages = fc
  .integer({ min: 1, max: 4 })
  .chain((n) =>
    fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.option(fc.integer({ min: 0, max: n }), { freq: i === n - 1 ? 2 : 4 }).chain(page),
      ),
    ),
  );

async function listFailure(): Promise<KubeAccessError> {
  try {
    for await (const _ of new KubeCertificateReader(conn.kube).tlsSecretPages(500)) void _;
  } catch (err) {
    expect(err).toBeInstanceOf(KubeAccessError);
    return err as KubeAccessError;
  }
  throw new Error('expected the list to fail');
}

describe('fuzz: Kubernetes list responses', () => {
  it.each(hostileKubeListItems)('replays the list found by fuzzing: $name', async ({ items, says }) => {
    script = [
      {
        status: 200,
        contentType: 'application/json',
        body: Buffer.from(JSON.stringify(list(items))),
        pauseMs: 0,
      },
    ];
    const err = await listFailure();
    expect(err.code).toBe('kube-bad-response');
    expect(err.userMessage).toContain(says);
    expect(err.userMessage).not.toMatch(/Cannot read properties/);
  });

  it.each(hostileKubeListBodies)('replays the body found by fuzzing: $name', async ({ body }) => {
    script = [{ status: 200, contentType: 'application/json', body: Buffer.from(body), pauseMs: 0 }];
    const err = await listFailure();
    expect(err.code).toBe('kube-bad-response');
    // src/kube/list-in-pages.ts names the missing list.
    expect(err.userMessage).toContain('without an items list instead of a Kubernetes list');
  });

  it.each(hostileKubeListAnswers)('replays the answer found by fuzzing: $name', async (a) => {
    script = [{ status: a.status, contentType: a.contentType, body: Buffer.from(a.body), pauseMs: 0 }];
    const err = await listFailure();
    expect(err.httpStatus).toBe(a.status);
    expect(err.userMessage).toMatch(new RegExp(`${a.status}|not found`));
    // A 403 is explained as the RBAC rule to add, with or without the server's words.
    if (err.code !== 'kube-forbidden')
      expect(err.userMessage).toContain(
        `a body that is not JSON (${Buffer.byteLength(a.body)} bytes, not shown)`,
      );
    for (const piece of ['LS0tLS1', 'c2VjcmV0', 'hunter2', 'SecretList'])
      expect(err.userMessage).not.toContain(piece);
  });

  it('the TLS Secret list over generated pages ends, or fails as a named KubeAccessError, in time', async () => {
    await fc.assert(
      fc.asyncProperty(pages, async (generated) => {
        script = generated;
        await asyncOutcomeOf(t, async () => {
          let secrets = 0;
          try {
            for await (const p of new KubeCertificateReader(conn.kube).tlsSecretPages(500))
              secrets += p.length;
          } catch (err) {
            expect(err, String(err)).toBeInstanceOf(KubeAccessError);
            const e = err as KubeAccessError;
            expect(e.userMessage).toMatch(/secrets/);
            // Never the other side's bytes: no Secret data, no JavaScript error from a parser.
            expect(e.userMessage).not.toContain(b64(keyMaterial).slice(0, 24));
            expect(e.userMessage).not.toContain(b64(serving.certPem).slice(0, 24));
            expect(e.userMessage).not.toMatch(/Cannot read properties|is not a function|is not iterable/);
            throw err;
          }
          return secrets > 0 ? 'listed' : 'listed:empty';
        });
      }),
      fuzzParams(12),
    );
  });

  it('listInPages stops a server that never stops handing out fresh tokens', async () => {
    const walk = fc.record({
      maxPages: fc.integer({ min: 1, max: 200 }),
      maxItems: fc.integer({ min: 1, max: 2000 }),
      perPage: fc.integer({ min: 0, max: 50 }),
      repeatAt: fc.option(fc.integer({ min: 1, max: 300 })),
    });
    await fc.assert(
      fc.asyncProperty(walk, async (w) => {
        await asyncOutcomeOf(t, async () => {
          let n = 0;
          const fetchPage = async () => {
            n += 1;
            const token = w.repeatAt !== null && n > w.repeatAt ? 'again' : `t${n}`;
            return {
              items: Array.from({ length: w.perPage }, (_, i) => ({
                metadata: { namespace: 'ns', name: `${n}-${i}` },
              })),
              metadata: { continue: token },
            };
          };
          try {
            for await (const _ of listInPages(fetchPage, { maxPages: w.maxPages, maxItems: w.maxItems }))
              void _;
          } catch (err) {
            if (err instanceof ListBoundError) return `bound:${err.bound}`;
            if (err instanceof KubeResponseError) return 'not-a-list';
            throw err;
          }
          throw new Error('the walk ended although the server never did');
        });
      }),
      fuzzParams(100),
    );
  });
});

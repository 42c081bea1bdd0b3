import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../../src/http/create-http-server.js';
import type { HttpRoute } from '../../src/http/http-route.js';

/** vigil's one HTTP server over real loopback HTTP: routing, body limits, failures, probes. */

let server: HttpServer;
let base: string;
const reached: string[] = [];

const echo = (path: string, extra: Partial<HttpRoute> = {}): HttpRoute => ({
  method: 'POST',
  path,
  handler: async (req, res) => {
    reached.push(path);
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) size += chunk.length;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`read ${size}\n`);
  },
  ...extra,
});

beforeAll(async () => {
  server = createHttpServer({
    readiness: async () => ({ ready: false, detail: 'schedulers not registered yet' }),
    defaultBodyLimitBytes: 2048,
    routes: [
      echo('/small', { bodyLimitBytes: 16 }),
      echo('/default'),
      {
        method: 'GET',
        path: '/throws',
        handler: () => {
          throw new Error('sync boom');
        },
      },
      {
        method: 'GET',
        path: '/rejects-later',
        handler: async () => {
          await new Promise((resolve) => setTimeout(resolve, 10));
          throw new Error('async boom');
        },
      },
      {
        method: 'GET',
        path: '/throws-null',
        handler: () => {
          throw null;
        },
      },
      {
        method: 'GET',
        path: '/writes-after-end',
        handler: (_req, res) => {
          res.end('done\n');
          res.write('more');
        },
      },
      {
        method: 'GET',
        path: '/half-written',
        handler: (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('partial');
          throw new Error('boom after the headers');
        },
      },
      {
        method: 'POST',
        path: '/destroys-request',
        handler: (req) => {
          req.destroy(new Error('handler gave up on the body'));
        },
      },
    ],
  });
  base = `http://127.0.0.1:${(await server.start(0, '127.0.0.1')).port}`;
});
afterAll(async () => {
  await server.stop();
});

describe('createHttpServer', () => {
  it('serves a route on its method and path only; anything else is 404', async () => {
    expect(await (await fetch(`${base}/small?x=1`, { method: 'POST', body: 'hi' })).text()).toBe('read 2\n');
    expect((await fetch(`${base}/small`)).status).toBe(404);
    expect((await fetch(`${base}/small/more`, { method: 'POST', body: 'hi' })).status).toBe(404);
    expect((await fetch(`${base}/`)).status).toBe(404);
  });

  it('refuses a declared body over the route limit, or the default limit, before the handler runs', async () => {
    reached.length = 0;
    const small = await fetch(`${base}/small`, { method: 'POST', body: 'x'.repeat(17) });
    expect(small.status).toBe(413);
    expect(small.headers.get('connection')).toBe('close');
    expect((await fetch(`${base}/default`, { method: 'POST', body: 'x'.repeat(2049) })).status).toBe(413);
    expect(reached).toEqual([]);
    expect((await fetch(`${base}/default`, { method: 'POST', body: 'x'.repeat(2048) })).status).toBe(200);
  });

  it('answers 500 when a handler throws, and keeps serving', async () => {
    expect((await fetch(`${base}/throws`)).status).toBe(500);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('survives every way a handler can fail: late rejections, odd throws, stream errors', async () => {
    expect((await fetch(`${base}/rejects-later`)).status).toBe(500);
    expect((await fetch(`${base}/throws-null`)).status).toBe(500);
    // Unguarded, the write after end() is an 'error' event nobody listens to: an uncaught exception.
    const ended = await fetch(`${base}/writes-after-end`);
    expect(await ended.text()).toBe('done\n');
    // Headers already sent: the response is cut short, not turned into a 500.
    const half = await fetch(`${base}/half-written`);
    expect(half.status).toBe(200);
    await half.text().catch(() => '');
    await fetch(`${base}/destroys-request`, { method: 'POST', body: 'x'.repeat(10) }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('answers /readyz from the readiness callback, with its detail', async () => {
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('not ready: schedulers not registered yet\n');
  });

  it('answers a request target that does not parse as a URL with 404, and keeps serving', async () => {
    // `new URL('//', base)` throws: unguarded, one such request would be an uncaught exception.
    for (const target of ['//', 'http://[']) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${base}/`, { path: target, method: 'GET' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect(status, target).toBe(404);
    }
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('refuses two routes on the same method and path at start-up', () => {
    expect(() =>
      createHttpServer({ readiness: () => true, routes: [echo('/twice'), echo('/twice')] }),
    ).toThrow(/POST \/twice/);
  });
});

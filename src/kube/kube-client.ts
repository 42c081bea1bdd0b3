import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { BodyBuffer } from './body-buffer.js';
import { KubeApiError } from './kube-api-error.js';
import { KubeRedirectError } from './kube-redirect-error.js';
import { KubeResponseError } from './kube-response-error.js';

/** What one request authenticates with, asked for anew before every request (tokens rotate). */
export interface RequestCredentials {
  /** The whole Authorization header value, e.g. `Bearer …`. */
  authorization?: string;
  /** A client certificate handed over at request time (an exec plugin's), PEM. */
  clientCertificatePem?: string;
  clientKeyPem?: string;
}

export interface KubeClientOptions {
  /** The API server URL from the kubeconfig, e.g. https://10.0.0.1:6443 (a path prefix is kept). */
  server: string;
  caPem?: string;
  clientCertificatePem?: string;
  clientKeyPem?: string;
  insecureSkipTlsVerify: boolean;
  /** kubeconfig `tls-server-name`: the name sent as SNI and checked against the certificate. */
  tlsServerName?: string;
  /** Every request's bound: connect, TLS, headers and body alike. */
  timeoutMs: number;
  credentials?: () => Promise<RequestCredentials>;
}

export type Query = Record<string, string | number | undefined>;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_SAME_ORIGIN_REDIRECTS = 5;
/** A Status object is a few hundred bytes; an error body is read up to this much, the rest dropped. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const IDLE_SOCKET_MS = 30_000;

/**
 * vigil's client of one cluster's Kubernetes API: read-only GETs of JSON over node:https, nothing
 * else. Why not @kubernetes/client-node: importing it loads some 870 modules (0.37 s and 75 MB before
 * a single request), more than the whole floor of a 10,000-Secret scan, and its typed
 * deserialization of every list item cost more than the certificate check itself (BENCHMARKS.md
 * "TLS Secret scan at scale"). Readers in this folder build the REST paths themselves; the RBAC test
 * (test/unit/deploy/kube-api-calls.ts) reads those paths to prove the chart grants each one.
 *
 * What it guarantees, each a lesson from a real failure:
 * - every request is bounded by `timeoutMs` (a silent API server must not hang a check);
 * - redirects are followed only within the API server's origin (scheme, host and port), at most five
 *   times; any other ends the request with a KubeRedirectError, because a 302 on the Secrets list to
 *   an empty list once made every TLS Secret vanish without a word;
 * - a 2xx answer in HTML (a login page, a proxy's portal) is a KubeResponseError: kube-apiserver
 *   never sends one;
 * - any other non-2xx answer is a KubeApiError with its status and body, which explain-kube-error.ts
 *   turns into the fix (401 without a body);
 * - connections are kept alive between the pages of a walk, one TLS handshake per run.
 */
export class KubeClient {
  private readonly origin: string;
  private readonly base: string;
  // #private, not TypeScript's `private`: a connection printed or logged as JSON shows no key.
  readonly #opts: KubeClientOptions;
  readonly #agents = new Map<string, http.Agent>();

  constructor(opts: KubeClientOptions) {
    this.#opts = opts;
    const url = new URL(opts.server);
    this.origin = url.origin;
    this.base = url.href.replace(/\/+$/, '');
  }

  /**
   * GETs `path` (with `query`) and hands back the body decoded by `decode`: JSON.parse, unless the
   * caller brings a leaner decoder (decode-secret-list.ts). A body that is not JSON leaves as
   * JSON.parse's SyntaxError. With `into`, the body is read into that reused buffer (one page at a
   * time of a walk).
   */
  async get(
    path: string,
    query: Query = {},
    opts: {
      decode?: (body: Buffer) => unknown;
      into?: BodyBuffer;
      /** Sees the body received so far after each chunk until it returns true (BodyBuffer.read). */
      peek?: (soFar: Buffer) => boolean;
    } = {},
  ): Promise<unknown> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) search.set(name, String(value));
    }
    const qs = search.toString();
    const signal = AbortSignal.timeout(this.#opts.timeoutMs);
    const creds = this.#opts.credentials ? await this.#opts.credentials() : {};
    let url = new URL(this.base + path + (qs ? `?${qs}` : ''));
    for (let hop = 0; ; hop += 1) {
      const res = await this.send(url, creds, signal);
      const status = res.statusCode ?? 0;
      if (REDIRECT_STATUSES.has(status)) {
        const location = res.headers.location;
        res.resume();
        const target = location ? resolve(location, url) : undefined;
        if (!target || target.origin !== this.origin) {
          throw new KubeRedirectError(status, display(target, location), this.origin);
        }
        if (hop >= MAX_SAME_ORIGIN_REDIRECTS) {
          throw new KubeResponseError(
            `more than ${MAX_SAME_ORIGIN_REDIRECTS} redirects within ${this.origin}`,
          );
        }
        url = target;
        continue;
      }
      if (status === 401) {
        res.resume();
        throw new KubeApiError(401, undefined, headersOf(res));
      }
      if (status < 200 || status > 299) {
        throw new KubeApiError(status, await timed(errorBody(res), signal), headersOf(res));
      }
      if (/^\s*text\/html/i.test(res.headers['content-type'] ?? '')) {
        res.destroy();
        throw new KubeResponseError('an HTML page (Content-Type text/html)');
      }
      const body = await timed((opts.into ?? new BodyBuffer()).read(res, opts.peek), signal);
      return opts.decode ? opts.decode(body) : JSON.parse(body.toString('utf8'));
    }
  }

  private send(url: URL, creds: RequestCredentials, signal: AbortSignal): Promise<IncomingMessage> {
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'vigil' };
    if (creds.authorization) headers['Authorization'] = creds.authorization;
    const secure = url.protocol === 'https:';
    const request = secure ? https.request : http.request;
    return new Promise((resolvePromise, reject) => {
      const req = request(
        url,
        { method: 'GET', headers, agent: this.agentFor(secure, creds), signal },
        resolvePromise,
      );
      req.once('error', reject);
      req.end();
    });
  }

  private agentFor(secure: boolean, creds: RequestCredentials): http.Agent {
    const cert = creds.clientCertificatePem ?? this.#opts.clientCertificatePem;
    const key = creds.clientKeyPem ?? this.#opts.clientKeyPem;
    // An exec plugin may hand out a new client certificate; each pair gets its own connections.
    const id = `${secure ? 's' : 'p'}\u0000${cert ?? ''}\u0000${key ?? ''}`;
    let agent = this.#agents.get(id);
    if (!agent) {
      agent = secure
        ? new https.Agent({
            keepAlive: true,
            maxSockets: 4,
            // Idle kept-alive sockets close after this: `vigil serve` opens a client per check run,
            // and an API server need not close idle connections itself.
            timeout: IDLE_SOCKET_MS,
            ...(this.#opts.caPem !== undefined ? { ca: this.#opts.caPem } : {}),
            ...(cert !== undefined ? { cert } : {}),
            ...(key !== undefined ? { key } : {}),
            rejectUnauthorized: !this.#opts.insecureSkipTlsVerify,
            ...(this.#opts.tlsServerName !== undefined ? { servername: this.#opts.tlsServerName } : {}),
          })
        : new http.Agent({ keepAlive: true, maxSockets: 4, timeout: IDLE_SOCKET_MS });
      this.#agents.set(id, agent);
    }
    return agent;
  }
}

/**
 * A body read cut short by the request's timeout fails with Node's ECONNRESET "aborted", which reads
 * as a server closing the connection; it is the timeout, and is reported as one.
 */
async function timed<T>(read: Promise<T>, signal: AbortSignal): Promise<T> {
  try {
    return await read;
  } catch (err) {
    throw signal.aborted ? abortError(signal) : err;
  }
}

function abortError(signal: AbortSignal): Error {
  const err = new Error('The operation was aborted', { cause: signal.reason });
  err.name = 'AbortError';
  return err;
}

async function errorBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    if (size < MAX_ERROR_BODY_BYTES) chunks.push(chunk.subarray(0, MAX_ERROR_BODY_BYTES - size));
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function headersOf(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function resolve(location: string, base: URL): URL | undefined {
  try {
    return new URL(location, base);
  } catch {
    return undefined;
  }
}

/** The target as the finding shows it: without any user:password part, and short. */
function display(target: URL | undefined, raw: string | undefined): string {
  if (!target) return raw ? `an unparsable location (${raw.length} characters)` : 'no location';
  const shown = new URL(target.href);
  shown.username = '';
  shown.password = '';
  const text = shown.href;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

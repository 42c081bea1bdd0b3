import http from 'node:http';
import https from 'node:https';
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';

export interface RegistryRequest {
  url: string;
  method: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** The `Authorization` value; kept only for the origin it was meant for (see below). */
  authorization?: string;
  /** Plain HTTP may carry `authorization` only for registries configured as insecure. */
  allowPlainHttpAuth: boolean;
  /** Trust anchors for https (system roots plus the registry's CA); Node's defaults when absent. */
  ca?: string[];
  /** Absolute time (ms since epoch) by which the whole exchange, redirects included, must be done. */
  deadline: number;
  maxRedirects?: number;
  /** Bytes of body kept (error bodies and token responses are small). */
  maxBody?: number;
  /**
   * Keep-alive agents of one probe, so `/v2/`, token and manifest share a connection per origin (one
   * TLS handshake instead of three); the probe destroys them when done. None: a connection per request.
   */
  agents?: { http: http.Agent; https: https.Agent };
}

export interface RegistryResponse {
  /** The URL that produced this response, after redirects. */
  url: string;
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  redirects: string[];
  /** Set when credentials were withheld from a hop (another origin, or plain HTTP). */
  authorizationWithheld?: string;
}

/** A transport failure; `code` is the Node/OpenSSL code (ECONNREFUSED, CERT_HAS_EXPIRED) or `TIMEOUT`. */
export class RegistryHttpError extends Error {
  readonly code: string;
  readonly url: string;
  constructor(code: string, url: string, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'RegistryHttpError';
    this.code = code;
    this.url = url;
  }
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * One registry exchange with node:http(s): no connection reuse, a hard deadline, a bounded body, and
 * redirects followed by hand. `Authorization` is never forwarded to another origin (registries
 * redirect blobs and sometimes manifests to storage hosts that must not see pull-secret passwords,
 * DOMAIN.md section 4) and never sent over plain HTTP unless the registry is configured insecure.
 */
export async function registryRequest(req: RegistryRequest): Promise<RegistryResponse> {
  const maxRedirects = req.maxRedirects ?? 3;
  const origin = new URL(req.url).origin;
  let url = req.url;
  let authorization = req.authorization;
  let withheld: string | undefined;
  const redirects: string[] = [];
  for (let hop = 0; ; hop++) {
    const target = new URL(url);
    if (authorization !== undefined && target.origin !== origin) {
      authorization = undefined;
      withheld = `credentials not forwarded to ${target.origin} (redirect from ${origin})`;
    }
    if (authorization !== undefined && target.protocol === 'http:' && !req.allowPlainHttpAuth) {
      authorization = undefined;
      withheld = `credentials not sent over plain HTTP to ${target.origin} (registry not configured as insecure)`;
    }
    const res = await once(target, req, authorization);
    const location = res.headers.location;
    if (redirectStatuses.has(res.status) && typeof location === 'string' && hop < maxRedirects) {
      url = redirectTarget(location, target);
      redirects.push(`${res.status} → ${url}`);
      continue;
    }
    return {
      ...res,
      url: target.toString(),
      redirects,
      ...(withheld ? { authorizationWithheld: withheld } : {}),
    };
  }
}

/**
 * Where a redirect points. A Location that is no URL (`//`, `http://[::1`) threw a TypeError and one to
 * ftp: an unclassified error, both reported as `unexpected` (test/fixtures/hostile/registry-answers.ts).
 */
function redirectTarget(location: string, from: URL): string {
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    throw new RegistryHttpError('BAD_REDIRECT', from.toString(), 'the redirect Location is not a URL');
  }
  if (to.protocol !== 'http:' && to.protocol !== 'https:') {
    throw new RegistryHttpError(
      'BAD_REDIRECT',
      from.toString(),
      `the redirect goes to ${to.protocol}, not http(s)`,
    );
  }
  return to.toString();
}

function once(
  target: URL,
  req: RegistryRequest,
  authorization: string | undefined,
): Promise<Omit<RegistryResponse, 'redirects' | 'url'>> {
  const remaining = req.deadline - Date.now();
  const where = target.toString();
  if (remaining <= 0) {
    return Promise.reject(
      new RegistryHttpError('TIMEOUT', where, 'probe deadline passed before the request'),
    );
  }
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const isHttps = target.protocol === 'https:';
  if (!isHttps && target.protocol !== 'http:') {
    return Promise.reject(
      new RegistryHttpError('BAD_SCHEME', where, `unsupported scheme ${target.protocol}`),
    );
  }
  const headers: Record<string, string> = { 'User-Agent': 'vigil', ...req.headers };
  if (authorization !== undefined) headers.Authorization = authorization;
  const options: https.RequestOptions = {
    host,
    port: target.port === '' ? (isHttps ? 443 : 80) : Number(target.port),
    path: `${target.pathname}${target.search}`,
    method: req.method,
    headers,
    agent: req.agents ? (isHttps ? req.agents.https : req.agents.http) : false,
    ...(isHttps
      ? {
          // SNI carries host names only (RFC 6066).
          ...(isIP(host) === 0 ? { servername: host } : {}),
          ...(req.ca ? { secureContext: secureContextFor(req.ca) } : {}),
          rejectUnauthorized: true,
        }
      : {}),
  };
  const maxBody = req.maxBody ?? 64 * 1024;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: RegistryHttpError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      reject(err);
    };
    const request = (isHttps ? https : http).request(options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size >= maxBody) return;
        chunks.push(chunk);
        size += chunk.length;
        // Enough to read an error body; the rest is not ours to download.
        if (size >= maxBody) finish();
      });
      const finish = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // A fully read body leaves the socket reusable; a truncated one must not be reused.
        if (!res.complete) res.destroy();
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).subarray(0, maxBody).toString('utf8'),
        });
      };
      res.on('end', finish);
      res.on('error', (err: NodeJS.ErrnoException) =>
        fail(new RegistryHttpError(err.code ?? 'ERESPONSE', where, err.message, err)),
      );
    });
    const timer = setTimeout(
      () => fail(new RegistryHttpError('TIMEOUT', where, `no answer within the probe timeout`)),
      remaining,
    );
    request.on('error', (err: NodeJS.ErrnoException) =>
      fail(new RegistryHttpError(err.code ?? 'EREQUEST', where, err.message, err)),
    );
    request.end();
  });
}

// Parsing the system roots into a context costs ~11 ms of CPU; a probe makes up to four TLS
// connections and a cluster may use dozens of registries, so contexts are built once per CA set.
const contexts = new Map<string, SecureContext>();

function secureContextFor(ca: string[]): SecureContext {
  const key = createHash('sha256').update(ca.join('\n')).digest('hex');
  let context = contexts.get(key);
  if (!context) {
    context = createSecureContext({ ca });
    if (contexts.size >= 32) contexts.delete(contexts.keys().next().value as string);
    contexts.set(key, context);
  }
  return context;
}

/** The `{"errors":[{"code","message"}]}` body of the distribution spec, as `CODE: message` lines. */
export function registryErrors(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as {
      errors?: { code?: unknown; message?: unknown }[];
      details?: unknown;
    };
    if (Array.isArray(parsed.errors)) {
      return parsed.errors
        .map((e) => [e.code, e.message].filter((x) => typeof x === 'string' && x !== '').join(': '))
        .filter(Boolean)
        .slice(0, 3);
    }
    // Docker Hub's token service answers `{"details":"incorrect username or password"}`.
    if (typeof parsed.details === 'string') return [parsed.details];
  } catch {
    // Not JSON: nothing structured to quote.
  }
  return [];
}

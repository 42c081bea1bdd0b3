import { createHash, randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { listenOnLoopback } from './listen-on-loopback.js';

export interface RecordedRegistryRequest {
  method: string;
  path: string;
  /** The Authorization header exactly as received (tests assert where credentials went). */
  authorization?: string;
}

export interface FakeRegistryOptions {
  /** Serve HTTPS with this certificate; plain HTTP when absent. */
  tls?: { certPem: string; keyPem: string };
  /**
   * `basic`: like distribution's htpasswd auth. `bearer`: a token service on `/token` of the same
   * server (Docker Hub, GHCR, ACR style); anonymous tokens are issued but grant no pull unless
   * `anonymousPull`.
   */
  auth?: { scheme: 'basic' | 'bearer'; users: Record<string, string>; anonymousPull?: boolean };
  /** `repo:tag` → manifest body; digests are computed like a registry does. */
  manifests?: Record<string, string>;
  /** Overrides the answer of `GET /v2/` (403 from a WAF, 500 from a broken backend...). */
  v2?: { status: number; headers?: Record<string, string>; body?: string };
  /** Overrides the answer of manifest requests (429 with rate-limit headers, 503...). */
  manifest?: { status: number; headers?: Record<string, string>; body?: string };
  /** Headers added to every manifest HEAD/GET (Docker Hub's `ratelimit-remaining`). */
  manifestHeaders?: Record<string, string>;
  /** Redirects manifest requests (blob-storage style) to this base URL + the same path. */
  redirectManifestsTo?: string;
  /** Token realm advertised instead of this server's `/token` (another origin, or plain HTTP). */
  realm?: string;
  /** Delay before every answer. */
  delayMs?: number;
}

export interface FakeRegistry {
  url: string;
  host: string;
  port: number;
  /** The registry key images use: `127.0.0.1:PORT`. */
  registry: string;
  requests: RecordedRegistryRequest[];
  stop(): Promise<void>;
}

const errorBody = (code: string, message: string) =>
  JSON.stringify({ errors: [{ code, message, detail: null }] });
export const manifestMediaType = 'application/vnd.docker.distribution.manifest.v2+json';

/**
 * A small OCI distribution server on 127.0.0.1 for the probe's edge cases that the real registry
 * binary cannot produce on demand (token flow, 429, 5xx, slowness, redirects). Answers follow the
 * distribution spec: `{"errors":[...]}` bodies, `Docker-Content-Digest`, `WWW-Authenticate`.
 */
export async function startFakeRegistry(opts: FakeRegistryOptions = {}): Promise<FakeRegistry> {
  const requests: RecordedRegistryRequest[] = [];
  const tokens = new Map<string, string | null>(); // token → user (null: anonymous)
  let base = '';
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    const answer = () => route(req, res);
    if (opts.delayMs) setTimeout(answer, opts.delayMs);
    else answer();
  };

  const send = (res: ServerResponse, status: number, headers: Record<string, string>, body = '') => {
    res.writeHead(status, {
      'Docker-Distribution-Api-Version': 'registry/2.0',
      ...(body
        ? {
            'Content-Type': 'application/json; charset=utf-8',
            'Content-Length': String(Buffer.byteLength(body)),
          }
        : {}),
      ...headers,
    });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };

  const challenge = () =>
    opts.auth?.scheme === 'basic'
      ? 'Basic realm="fake-registry"'
      : `Bearer realm="${opts.realm ?? `${base}/token`}",service="fake-registry"`;

  const basicUser = (req: IncomingMessage): string | null | undefined => {
    const m = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (!m?.[1]) return undefined;
    const [user, ...rest] = Buffer.from(m[1], 'base64').toString('utf8').split(':');
    return user !== undefined && opts.auth?.users[user] === rest.join(':') ? user : null;
  };

  /** undefined: no credentials; null: wrong credentials; string: the user; '' for anonymous bearer. */
  const caller = (req: IncomingMessage): string | null | undefined => {
    if (opts.auth?.scheme === 'basic') return basicUser(req);
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!m?.[1]) return undefined;
    const user = tokens.get(m[1]);
    return user === undefined ? null : (user ?? '');
  };

  function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', base);
    if (url.pathname === '/token' && opts.auth?.scheme === 'bearer') {
      const user = basicUser(req);
      if (user === null) {
        return send(res, 401, {}, JSON.stringify({ details: 'incorrect username or password' }));
      }
      const token = randomBytes(16).toString('hex');
      tokens.set(token, user ?? null);
      return send(res, 200, {}, JSON.stringify({ token, expires_in: 300 }));
    }
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      if (opts.v2) return send(res, opts.v2.status, opts.v2.headers ?? {}, opts.v2.body ?? '');
      const who = caller(req);
      if (opts.auth && (who === undefined || who === null || who === '')) {
        return send(
          res,
          401,
          { 'WWW-Authenticate': challenge() },
          errorBody('UNAUTHORIZED', 'authentication required'),
        );
      }
      return send(res, 200, {}, '{}');
    }
    const m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (m) {
      if (opts.redirectManifestsTo) {
        return send(res, 307, { Location: `${opts.redirectManifestsTo}${url.pathname}` });
      }
      if (opts.manifest)
        return send(res, opts.manifest.status, opts.manifest.headers ?? {}, opts.manifest.body ?? '');
      const [, repo = '', ref = ''] = m;
      if (opts.auth) {
        const who = caller(req);
        const allowed = typeof who === 'string' && (who !== '' || opts.auth.anonymousPull === true);
        if (!allowed) {
          return send(
            res,
            401,
            { 'WWW-Authenticate': challenge() },
            errorBody('UNAUTHORIZED', 'authentication required'),
          );
        }
      }
      const manifests = opts.manifests ?? {};
      const body =
        manifests[`${repo}:${ref}`] ??
        Object.entries(manifests).find(([k, v]) => k.startsWith(`${repo}:`) && digestOf(v) === ref)?.[1];
      if (body === undefined) {
        // distribution 2.8 answers MANIFEST_UNKNOWN for unknown tags and unknown repositories alike.
        return send(res, 404, opts.manifestHeaders ?? {}, errorBody('MANIFEST_UNKNOWN', 'manifest unknown'));
      }
      return send(
        res,
        200,
        {
          'Docker-Content-Digest': digestOf(body),
          'Content-Type': manifestMediaType,
          'Content-Length': String(Buffer.byteLength(body)),
          ...(opts.manifestHeaders ?? {}),
        },
        body,
      );
    }
    return send(res, 404, {}, errorBody('NOT_FOUND', 'not found'));
  }

  const server = opts.tls
    ? createHttpsServer({ cert: opts.tls.certPem, key: opts.tls.keyPem }, handler)
    : createHttpServer(handler);
  server.on('tlsClientError', () => {}); // probes that reject our certificate are the point of some tests
  const { port, close } = await listenOnLoopback(server);
  base = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return { url: base, host: '127.0.0.1', port, registry: `127.0.0.1:${port}`, requests, stop: close };
}

export function digestOf(body: string): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

/** A minimal schema 2 manifest (what `docker push` of an empty image would produce). */
export function sampleManifest(name: string): string {
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: {},
    rootfs: { type: 'layers', diff_ids: [] },
    name,
  });
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: manifestMediaType,
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: config.length,
      digest: digestOf(config),
    },
    layers: [],
  });
}

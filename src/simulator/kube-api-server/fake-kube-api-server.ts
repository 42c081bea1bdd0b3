import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { authenticateRequest } from './authenticate-request.js';
import { apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import { ForbidRules, type ForbidRule } from './forbid-rules.js';
import { KubeStatusError, kubeStatus } from './kube-status.js';
import { kubeconfigText } from './kubeconfig-text.js';
import { parseKubeRoute, type KubeRoute } from './kube-route.js';
import { ListPages } from './list-pages.js';
import { ObjectStore } from './object-store.js';
import { ResourceRegistry } from './resource-registry.js';
import type { ResourceType } from './resource-type.js';
import { serveResource } from './serve-resource.js';

type Json = Record<string, unknown>;

/** How the fake control plane fails during an outage (FakeKubeApiServer.outage). */
export type ApiOutage = 'error' | 'hang';

export interface FakeKubeApiServerOptions {
  /** Serving certificate and key PEM (chain allowed: leaf first). Test chooses: valid, expiring, expired, self-signed. */
  certPem: string;
  keyPem: string;
  /** PEM of the CA that signs accepted client certificates (client-cert auth). Optional. */
  clientCaPem?: string;
  /** Accepted bearer tokens. Map token -> username (e.g. 'system:serviceaccount:vigil:vigil'). */
  tokens?: Record<string, string>;
  host?: string;
  port?: number;
  /** Upper bound the server applies to `limit` (real servers honour limit; default: none). */
  maxPageSize?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  user?: string;
  status: number;
}

const CRD_KIND = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' };
// system:public-info-viewer lets these through without credentials; everything else needs a user.
const PUBLIC: ReadonlySet<KubeRoute['type']> = new Set(['version', 'healthz', 'readyz', 'livez']);
const READYZ_CHECKS = [
  'ping',
  'log',
  'etcd',
  'etcd-readiness',
  'informer-sync',
  'poststarthook/start-apiextensions-informers',
  'shutdown',
];

/**
 * A Kubernetes API server good enough for real clients (kubectl, src/kube/kube-client.ts) on every
 * read path vigil uses: discovery, get, list with selectors and chunking, authn (token, client
 * certificate) and authz failures, over real TLS whose certificate each test picks.
 */
export class FakeKubeApiServer {
  readonly requests: RecordedRequest[] = [];
  private readonly registry = new ResourceRegistry();
  private readonly store = new ObjectStore();
  private readonly pages = new ListPages();
  private readonly forbidden = new ForbidRules();
  private readonly sockets = new Set<Socket>();
  private loopingContinue = false;
  private outageMode: ApiOutage | undefined;
  /** Requests held by a `hang` outage, answered 504 when it ends (a client that gave up is gone by then). */
  private readonly held = new Set<ServerResponse>();

  private constructor(
    private readonly opts: FakeKubeApiServerOptions,
    private readonly server: Server,
    readonly url: string,
    readonly port: number,
  ) {}

  static async start(opts: FakeKubeApiServerOptions): Promise<FakeKubeApiServer> {
    const server = createServer({
      cert: opts.certPem,
      key: opts.keyPem,
      // Ask for a client certificate only when one can be verified, but never require it: token
      // clients must still connect, and authentication happens per request (socket.authorized).
      ...(opts.clientCaPem ? { ca: opts.clientCaPem, requestCert: true } : {}),
      rejectUnauthorized: false,
    });
    const host = opts.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const fake = new FakeKubeApiServer(opts, server, url, port);
    server.on('connection', (s: Socket) => {
      fake.sockets.add(s);
      s.once('close', () => fake.sockets.delete(s));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => fake.handle(req, res));
    return fake;
  }

  upsert(obj: Record<string, unknown>): void {
    const { apiVersion, kind } = obj;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string')
      throw new Error('object needs apiVersion and kind');
    const type = this.registry.byKind(apiVersion, kind);
    if (!type)
      throw new Error(`${apiVersion} ${kind} is not served (upsert its CustomResourceDefinition first)`);
    const stored = this.store.put(type, obj);
    if (apiVersion === CRD_KIND.apiVersion && kind === CRD_KIND.kind) this.registry.defineFromCrd(stored);
  }

  upsertMany(objs: Record<string, unknown>[]): void {
    for (const o of objs) this.upsert(o);
  }

  /**
   * Serves `count` objects of one kind that are built when read, by `build(i)` (deterministic: the
   * same `i` must give the same object). Only their keys are held, so a benchmark can serve 100,000
   * Secrets without the fake holding them (ObjectStore.putGenerated).
   */
  generate(
    apiVersion: string,
    kind: string,
    count: number,
    build: (i: number) => Record<string, unknown>,
  ): void {
    const type = this.registry.byKind(apiVersion, kind);
    if (!type)
      throw new Error(`${apiVersion} ${kind} is not served (upsert its CustomResourceDefinition first)`);
    if (apiVersion === CRD_KIND.apiVersion && kind === CRD_KIND.kind) {
      throw new Error('CustomResourceDefinitions cannot be generated; upsert them');
    }
    this.store.putGenerated(type, count, build);
  }

  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): void {
    const type = this.registry.byKind(apiVersion, kind);
    if (!type) throw new Error(`${apiVersion} ${kind} is not served`);
    this.store.remove(type, namespace, name);
    if (apiVersion === CRD_KIND.apiVersion && kind === CRD_KIND.kind) {
      // Deleting a CRD deletes its objects and stops serving it, as the apiextensions server does.
      for (const t of this.registry.removeCrd(name)) this.store.removeAll(t);
    }
  }

  /** Deny a verb on a resource for everyone (403). A namespaced rule also denies the cluster scope. */
  forbid(rule: ForbidRule): void {
    this.forbidden.add(rule);
  }

  expireContinueTokens(): void {
    this.pages.expireAll(this.store.revision);
  }

  /**
   * Hostile server: from now on a list page asked for with a continue token hands that same token back,
   * so a client that trusts tokens pages forever. A real server never repeats a token.
   */
  loopContinueTokens(): void {
    this.loopingContinue = true;
  }

  /**
   * From now on every request fails as a sick control plane does: `error` answers 500 InternalError
   * (etcd unavailable), `hang` never answers, so the client's own timeout is what ends the call.
   * `undefined` ends the outage; requests still held are answered 504 then.
   */
  outage(mode: ApiOutage | undefined): void {
    this.outageMode = mode;
    if (mode === 'hang') return;
    for (const res of this.held) {
      if (!res.destroyed) {
        res.writeHead(504, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ ...kubeStatus.badRequest('request held by an outage'), code: 504 }));
      }
    }
    this.held.clear();
  }

  setServingCertificate(certPem: string, keyPem: string): void {
    this.server.setSecureContext({
      cert: certPem,
      key: keyPem,
      ...(this.opts.clientCaPem ? { ca: this.opts.clientCaPem } : {}),
    });
  }

  kubeconfig(opts: {
    caPem?: string;
    token?: string;
    clientCertPem?: string;
    clientKeyPem?: string;
    contextName?: string;
    clusterName?: string;
    server?: string;
  }): string {
    return kubeconfigText({ ...opts, server: opts.server ?? this.url });
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Keep-alive connections (kubectl, fetch agents) would hold close() open for seconds.
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://fake.invalid');
    const method = req.method ?? 'GET';
    let user: string | undefined;
    let status = 200;
    let body: string;
    let contentType = 'application/json';
    if (this.outageMode === 'hang') {
      this.held.add(res);
      res.once('close', () => this.held.delete(res));
      this.requests.push({
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status: 0,
      });
      return;
    }
    try {
      if (this.outageMode === 'error') {
        throw new KubeStatusError({
          ...kubeStatus.badRequest('etcdserver: request timed out'),
          reason: 'InternalError',
          code: 500,
        });
      }
      const route = parseKubeRoute(url.pathname);
      const auth = authenticateRequest(req, this.opts.tokens ?? {});
      if (typeof auth === 'object') user = auth.user;
      if (auth === 'rejected' || (auth === 'anonymous' && !PUBLIC.has(route.type))) {
        throw new KubeStatusError(kubeStatus.unauthorized());
      }
      // vigil is read-only; a write reaching this server is a bug worth a loud status.
      if (method !== 'GET' && method !== 'HEAD') throw new KubeStatusError(kubeStatus.methodNotAllowed());
      const answer = this.serve(route, url.searchParams, user);
      if (typeof answer === 'string') {
        body = answer;
        contentType = 'text/plain; charset=utf-8';
      } else body = JSON.stringify(answer);
    } catch (err) {
      const st =
        err instanceof KubeStatusError
          ? err.status
          : { ...kubeStatus.badRequest(String(err)), reason: 'InternalError', code: 500 };
      status = st.code;
      body = JSON.stringify(st);
    }
    this.requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      ...(user !== undefined ? { user } : {}),
      status,
    });
    // Always JSON, whatever Accept asks (protobuf, Table, aggregated discovery): clients fall back.
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
    res.end(method === 'HEAD' ? undefined : body);
  }

  private serve(route: KubeRoute, query: URLSearchParams, user: string | undefined): Json | string {
    const types = this.registry.all();
    switch (route.type) {
      case 'version':
        return versionInfo();
      case 'healthz':
      case 'livez':
      case 'readyz':
        return query.has('verbose')
          ? `${READYZ_CHECKS.map((c) => `[+]${c} ok`).join('\n')}\n${route.type} check passed\n`
          : 'ok';
      case 'api':
        return apiVersions(new URL(this.url).host);
      case 'apis':
        return apiGroupList(types);
      case 'group':
        return apiGroupDocument(types, route.group) ?? notServed();
      case 'resourceList':
        return apiResourceList(types, route.group, route.version) ?? notServed();
      case 'unknown':
        return notServed();
      case 'resource': {
        if (this.forbidden.denies(route.verb, route.group, route.plural, route.namespace)) {
          const t = { group: route.group, plural: route.plural };
          throw new KubeStatusError(
            kubeStatus.forbidden(user ?? '', route.verb, t, route.namespace, route.name),
          );
        }
        const type: ResourceType | undefined = this.registry.byPath(route.group, route.version, route.plural);
        if (!type) return notServed();
        const answer = serveResource(
          {
            store: this.store,
            pages: this.pages,
            ...(this.opts.maxPageSize ? { maxPageSize: this.opts.maxPageSize } : {}),
          },
          {
            type,
            verb: route.verb,
            ...(route.namespace !== undefined ? { namespace: route.namespace } : {}),
            ...(route.name !== undefined ? { name: route.name } : {}),
            query,
          },
        );
        const asked = query.get('continue');
        const meta = answer['metadata'] as { continue?: string } | undefined;
        if (this.loopingContinue && asked && meta?.continue) meta.continue = asked;
        return answer;
      }
    }
  }
}

function notServed(): never {
  throw new KubeStatusError(kubeStatus.pathNotFound());
}

function versionInfo(): Json {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.4',
    gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
    gitTreeState: 'clean',
    buildDate: '2025-04-22T16:00:00Z',
    goVersion: 'go1.23.8',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

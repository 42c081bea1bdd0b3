import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeKubeApiServer, startTlsEndpoint } from '../../src/simulator/kube-api-server/index.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';

/**
 * Proves the fake against real clients: kubectl (a Go client-go consumer, the strictest reader of
 * discovery, paging and Status bodies we have on hand) and raw node:https requests for the wire
 * details kubectl hides (410 on compacted continue tokens, selector errors, CRD-served paths).
 */

const now = new Date();
const ca = issueCa('fake-cluster-ca', now);
const serving = issueLeaf('kube-apiserver', now, 300, { issuer: ca, sans: ['127.0.0.1', 'localhost'] });
const clientCert = issueLeaf('vigil-admin', now, 300, { issuer: ca, clientAuth: true });
const TOKEN = 'vigil-token';
const SA_USER = 'system:serviceaccount:vigil:vigil';

function onPath(bin: string): boolean {
  return (process.env['PATH'] ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
const hasKubectl = onPath('kubectl');
if (!hasKubectl) console.warn('kubectl not found on PATH: skipping the kubectl-against-the-fake tests');

const secret = (namespace: string, name: string, type: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace },
  type,
  data: { 'tls.crt': Buffer.from('x').toString('base64') },
});
const pod = (name: string, tier?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'apps', ...(tier ? { labels: { tier } } : {}) },
  spec: { nodeName: 'node-1' },
  status: { phase: 'Running' },
});
const certificateCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'certificates.cert-manager.io' },
  spec: {
    group: 'cert-manager.io',
    scope: 'Namespaced',
    names: { plural: 'certificates', singular: 'certificate', kind: 'Certificate', shortNames: ['cert'] },
    versions: [{ name: 'v1', served: true, storage: true }],
  },
};

let server: FakeKubeApiServer;
let dir: string;

interface Reply {
  status: number;
  body: Record<string, unknown>;
  contentType: string | undefined;
}

function get(path: string, opts: { token?: string; method?: string } = {}): Promise<Reply> {
  const token = 'token' in opts ? opts.token : TOKEN;
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      {
        method: opts.method ?? 'GET',
        ca: ca.certPem,
        agent: false,
        headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text },
            contentType: res.headers['content-type'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const names = (list: Reply) =>
  (list.body['items'] as { metadata: { namespace?: string; name: string } }[]).map((i) =>
    i.metadata.namespace ? `${i.metadata.namespace}/${i.metadata.name}` : i.metadata.name,
  );

function kubectl(
  kubeconfig: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(dir, `${kubeconfig}.yaml`);
  // A private cache dir: kubectl caches discovery per host:port, and ephemeral ports get reused.
  const argv = ['--kubeconfig', file, '--cache-dir', join(dir, 'cache'), '--request-timeout=10s', ...args];
  return new Promise((resolve) => {
    execFile('kubectl', argv, { timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  server = await FakeKubeApiServer.start({
    certPem: serving.certPem,
    keyPem: serving.keyPem,
    clientCaPem: ca.certPem,
    tokens: { [TOKEN]: SA_USER },
  });
  server.upsertMany([
    secret('apps', 'web-tls', 'kubernetes.io/tls'),
    secret('apps', 'db-password', 'Opaque'),
    secret('cert-manager', 'ca-key-pair', 'kubernetes.io/tls'),
    secret('ingress', 'wildcard', 'kubernetes.io/tls'),
    secret('ingress', 'dockercfg', 'kubernetes.io/dockerconfigjson'),
    secret('apps', 'api-tls', 'kubernetes.io/tls'),
    secret('monitoring', 'grafana', 'Opaque'),
    secret('monitoring', 'prom-tls', 'kubernetes.io/tls'),
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'postgres', namespace: 'apps' },
      spec: { replicas: 3 },
      status: { replicas: 3, readyReplicas: 2 },
    },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: 'kube-system' } },
    pod('web-1', 'web'),
    pod('db-1', 'db'),
    pod('cache-1', 'cache'),
    pod('job-1'),
  ]);
  server.forbid({ verb: 'list', group: '', resource: 'configmaps', namespace: 'kube-system' });

  dir = mkdtempSync(join(tmpdir(), 'fake-kube-'));
  writeFileSync(join(dir, 'token.yaml'), server.kubeconfig({ caPem: ca.certPem, token: TOKEN }));
  writeFileSync(join(dir, 'wrong.yaml'), server.kubeconfig({ caPem: ca.certPem, token: 'not-a-token' }));
  writeFileSync(
    join(dir, 'cert.yaml'),
    server.kubeconfig({
      caPem: ca.certPem,
      clientCertPem: clientCert.certPem,
      clientKeyPem: clientCert.keyPem,
    }),
  );
});

afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const TLS_SECRETS = [
  'apps/api-tls',
  'apps/web-tls',
  'cert-manager/ca-key-pair',
  'ingress/wildcard',
  'monitoring/prom-tls',
];

describe('FakeKubeApiServer with kubectl', () => {
  it.skipIf(!hasKubectl)('lists only TLS Secrets across namespaces, filtered on the server', async () => {
    const { code, stdout, stderr } = await kubectl(
      'token',
      ...['get', 'secrets', '-A', '--field-selector', 'type=kubernetes.io/tls', '-o', 'json'],
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const items = (JSON.parse(stdout) as { items: { kind: string; metadata: Record<string, string> }[] })
      .items;
    expect(items.map((i) => `${i.metadata['namespace']}/${i.metadata['name']}`)).toEqual(TLS_SECRETS);
    expect(items.every((i) => i.kind === 'Secret')).toBe(true);
    const lists = server.requests.filter((r) => r.path === '/api/v1/secrets');
    expect(lists.at(-1)?.query['fieldSelector']).toBe('type=kubernetes.io/tls');
    expect(lists.at(-1)?.user).toBe(SA_USER);
  });

  it.skipIf(!hasKubectl)('follows continue tokens with --chunk-size', async () => {
    const before = server.requests.length;
    const { code, stdout } = await kubectl('token', 'get', 'secrets', '-A', '--chunk-size=2', '-o', 'json');
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { items: unknown[] }).items).toHaveLength(8);
    const pages = server.requests.slice(before).filter((r) => r.path === '/api/v1/secrets');
    expect(pages.map((p) => p.query['limit'])).toEqual(['2', '2', '2', '2']);
    expect(pages[0]?.query['continue']).toBeUndefined();
    expect(pages.slice(1).every((p) => typeof p.query['continue'] === 'string')).toBe(true);
  });

  it.skipIf(!hasKubectl)('gets a StatefulSet by name', async () => {
    const { code, stdout } = await kubectl(
      'token',
      'get',
      'statefulset',
      'postgres',
      '-n',
      'apps',
      '-o',
      'json',
    );
    expect(code).toBe(0);
    const sts = JSON.parse(stdout) as { kind: string; apiVersion: string; status: { readyReplicas: number } };
    expect(sts).toMatchObject({ kind: 'StatefulSet', apiVersion: 'apps/v1', status: { readyReplicas: 2 } });
  });

  it.skipIf(!hasKubectl)('shows the server forbidden message', async () => {
    const { code, stderr } = await kubectl('token', 'get', 'configmaps', '-n', 'kube-system');
    expect(code).not.toBe(0);
    expect(stderr).toContain(
      `Error from server (Forbidden): configmaps is forbidden: User "${SA_USER}" cannot list resource ` +
        `"configmaps" in API group "" in the namespace "kube-system"`,
    );
  });

  it.skipIf(!hasKubectl)('rejects a wrong token as Unauthorized', async () => {
    const { code, stderr } = await kubectl('wrong', 'get', 'secrets', '-A');
    expect(code).not.toBe(0);
    expect(stderr).toContain('You must be logged in to the server (Unauthorized)');
    expect(server.requests.some((r) => r.status === 401 && r.user === undefined)).toBe(true);
  });

  it.skipIf(!hasKubectl)('authenticates a client certificate signed by the client CA', async () => {
    const { code, stdout } = await kubectl('cert', 'get', 'secrets', '-n', 'ingress', '-o', 'json');
    expect(code).toBe(0);
    const items = (JSON.parse(stdout) as { items: { metadata: { name: string } }[] }).items;
    expect(items.map((i) => i.metadata.name)).toEqual(['dockercfg', 'wildcard']);
    expect(server.requests.at(-1)).toMatchObject({
      path: '/api/v1/namespaces/ingress/secrets',
      user: 'vigil-admin',
    });
  });
});

describe('FakeKubeApiServer over raw HTTPS', () => {
  it('keeps a paginated walk consistent and answers 410 once tokens are compacted', async () => {
    const first = await get('/api/v1/secrets?limit=3');
    expect(names(first)).toEqual(['apps/api-tls', 'apps/db-password', 'apps/web-tls']);
    const meta = first.body['metadata'] as { continue: string; remainingItemCount: number };
    expect(meta.remainingItemCount).toBe(5);
    // Created after the first page: not part of this walk's snapshot.
    server.upsert(secret('zeta', 'late', 'Opaque'));
    const second = await get(`/api/v1/secrets?limit=3&continue=${meta.continue}`);
    expect(names(second)).toEqual(['cert-manager/ca-key-pair', 'ingress/dockercfg', 'ingress/wildcard']);
    const next = (second.body['metadata'] as { continue: string }).continue;

    server.expireContinueTokens();
    const expired = await get(`/api/v1/secrets?limit=3&continue=${next}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    expect(expired.body['message']).toMatch(/^The provided continue parameter is too old/);
    // The 410 carries a token that resumes at the latest state, where the late Secret now exists.
    const resume = (expired.body['metadata'] as { continue: string }).continue;
    const rest = await get(`/api/v1/secrets?limit=10&continue=${resume}`);
    expect(names(rest)).toEqual(['monitoring/grafana', 'monitoring/prom-tls', 'zeta/late']);
    expect(rest.body['metadata']).not.toHaveProperty('continue');
    server.delete('v1', 'Secret', 'zeta', 'late');

    expect((await get('/api/v1/secrets?limit=2&continue=garbage')).status).toBe(400);
  });

  it('hands out a continue token when only non-matching keys remain, like etcd3 (next page empty)', async () => {
    const first = await get('/api/v1/namespaces/apps/secrets?fieldSelector=type%3DOpaque&limit=1');
    expect(names(first)).toEqual(['apps/db-password']);
    const meta = first.body['metadata'] as { continue?: string; remainingItemCount?: number };
    expect(meta.continue).toBeTypeOf('string');
    expect(meta.remainingItemCount).toBeUndefined(); // never counted under a selector
    const last = await get(
      `/api/v1/namespaces/apps/secrets?fieldSelector=type%3DOpaque&limit=1&continue=${meta.continue}`,
    );
    expect(names(last)).toEqual([]);
    expect(last.body['metadata']).not.toHaveProperty('continue');
  });

  it('serves generated objects built on read, paged in key order with stable identities', async () => {
    const build = (i: number) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        namespace: 'gen',
        name: `cm-${String(i).padStart(4, '0')}`,
        labels: { odd: String(i % 2) },
      },
      data: { i: String(i) },
    });
    server.generate('v1', 'ConfigMap', 1000, build);
    const seen: string[] = [];
    const uids = new Map<string, string>();
    let token: string | undefined;
    do {
      const page = await get(
        `/api/v1/namespaces/gen/configmaps?labelSelector=odd%3D1&limit=300${token ? `&continue=${token}` : ''}`,
      );
      expect(page.status).toBe(200);
      for (const item of page.body['items'] as { metadata: { name: string; uid: string } }[]) {
        seen.push(item.metadata.name);
        uids.set(item.metadata.name, item.metadata.uid);
      }
      token = (page.body['metadata'] as { continue?: string }).continue;
    } while (token);
    expect(seen).toHaveLength(500);
    expect(seen).toEqual([...seen].sort());
    expect(seen[0]).toBe('cm-0001');
    const one = await get('/api/v1/namespaces/gen/configmaps/cm-0001');
    expect(one.body).toMatchObject({ kind: 'ConfigMap', data: { i: '1' } });
    expect((one.body['metadata'] as { uid: string }).uid).toBe(uids.get('cm-0001'));
    expect((one.body['metadata'] as { uid: string }).uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-8/);
    expect(() => server.generate('v1', 'ConfigMap', 1, () => ({ metadata: { name: 'x' } }))).toThrow(
      /namespaced but has no metadata.namespace/,
    );
  });

  it('refuses an unsupported field selector with 400', async () => {
    const res = await get('/api/v1/secrets?fieldSelector=spec.nodeName%3Dnode-1');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      message: 'field label not supported: spec.nodeName',
    });
    const onNode = await get('/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-1');
    expect(names(onNode)).toEqual(['apps/cache-1', 'apps/db-1', 'apps/job-1', 'apps/web-1']);
    const notRunning = await get(
      '/api/v1/pods?fieldSelector=spec.nodeName%3D%3Dnode-1,status.phase!%3DRunning',
    );
    expect(names(notRunning)).toEqual([]);
  });

  it('matches label selectors with in, notin and !key', async () => {
    const sel = (s: string) => get(`/api/v1/namespaces/apps/pods?labelSelector=${encodeURIComponent(s)}`);
    expect(names(await sel('tier in (web,db)'))).toEqual(['apps/db-1', 'apps/web-1']);
    expect(names(await sel('tier notin (web,db)'))).toEqual(['apps/cache-1', 'apps/job-1']);
    expect(names(await sel('!tier'))).toEqual(['apps/job-1']);
    expect(names(await sel('tier,tier!=cache'))).toEqual(['apps/db-1', 'apps/web-1']);
    const bad = await sel('tier in (web');
    expect(bad.status).toBe(400);
    expect(bad.body['reason']).toBe('BadRequest');
  });

  it('serves custom resources only while their CRD exists', async () => {
    const path = '/apis/cert-manager.io/v1/namespaces/apps/certificates';
    const before = await get(path);
    expect(before.status).toBe(404);
    expect(before.body['message']).toBe('the server could not find the requested resource');
    expect(() => server.upsert({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate' })).toThrow(
      /not served/,
    );

    server.upsert(certificateCrd);
    server.upsert({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'web', namespace: 'apps' },
      status: { notAfter: '2030-01-01T00:00:00Z' },
    });
    const after = await get(path);
    expect(after.status).toBe(200);
    expect(after.body['kind']).toBe('CertificateList');
    expect(after.body['items']).toMatchObject([{ kind: 'Certificate', metadata: { name: 'web' } }]);
    const groups = (await get('/apis')).body['groups'] as { name: string }[];
    expect(groups.map((g) => g.name)).toContain('cert-manager.io');

    server.delete(
      'apiextensions.k8s.io/v1',
      'CustomResourceDefinition',
      undefined,
      certificateCrd.metadata.name,
    );
    expect((await get(path)).status).toBe(404);
  });

  it('answers Status bodies like a real server', async () => {
    expect((await get('/api/v1/namespaces/apps/secrets/missing')).body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'secrets "missing" not found',
      reason: 'NotFound',
      details: { name: 'missing', kind: 'secrets' },
      code: 404,
    });
    expect((await get('/api/v1/secrets', { token: undefined })).body).toMatchObject({
      reason: 'Unauthorized',
      code: 401,
    });
    expect((await get('/api/v1/configmaps')).body['message']).toBe(
      `configmaps is forbidden: User "${SA_USER}" cannot list resource "configmaps" in API group "" at the cluster scope`,
    );
    expect((await get('/api/v1/namespaces/apps/secrets', { method: 'POST' })).status).toBe(405);
    const version = await get('/version', { token: undefined });
    expect(version.body['gitVersion']).toMatch(/^v1\.32\./);
  });

  it('serves a replaced certificate to new connections', async () => {
    const renewed = issueLeaf('kube-apiserver', now, 200, { issuer: ca, sans: ['127.0.0.1'] });
    const peerSerial = () =>
      new Promise<string>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port: server.port, ca: ca.certPem }, () => {
          resolve(s.getPeerX509Certificate()?.serialNumber ?? '');
          s.destroy();
        });
        s.on('error', reject);
      });
    expect(await peerSerial()).toBe(serving.x509.serialNumber);
    server.setServingCertificate(renewed.certPem, renewed.keyPem);
    expect(await peerSerial()).toBe(renewed.x509.serialNumber);
    server.setServingCertificate(serving.certPem, serving.keyPem);
  });
});

describe('startTlsEndpoint', () => {
  const etcdCert = issueLeaf('etcd', now, -3, { issuer: ca, sans: ['127.0.0.1'] });

  it('lets a client without a certificate read the server certificate before refusing it', async () => {
    const etcd = await startTlsEndpoint({
      certPem: etcdCert.certPem,
      keyPem: etcdCert.keyPem,
      requestClientCert: true,
      clientCaPem: ca.certPem,
    });
    try {
      const seen = await new Promise<{ cn?: string; err: string; closed: Promise<string> }>((resolve) => {
        const s = connect(
          { host: etcd.host, port: etcd.port, ca: ca.certPem, rejectUnauthorized: false },
          () => {
            // The handshake completed on our side; the server's refusal arrives afterwards.
            const closed = new Promise<string>((done) => {
              s.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
              s.on('close', () => done('closed'));
            });
            resolve({ cn: s.getPeerX509Certificate()?.subject, err: String(s.authorizationError), closed });
            s.write('ping');
          },
        );
      });
      expect(seen.cn).toBe('CN=etcd');
      expect(seen.err).toBe('CERT_HAS_EXPIRED');
      expect(await seen.closed).toMatch(/CERTIFICATE_REQUIRED|ECONNRESET|closed/);
    } finally {
      await etcd.stop();
    }
  });

  it('answers any bytes with a 404 when no client certificate is requested', async () => {
    const kubelet = await startTlsEndpoint({ certPem: serving.certPem, keyPem: serving.keyPem });
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const s = connect({ host: kubelet.host, port: kubelet.port, ca: ca.certPem }, () =>
          s.write('GET / HTTP/1.1\r\n\r\n'),
        );
        let text = '';
        s.on('data', (c: Buffer) => (text += c.toString()));
        s.on('end', () => resolve(text));
        s.on('error', reject);
      });
      expect(reply).toMatch(/^HTTP\/1\.1 404 Not Found/);
    } finally {
      await kubelet.stop();
    }
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../src/domain/vigil-error.js';
import { explainKubeError } from '../../src/kube/explain-kube-error.js';
import { KubeAccessError } from '../../src/kube/kube-access-error.js';
import { KubeCertificateReader } from '../../src/kube/kube-certificate-reader.js';
import { loadClusterConnection } from '../../src/kube/load-cluster-connection.js';
import type { ClusterAccessConfig } from '../../src/kube/load-cluster-connection.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { listenOnLoopback } from '../../src/simulator/listen-on-loopback.js';
import { FakeKubeApiServer, kubeconfigText } from '../../src/simulator/kube-api-server/index.js';

const now = new Date();
const ca = issueCa('kubernetes', now);
const serving = issueLeaf('kube-apiserver', now, 200, { issuer: ca, sans: ['localhost', '127.0.0.1'] });
const expiredServing = issueLeaf('kube-apiserver', now, -3, { issuer: ca, sans: ['localhost', '127.0.0.1'] });
const selfSigned = issueLeaf('kube-apiserver', now, 200, { sans: ['localhost', '127.0.0.1'] });
const wrongName = issueLeaf('kube-apiserver', now, 200, { issuer: ca, sans: ['api.other.example'] });
const TOKEN = 'good-token';
const USER = 'system:serviceaccount:vigil:vigil';

const dir = mkdtempSync(join(tmpdir(), 'vigil-kube-errors-'));
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(cleanups.map((c) => c()));
  rmSync(dir, { recursive: true, force: true });
});

let fileCount = 0;
function writeKubeconfig(text: string): string {
  const path = join(dir, `kubeconfig-${fileCount++}`);
  writeFileSync(path, text);
  return path;
}

function connectTo(server: string, opts: { token?: string; timeoutMs?: number } = {}) {
  const path = writeKubeconfig(kubeconfigText({ server, caPem: ca.certPem, token: opts.token ?? TOKEN }));
  return loadClusterConnection({ name: 'prod', kubeconfig: path, requestTimeoutMs: opts.timeoutMs ?? 3000 });
}

async function startFake(cert: { chainPem: string; keyPem: string } = serving) {
  const fake = await FakeKubeApiServer.start({
    certPem: cert.chainPem,
    keyPem: cert.keyPem,
    tokens: { [TOKEN]: USER },
  });
  cleanups.push(() => fake.stop());
  return fake;
}

async function listenRaw(server: net.Server): Promise<number> {
  const { port, close } = await listenOnLoopback(server);
  cleanups.push(close);
  return port;
}

async function failure(p: Promise<unknown>): Promise<KubeAccessError> {
  const err = await p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KubeAccessError);
  return err as KubeAccessError;
}

describe('HTTP failures', () => {
  it('401: a rejected token tells the engineer to refresh credentials', async () => {
    const fake = await startFake();
    const err = await failure(connectTo(fake.url, { token: 'stale-token' }).ping());
    expect(err.code).toBe('kube-unauthorized');
    expect(err.httpStatus).toBe(401);
    expect(err.retryable).toBe(false);
    expect(err.endpoint).toBe(`127.0.0.1:${fake.port}`);
    expect(err.userMessage).toContain('token expired or rejected; refresh the kubeconfig credentials');
    expect(err.userMessage).toContain('"prod"');
  });

  it('403: names the verb, the resource and the RBAC rule to add', async () => {
    const fake = await startFake();
    fake.forbid({ verb: 'list', group: '', resource: 'secrets' });
    const conn = connectTo(fake.url);
    await conn.ping();
    const err = await failure(
      (async () => {
        for await (const _ of new KubeCertificateReader(conn.kube).tlsSecretPages(10)) void _;
      })(),
    );
    expect(err.code).toBe('kube-forbidden');
    expect(err.httpStatus).toBe(403);
    expect(err.userMessage).toContain(`"${USER}" permission to list secrets`);
    expect(err.userMessage).toContain('{apiGroups: [""], resources: ["secrets"], verbs: ["list"]}');
    expect(err.userMessage).toContain('ClusterRole');
  });

  it('5xx: retryable kube-server-error quoting the Status message', async () => {
    const server = https.createServer({ cert: serving.chainPem, key: serving.keyPem }, (_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ kind: 'Status', status: 'Failure', message: 'etcd leader changed', code: 503 }),
      );
    });
    const port = await listenRaw(server);
    const err = await failure(connectTo(`https://127.0.0.1:${port}`).ping());
    expect(err.code).toBe('kube-server-error');
    expect(err.retryable).toBe(true);
    expect(err.httpStatus).toBe(503);
    expect(err.userMessage).toContain('etcd leader changed');
  });
});

describe('transport failures', () => {
  it('DNS: cannot resolve the host', async () => {
    const err = await failure(connectTo('https://nonexistent.invalid:6443').ping());
    expect(err.code).toBe('kube-dns');
    expect(err.retryable).toBe(true);
    expect(err.userMessage).toContain('cannot resolve nonexistent.invalid');
    expect(err.endpoint).toBe('nonexistent.invalid:6443');
  });

  it('refused: nothing listens on the port', async () => {
    // Listen then close: the port is known-free.
    const port = await new Promise<number>((r) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => r(p));
      });
    });
    const err = await failure(connectTo(`https://127.0.0.1:${port}`).ping());
    expect(err.code).toBe('kube-refused');
    expect(err.retryable).toBe(true);
    expect(err.userMessage).toContain(`127.0.0.1:${port}`);
  });

  it('timeout: a server that accepts but never answers the TLS handshake', async () => {
    const port = await listenRaw(net.createServer(() => {}));
    const started = Date.now();
    const err = await failure(connectTo(`https://127.0.0.1:${port}`, { timeoutMs: 400 }).ping());
    const elapsed = Date.now() - started;
    expect(err.code).toBe('kube-timeout');
    expect(err.retryable).toBe(true);
    expect(err.userMessage).toContain('within 400 ms');
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(2000);
  });

  it('timeout: a server that completes TLS but never sends a response', async () => {
    const server = https.createServer({ cert: serving.chainPem, key: serving.keyPem }, () => {});
    const port = await listenRaw(server);
    const conn = connectTo(`https://127.0.0.1:${port}`, { timeoutMs: 400 });
    const started = Date.now();
    const err = await failure(
      (async () => {
        for await (const _ of new KubeCertificateReader(conn.kube).tlsSecretPages(10)) void _;
      })(),
    );
    expect(err.code).toBe('kube-timeout');
    expect(err.userMessage).toContain('list secrets');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('timeout: a server that sends the head of a list, then stalls mid-body', async () => {
    const server = https.createServer({ cert: serving.chainPem, key: serving.keyPem }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"kind":"SecretList","apiVersion":"v1","metadata":{},"items":[');
    });
    const port = await listenRaw(server);
    const conn = connectTo(`https://127.0.0.1:${port}`, { timeoutMs: 400 });
    const err = await failure(
      (async () => {
        for await (const _ of new KubeCertificateReader(conn.kube).tlsSecretPages(10)) void _;
      })(),
    );
    // Not "closed the connection": the request's own bound ended it.
    expect(err.code).toBe('kube-timeout');
    expect(err.userMessage).toContain('within 400 ms');
    server.closeAllConnections();
  });
});

describe('TLS failures', () => {
  it('expired API server certificate signed by the kubeconfig CA: CERT_HAS_EXPIRED', async () => {
    const fake = await startFake(expiredServing);
    const err = await failure(connectTo(fake.url).ping());
    expect(err.code).toBe('kube-tls');
    expect(err.tlsCode).toBe('CERT_HAS_EXPIRED');
    expect(err.endpoint).toBe(`127.0.0.1:${fake.port}`);
    expect(err.userMessage).toMatch(/expired/);
    expect(err.userMessage).toContain('kubeadm certs renew apiserver');
  });

  it('self-signed certificate outside the kubeconfig CA', async () => {
    const fake = await startFake(selfSigned);
    const err = await failure(connectTo(fake.url).ping());
    expect(err.code).toBe('kube-tls');
    expect(err.tlsCode).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(err.userMessage).toContain('certificate-authority-data');
  });

  it('chain from another CA', async () => {
    const otherCa = issueCa('someone-else', now);
    const foreign = issueLeaf('kube-apiserver', now, 200, { issuer: otherCa, sans: ['127.0.0.1'] });
    const fake = await startFake({ chainPem: foreign.certPem, keyPem: foreign.keyPem });
    const err = await failure(connectTo(fake.url).ping());
    expect(err.code).toBe('kube-tls');
    expect(err.tlsCode).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('certificate that does not name the server address', async () => {
    const fake = await startFake(wrongName);
    const err = await failure(connectTo(fake.url).ping());
    expect(err.code).toBe('kube-tls');
    expect(err.tlsCode).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(err.userMessage).toContain('does not name 127.0.0.1');
  });

  it('a port that does not speak TLS', async () => {
    const port = await listenRaw(
      net.createServer((c) => {
        c.on('error', () => {});
        c.write('HTTP/1.1 400 Bad Request\r\n\r\n');
      }),
    );
    const err = await failure(connectTo(`https://127.0.0.1:${port}`).ping());
    expect(err.code).toBe('kube-tls');
    expect(err.tlsCode).toMatch(/^ERR_SSL_/);
  });
});

describe('kubeconfig problems', () => {
  const load = (cfg: Partial<ClusterAccessConfig>, env: NodeJS.ProcessEnv = {}) => {
    try {
      loadClusterConnection({ name: 'prod', ...cfg }, env);
    } catch (e) {
      expect(e).toBeInstanceOf(VigilError);
      return e as VigilError;
    }
    throw new Error('expected kubeconfig-invalid');
  };

  it('missing file names the path, the cluster and the fix', () => {
    const path = join(dir, 'does-not-exist');
    const err = load({ kubeconfig: path });
    expect(err.code).toBe('kubeconfig-invalid');
    expect(err.userMessage).toContain(path);
    expect(err.userMessage).toContain('"prod"');
    expect(err.userMessage).toContain('does not exist');
  });

  it('unparsable YAML', () => {
    const path = writeKubeconfig('apiVersion: v1\nclusters: [\n  - name: x\n  cluster: {');
    const err = load({ kubeconfig: path });
    expect(err.code).toBe('kubeconfig-invalid');
    expect(err.userMessage).toContain(path);
    expect(err.userMessage).toContain('cannot be parsed');
  });

  it('missing context lists the available ones', () => {
    const path = writeKubeconfig(
      kubeconfigText({ server: 'https://10.0.0.1:6443', token: 't', contextName: 'admin@prod' }),
    );
    const err = load({ kubeconfig: path, context: 'admin@staging' });
    expect(err.code).toBe('kubeconfig-invalid');
    expect(err.userMessage).toContain('no context "admin@staging"');
    expect(err.userMessage).toContain('available contexts: admin@prod');
    expect(err.userMessage).toContain(path);
  });

  it('context that names an undefined user', () => {
    const path = writeKubeconfig(
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://10.0.0.1:6443"}}]',
        'users: []',
        'contexts: [{name: ctx, context: {cluster: c, user: ghost}}]',
        'current-context: ctx',
      ].join('\n'),
    );
    const err = load({ kubeconfig: path });
    expect(err.code).toBe('kubeconfig-invalid');
    expect(err.userMessage).toContain('user "ghost"');
  });

  it('inCluster outside a pod', () => {
    const err = load({ inCluster: true }, {});
    expect(err.code).toBe('kubeconfig-invalid');
    expect(err.userMessage).toContain('KUBERNETES_SERVICE_HOST');
  });

  it('takes the first path of $KUBECONFIG, and the file-relative CA path', () => {
    const caPath = join(dir, 'ca.crt');
    writeFileSync(caPath, ca.certPem);
    const path = writeKubeconfig(
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://api.prod.example:6443", certificate-authority: ca.crt}}]',
        'users: [{name: u, user: {token: abc}}]',
        'contexts: [{name: ctx, context: {cluster: c, user: u}}]',
        'current-context: ctx',
      ].join('\n'),
    );
    const conn = loadClusterConnection({ name: 'prod' }, { KUBECONFIG: `${path}:/nonexistent/other` });
    expect(conn.kubeconfigPath).toBe(path);
    expect(conn.contextName).toBe('ctx');
    expect(conn.caPem).toBe(ca.certPem);
    expect(conn.server).toEqual({
      url: 'https://api.prod.example:6443',
      host: 'api.prod.example',
      port: 6443,
      servername: 'api.prod.example',
    });
  });
});

describe('explainKubeError', () => {
  it('falls back to kube-unknown with the original message', () => {
    const err = explainKubeError(new Error('something odd'), {
      cluster: 'prod',
      server: 'https://10.0.0.1:6443',
    });
    expect(err.code).toBe('kube-unknown');
    expect(err.endpoint).toBe('10.0.0.1:6443');
    expect(err.userMessage).toContain('something odd');
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/load-config.js';
import { VigilError } from '../../src/domain/vigil-error.js';
import { KubeAccessError } from '../../src/kube/kube-access-error.js';
import { KubeCertificateReader } from '../../src/kube/kube-certificate-reader.js';
import { loadClusterConnection } from '../../src/kube/load-cluster-connection.js';
import { FakeKubeApiServer, kubeconfigText } from '../../src/simulator/kube-api-server/index.js';
import { listenOnLoopback } from '../../src/simulator/listen-on-loopback.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { checkJson } from '../support/check-json.js';

const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const ca = issueCa('kubernetes', now);
const serving = issueLeaf('kube-apiserver', now, 200, { issuer: ca, sans: ['127.0.0.1'] });
const client = issueLeaf('vigil', now, 200, { issuer: ca });
const TOKEN = 'good-token';
const b64 = (s: string) => Buffer.from(s).toString('base64');

const dir = mkdtempSync(join(tmpdir(), 'vigil-hostile-'));
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(cleanups.map((c) => c()));
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
function writeKubeconfig(text: string): string {
  const path = join(dir, `kubeconfig-${files++}`);
  writeFileSync(path, text);
  return path;
}

function connect(server: string) {
  const kubeconfig = writeKubeconfig(kubeconfigText({ server, caPem: ca.certPem, token: TOKEN }));
  return loadClusterConnection({ name: 'prod', kubeconfig, requestTimeoutMs: 3000 });
}

/** An HTTPS "API server" answering every path with `answer`; /version is always fine. */
async function rawApi(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const server = https.createServer({ cert: serving.chainPem, key: serving.keyPem }, (req, res) => {
    if (req.url === '/version') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"major":"1","minor":"32","gitVersion":"v1.32.4"}');
      return;
    }
    answer(req, res);
  });
  const { port, close } = await listenOnLoopback(server);
  cleanups.push(close);
  return `https://127.0.0.1:${port}`;
}

async function listSecretsFailure(server: string): Promise<KubeAccessError> {
  const conn = connect(server);
  const err = await (async () => {
    for await (const _ of new KubeCertificateReader(conn.kube).tlsSecretPages(10)) void _;
  })().then(
    () => new Error('expected the list to fail'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KubeAccessError);
  return err as KubeAccessError;
}

function loadFailure(kubeconfig: string): VigilError {
  try {
    loadClusterConnection({ name: 'prod', kubeconfig });
  } catch (e) {
    expect(e).toBeInstanceOf(VigilError);
    return e as VigilError;
  }
  throw new Error('expected kubeconfig-invalid');
}

const secretList = (items: unknown[]) =>
  JSON.stringify({ kind: 'SecretList', apiVersion: 'v1', metadata: {}, items });

describe('an API server whose continue token repeats', () => {
  let api: FakeKubeApiServer;
  beforeAll(async () => {
    api = await FakeKubeApiServer.start({
      certPem: serving.certPem,
      keyPem: serving.keyPem,
      tokens: { [TOKEN]: 'vigil' },
    });
    cleanups.push(() => api.stop());
    for (let i = 0; i < 25; i++) {
      api.upsert({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { namespace: 'web', name: `tls-${i}` },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': b64(issueLeaf(`svc-${i}.example.com`, now, 100).certPem), 'tls.key': b64('k') },
      });
    }
    api.loopContinueTokens();
  });

  it('stops `vigil check` after the repeat with a finding naming the list and the bound', async () => {
    const kubeconfig = writeKubeconfig(api.kubeconfig({ caPem: ca.certPem, token: TOKEN }));
    const before = api.requests.length;
    const { json } = await checkJson(
      parseConfig(
        { clusters: [{ name: 'prod', kubeconfig }], certificates: { secretPageSize: 10 } },
        't',
        dir,
      ),
      now,
      ['certificates'],
    );
    const secretLists = api.requests.slice(before).filter((r) => r.path === '/api/v1/secrets');
    expect(secretLists.length).toBeLessThanOrEqual(3);
    const f = json.findings.find((x) => x.source === 'tls-secret');
    expect(f?.severity).toBe('unknown');
    expect(f?.summary).toMatch(
      /cannot list TLS Secrets: listing secrets on cluster "prod" .* was stopped: the API server handed out a continue token it had already given/,
    );
  });
});

describe('redirects from the API server', () => {
  it('refuses a redirect to plain HTTP on another port, names the location, and never calls it', async () => {
    let decoyHits = 0;
    const decoy = http.createServer((_req, res) => {
      decoyHits += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(secretList([]));
    });
    const { port: decoyPort, close } = await listenOnLoopback(decoy);
    cleanups.push(close);
    const location = `http://127.0.0.1:${decoyPort}/api/v1/secrets`;
    const server = await rawApi((_req, res) => {
      res.writeHead(302, { location });
      res.end();
    });
    const err = await listSecretsFailure(server);
    expect(err.code).toBe('kube-redirect');
    expect(err.userMessage).toContain(`with a redirect (HTTP 302) to ${location}`);
    expect(err.userMessage).toContain('list secrets');
    expect(decoyHits).toBe(0);

    const kubeconfig = writeKubeconfig(kubeconfigText({ server, caPem: ca.certPem, token: TOKEN }));
    const { json } = await checkJson(
      parseConfig({ clusters: [{ name: 'prod', kubeconfig }] }, 't', dir),
      now,
      ['certificates'],
    );
    const f = json.findings.find((x) => x.source === 'tls-secret');
    expect(f?.severity).toBe('unknown');
    expect(f?.summary).toContain(location);
    expect(decoyHits).toBe(0);
  });

  it('follows a redirect within the API server origin', async () => {
    const cert = issueLeaf('web.example.com', now, 100).certPem;
    const server = await rawApi((req, res) => {
      if (req.url?.startsWith('/api/v1/secrets')) {
        res.writeHead(307, { location: `/moved${req.url}` });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(secretList([{ metadata: { namespace: 'web', name: 'tls' }, data: { 'tls.crt': b64(cert) } }]));
    });
    const pages = [];
    for await (const page of new KubeCertificateReader(connect(server).kube).tlsSecretPages(10))
      pages.push(...page);
    expect(pages.map((s) => `${s.namespace}/${s.name}`)).toEqual(['web/tls']);
  });
});

describe('answers that are not Kubernetes', () => {
  it('an HTML page where a list belongs: says so, without quoting it', async () => {
    const server = await rawApi((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Sign in to Corp SSO</body></html>');
    });
    const err = await listSecretsFailure(server);
    expect(err.code).toBe('kube-bad-response');
    expect(err.userMessage).toContain('answered while trying to list secrets with an HTML page');
    expect(err.userMessage).toContain('not a login page, proxy or load balancer');
    expect(err.userMessage).not.toMatch(/iterable|Corp SSO/);
  });

  it('HTML labelled as JSON: "not JSON", without quoting it', async () => {
    const server = await rawApi((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html>session=abc123</html>');
    });
    const err = await listSecretsFailure(server);
    expect(err.code).toBe('kube-bad-response');
    expect(err.userMessage).toContain('with a body that is not JSON');
    expect(err.userMessage).not.toContain('session=abc123');
    // JSON.parse's own error quotes the body; it is not kept as the cause, so no log serializes it.
    expect(err.cause).toBeUndefined();
  });

  it('a continue token that is not a string says so, without quoting it', async () => {
    const server = await rawApi((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'SecretList', metadata: { continue: { token: 'abc123' } }, items: [] }));
    });
    const err = await listSecretsFailure(server);
    expect(err.code).toBe('kube-bad-response');
    expect(err.userMessage).toContain('a list whose metadata.continue is an object, not a token');
    expect(err.userMessage).not.toContain('abc123');
  });

  it('a Secret whose name is not a string names the field', async () => {
    const server = await rawApi((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(secretList([{ metadata: { namespace: 'web', name: 42 }, data: {} }]));
    });
    const err = await listSecretsFailure(server);
    expect(err.code).toBe('kube-bad-response');
    expect(err.userMessage).toContain('a Secret whose metadata.name is a number, not a name');
  });

  it('an answer without an items list names what came instead', async () => {
    const server = await rawApi((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', items: { nope: 1 } }));
    });
    const err = await listSecretsFailure(server);
    expect(err.code).toBe('kube-bad-response');
    expect(err.userMessage).toContain('an object of kind Status without an items list');
  });

  it('a Secret whose tls.crt is a JSON number names the Secret and the key', async () => {
    const server = await rawApi((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(secretList([{ metadata: { namespace: 'web', name: 'odd' }, data: { 'tls.crt': 12345 } }]));
    });
    const err = await listSecretsFailure(server);
    expect(err.code).toBe('kube-bad-response');
    expect(err.userMessage).toContain('Secret web/odd whose data["tls.crt"] is a number, not base64 text');
    expect(err.userMessage).not.toMatch(/radix/);
  });
});

describe('kubeconfig content refused at load, with the thing and the fix', () => {
  it('a plain http:// server URL', () => {
    const err = loadFailure(
      writeKubeconfig(kubeconfigText({ server: 'http://10.0.0.1:8080', token: TOKEN })),
    );
    expect(err.code).toBe('kubeconfig-invalid');
    expect(err.userMessage).toContain('plain HTTP server URL http://10.0.0.1:8080');
    expect(err.userMessage).toContain('refused');
    expect(err.userMessage).toContain("use the API server's https:// URL");
  });

  it('garbage certificate-authority-data is not reported as an untrusted CA', () => {
    const text = kubeconfigText({ server: 'https://10.0.0.1:6443', token: TOKEN }).replace(
      'server: https://10.0.0.1:6443',
      `server: https://10.0.0.1:6443\n      certificate-authority-data: ${b64('not a certificate at all')}`,
    );
    const err = loadFailure(writeKubeconfig(text));
    expect(err.code).toBe('kubeconfig-invalid');
    expect(err.userMessage).toContain('certificate-authority-data of cluster "fake" in kubeconfig');
    expect(err.userMessage).toContain('holds no PEM certificate');
    expect(err.userMessage).toContain('base64 -w0');
  });

  it('PEM pasted into certificate-authority-data, where base64 belongs', () => {
    const text = stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'c', cluster: { server: 'https://10.0.0.1:6443', 'certificate-authority-data': ca.certPem } },
      ],
      users: [{ name: 'u', user: { token: TOKEN } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    });
    const err = loadFailure(writeKubeconfig(text));
    expect(err.userMessage).toContain(
      'certificate-authority-data holds PEM text, but it must be base64 of it',
    );
  });

  it('a garbage client certificate is not reported as "PEM routines::no start line"', () => {
    const text = kubeconfigText({
      server: 'https://10.0.0.1:6443',
      caPem: ca.certPem,
      clientCertPem: 'garbage',
      clientKeyPem: client.keyPem,
    });
    const err = loadFailure(writeKubeconfig(text));
    expect(err.code).toBe('kubeconfig-invalid');
    expect(err.userMessage).toContain('client-certificate-data of user "fake-user"');
    expect(err.userMessage).toContain('holds no PEM certificate');
    expect(err.userMessage).not.toMatch(/no start line/);
  });

  it('a client key that does not belong to the client certificate', () => {
    const other = issueLeaf('someone', now, 200, { issuer: ca });
    const text = kubeconfigText({
      server: 'https://10.0.0.1:6443',
      caPem: ca.certPem,
      clientCertPem: client.certPem,
      clientKeyPem: other.keyPem,
    });
    const err = loadFailure(writeKubeconfig(text));
    expect(err.userMessage).toContain('client-key-data of user "fake-user"');
    expect(err.userMessage).toContain('does not belong to the client certificate');
  });

  describe('tokenFile (kubectl reads it; client-node, which vigil used before, ignored it)', () => {
    let api: FakeKubeApiServer;
    beforeAll(async () => {
      api = await FakeKubeApiServer.start({
        certPem: serving.certPem,
        keyPem: serving.keyPem,
        tokens: { [TOKEN]: 'system:serviceaccount:vigil:vigil' },
      });
      cleanups.push(() => api.stop());
    });
    const withTokenFile = (tokenFile: string) =>
      api.kubeconfig({ caPem: ca.certPem }).replace('user: {}', `user:\n      tokenFile: ${tokenFile}`);

    it('a missing one names the file instead of a later 401', () => {
      const err = loadFailure(writeKubeconfig(withTokenFile('./no-such-token')));
      expect(err.code).toBe('kubeconfig-invalid');
      expect(err.userMessage).toContain(`tokenFile ${join(dir, 'no-such-token')} of user "fake-user"`);
      expect(err.userMessage).toContain('does not exist');
    });

    it('an existing one authenticates, read relative to the kubeconfig', async () => {
      writeFileSync(join(dir, 'sa-token'), `${TOKEN}\n`);
      const conn = loadClusterConnection({
        name: 'prod',
        kubeconfig: writeKubeconfig(withTokenFile('sa-token')),
      });
      const before = api.requests.length;
      await new KubeCertificateReader(conn.kube).kubeletEndpoints();
      expect(api.requests.slice(before).map((r) => r.user)).toEqual(['system:serviceaccount:vigil:vigil']);
    });
  });
});

import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { VigilError } from '../../src/domain/vigil-error.js';
import { loadClusterConnection } from '../../src/kube/load-cluster-connection.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { FakeKubeApiServer } from '../../src/simulator/kube-api-server/index.js';

/**
 * The kubeconfig forms vigil reads itself (src/kube/kubeconfig-file.ts, user-credentials.ts), each
 * proven by a real GET /version over HTTPS against the fake API server: what kubectl accepts works,
 * what vigil cannot do is a kubeconfig-invalid error naming the field and the fix.
 */
const now = new Date();
const ca = issueCa('kubernetes', now);
const serving = issueLeaf('kube-apiserver', now, 200, { issuer: ca, sans: ['127.0.0.1', 'api.internal'] });
const TOKEN = 'good-token';

let fake: FakeKubeApiServer;
let dir: string;
let n = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-kubeconfig-'));
  writeFileSync(join(dir, 'ca.crt'), ca.certPem);
  fake = await FakeKubeApiServer.start({
    certPem: serving.chainPem,
    keyPem: serving.keyPem,
    tokens: { [TOKEN]: 'system:serviceaccount:vigil:vigil' },
  });
});

afterAll(async () => {
  await fake?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A kubeconfig with one cluster, user and context; `cluster` and `user` are merged into the defaults. */
function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown>): string {
  const path = join(dir, `kubeconfig-${n++}`);
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: fake.url, 'certificate-authority': 'ca.crt', ...cluster } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'ctx',
    }),
  );
  return path;
}

function invalid(path: string): VigilError {
  try {
    loadClusterConnection({ name: 'prod', kubeconfig: path });
  } catch (err) {
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).code).toBe('kubeconfig-invalid');
    return err as VigilError;
  }
  throw new Error('expected kubeconfig-invalid');
}

const ping = (path: string) => loadClusterConnection({ name: 'prod', kubeconfig: path }).ping();

describe('kubeconfig forms that work', () => {
  it('token-file (client-go spelling) and tokenFile (kubectl) both send the file, read relative to the kubeconfig', async () => {
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
    await expect(ping(kubeconfig({}, { tokenFile: 'token' }))).resolves.toBeUndefined();
    await expect(ping(kubeconfig({}, { 'token-file': 'token' }))).resolves.toBeUndefined();
  });

  it('the oidc auth-provider sends its id-token', async () => {
    await expect(
      ping(kubeconfig({}, { 'auth-provider': { name: 'oidc', config: { 'id-token': TOKEN } } })),
    ).resolves.toBeUndefined();
  });

  it('tls-server-name: the certificate is checked against that name, not the address dialled', async () => {
    const url = new URL(fake.url);
    url.hostname = '127.0.0.1';
    await expect(
      ping(kubeconfig({ server: url.href, 'tls-server-name': 'api.internal' }, { token: TOKEN })),
    ).resolves.toBeUndefined();
  });

  it('insecure-skip-tls-verify reaches a server whose CA is unknown', async () => {
    await expect(
      ping(
        kubeconfig(
          { 'certificate-authority': undefined, 'insecure-skip-tls-verify': true },
          { token: TOKEN },
        ),
      ),
    ).resolves.toBeUndefined();
  });

  it('a relative exec command with a path separator runs from the kubeconfig directory', async () => {
    mkdirSync(join(dir, 'bin'), { recursive: true });
    const plugin = join(dir, 'bin', 'creds');
    writeFileSync(
      plugin,
      `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${TOKEN}"}}'\n`,
    );
    chmodSync(plugin, 0o755);
    await expect(
      ping(
        kubeconfig({}, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './bin/creds' } }),
      ),
    ).resolves.toBeUndefined();
  });

  it('inCluster reads the mounted service-account token and CA and dials KUBERNETES_SERVICE_HOST', async () => {
    const sa = join(dir, 'serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), TOKEN);
    writeFileSync(join(sa, 'ca.crt'), ca.certPem);
    const url = new URL(fake.url);
    const conn = loadClusterConnection(
      { name: 'prod', inCluster: true },
      { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: url.port },
      { serviceAccountDir: sa },
    );
    expect(conn.server.url).toBe(`https://127.0.0.1:${url.port}`);
    await expect(conn.ping()).resolves.toBeUndefined();
    expect(JSON.stringify(conn)).not.toContain(TOKEN);
  });

  it('a wrong token is a 401 explained, not a success', async () => {
    const err = await ping(kubeconfig({}, { token: 'nope' })).catch((e: unknown) => e);
    expect((err as VigilError).code).toBe('kube-unauthorized');
  });
});

describe('kubeconfig forms vigil refuses, each naming the field and the fix', () => {
  it('gcp and azure auth-providers (removed from kubectl in 1.26)', () => {
    const gcp = invalid(kubeconfig({}, { 'auth-provider': { name: 'gcp', config: {} } }));
    expect(gcp.userMessage).toContain('gke-gcloud-auth-plugin');
    const azure = invalid(kubeconfig({}, { 'auth-provider': { name: 'azure', config: {} } }));
    expect(azure.userMessage).toContain('kubelogin');
  });

  it('an oidc auth-provider without an id-token', () => {
    expect(invalid(kubeconfig({}, { 'auth-provider': { name: 'oidc', config: {} } })).userMessage).toContain(
      'without an id-token',
    );
  });

  it('proxy-url', () => {
    expect(
      invalid(kubeconfig({ 'proxy-url': 'http://127.0.0.1:3128' }, { token: TOKEN })).userMessage,
    ).toContain('proxy-url');
  });

  it('a field of the wrong type names it', () => {
    expect(
      invalid(kubeconfig({ 'insecure-skip-tls-verify': 'yes' }, { token: TOKEN })).userMessage,
    ).toContain('clusters[0].cluster.insecure-skip-tls-verify must be true or false');
    expect(invalid(kubeconfig({}, { token: 42 })).userMessage).toContain(
      'users[0].user.token must be a string',
    );
  });

  it('a missing or empty token file', () => {
    expect(invalid(kubeconfig({}, { tokenFile: 'no-such-token' })).userMessage).toContain('does not exist');
    writeFileSync(join(dir, 'empty-token'), '\n');
    expect(invalid(kubeconfig({}, { tokenFile: 'empty-token' })).userMessage).toContain('is empty');
  });

  it('inCluster without a mounted token', () => {
    const err = (() => {
      try {
        loadClusterConnection(
          { name: 'prod', inCluster: true },
          { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
          { serviceAccountDir: join(dir, 'no-such-dir') },
        );
      } catch (e) {
        return e as VigilError;
      }
      throw new Error('expected kubeconfig-invalid');
    })();
    expect(err.code).toBe('kubeconfig-invalid');
    expect(err.userMessage).toContain('automountServiceAccountToken');
  });
});

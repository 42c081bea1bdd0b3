import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/load-config.js';
import { KubeAccessError } from '../../src/kube/kube-access-error.js';
import { KubeCertificateReader } from '../../src/kube/kube-certificate-reader.js';
import { loadClusterConnection } from '../../src/kube/load-cluster-connection.js';
import { FakeKubeApiServer } from '../../src/simulator/kube-api-server/index.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { checkJson } from '../support/check-json.js';

const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const ca = issueCa('kubernetes', now);
const serving = issueLeaf('kube-apiserver', now, 200, { issuer: ca, sans: ['127.0.0.1'] });
const GOOD_TOKEN = 'plugin-issued-token-0123456789';
const USER = 'arn:aws:iam::123456789012:role/vigil';
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'hostile', 'plugins');

const dir = mkdtempSync(join(tmpdir(), 'vigil-plugin-'));
let api: FakeKubeApiServer;
beforeAll(async () => {
  api = await FakeKubeApiServer.start({
    certPem: serving.certPem,
    keyPem: serving.keyPem,
    tokens: { [GOOD_TOKEN]: USER },
  });
});
afterAll(async () => {
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The fixture plugin copied into the temp dir as an executable, as an operator would install it. */
function plugin(name: string): string {
  const path = join(dir, name);
  copyFileSync(join(fixtures, name), path);
  chmodSync(path, 0o755);
  return path;
}

let files = 0;
function kubeconfigWithPlugin(command: string, env: Record<string, string> = {}): string {
  const path = join(dir, `kubeconfig-${files++}`);
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'eks',
          cluster: {
            server: api.url,
            'certificate-authority-data': Buffer.from(ca.certPem).toString('base64'),
          },
        },
      ],
      users: [
        {
          name: 'eks-user',
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1',
              command,
              args: ['eks', 'get-token', '--cluster-name', 'prod'],
              env: Object.entries(env).map(([name, value]) => ({ name, value })),
              interactiveMode: 'Never',
            },
          },
        },
      ],
      contexts: [{ name: 'eks', context: { cluster: 'eks', user: 'eks-user' } }],
      'current-context': 'eks',
    }),
  );
  return path;
}

async function pingFailure(kubeconfig: string, timeoutMs = 5000): Promise<KubeAccessError> {
  const conn = loadClusterConnection({ name: 'prod', kubeconfig, requestTimeoutMs: timeoutMs });
  const err = await conn.ping().then(
    () => new Error('expected the ping to fail'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KubeAccessError);
  return err as KubeAccessError;
}

/** Everything a failure can show to a person or a log: message, JSON of the error, its causes. */
function everythingShown(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    parts.push(String((e as Error).message), (e as Error).stack ?? '', JSON.stringify(e));
  }
  return parts.join('\n');
}

describe('kubeconfig credential plugins (users[].user.exec)', () => {
  it('gets a token from a well-behaved plugin once per connection, telling it no one can answer a prompt', async () => {
    const runs = join(dir, 'runs');
    const info = join(dir, 'exec-info.json');
    const kc = kubeconfigWithPlugin(plugin('exec-credential.sh'), {
      FAKE_TOKEN: GOOD_TOKEN,
      FAKE_RUNS_FILE: runs,
      FAKE_EXEC_INFO_FILE: info,
    });
    const conn = loadClusterConnection({ name: 'prod', kubeconfig: kc, requestTimeoutMs: 5000 });
    const before = api.requests.length;
    await conn.ping();
    await Promise.all([
      conn.ping(),
      new KubeCertificateReader(conn.kube).kubeletEndpoints(),
      new KubeCertificateReader(conn.kube).getConfigMapData('kube-system', 'nope'),
    ]);
    const seen = api.requests.slice(before);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(seen.every((r) => r.user === USER)).toBe(true);
    expect(readFileSync(runs, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(readFileSync(info, 'utf8'))).toMatchObject({
      kind: 'ExecCredential',
      apiVersion: 'client.authentication.k8s.io/v1',
      spec: { interactive: false },
    });
  });

  it('never echoes what a failing plugin wrote to stderr (a refresh token): names it, its exit code and the fix', async () => {
    const refresh = 'rt-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
    const command = plugin('stderr-token.sh');
    const err = await pingFailure(kubeconfigWithPlugin(command, { FAKE_REFRESH_TOKEN: refresh }));
    expect(err.code).toBe('kube-credential-plugin');
    expect(err.userMessage).toContain(`credential plugin \`${command}\` exited with code 1`);
    expect(err.userMessage).toContain('users[].user.exec in kubeconfig');
    expect(everythingShown(err)).not.toContain(refresh);
    expect(everythingShown(err)).not.toContain('expired; run the login again');
  });

  it.each([
    ['short', 'sekrit-42'],
    ['long', 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.eyJzdWIiOiJ2aWdpbCJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ'],
  ])('never shows a bare %s token a plugin printed instead of an ExecCredential', async (_kind, token) => {
    const command = plugin('bare-token.sh');
    const err = await pingFailure(kubeconfigWithPlugin(command, { FAKE_TOKEN: token }));
    expect(err.code).toBe('kube-credential-plugin');
    expect(err.userMessage).toContain(`credential plugin \`${command}\` exited with code 0 but printed`);
    expect(err.userMessage).toMatch(/not JSON/);
    const shown = everythingShown(err);
    expect(shown).not.toContain(token);
    expect(shown).not.toContain(token.slice(0, 10));
  });

  it('stops a hanging plugin (and its children) at the request timeout and names it', async () => {
    const pidFile = join(dir, 'hang.pid');
    const command = plugin('hang.sh');
    const started = Date.now();
    const err = await pingFailure(kubeconfigWithPlugin(command, { FAKE_PID_FILE: pidFile }), 700);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(4000);
    expect(err.code).toBe('kube-credential-plugin');
    expect(err.retryable).toBe(true);
    expect(err.userMessage).toContain(`credential plugin \`${command}\` gave no credentials within 700 ms`);
    expect(err.userMessage).not.toMatch(/JSON|kube-apiserver/);
    const sleeper = Number(readFileSync(pidFile, 'utf8').trim());
    await expect.poll(() => isAlive(sleeper), { timeout: 2000 }).toBe(false);
  });

  it('names a plugin that is not installed and says where to fix it', async () => {
    const kc = kubeconfigWithPlugin('vigil-no-such-credential-plugin');
    const err = await pingFailure(kc);
    expect(err.code).toBe('kube-credential-plugin');
    expect(err.userMessage).toContain(
      `credential plugin \`vigil-no-such-credential-plugin\` not found on PATH; install it or fix users[].user.exec.command in kubeconfig ${kc}`,
    );
    expect(err.userMessage).not.toContain('ENOENT');
  });

  it('reports a plugin failure in `vigil check` without the secret, and without blaming kube-apiserver', async () => {
    const refresh = 'rt-check-path-0a1b2c3d4e5f';
    const kc = kubeconfigWithPlugin(plugin('stderr-token.sh'), { FAKE_REFRESH_TOKEN: refresh });
    const { json, exitCode } = await checkJson(
      parseConfig({ clusters: [{ name: 'prod', kubeconfig: kc }] }, 'test', dir),
      now,
    );
    expect(exitCode).toBe(3);
    expect(JSON.stringify(json)).not.toContain(refresh);
    const access = json.findings.find((f) => f.source === 'cluster-access');
    expect(access?.summary).toMatch(/credential plugin `.*stderr-token\.sh` exited with code 1/);
    expect(access?.nextStep).toMatch(/credential plugin failed, not the API server/);
  });
});

/** Killed but not yet reaped (a zombie, until init collects it) counts as dead. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z';
  } catch {
    return true; // no procfs: the signal test above is all there is
  }
}

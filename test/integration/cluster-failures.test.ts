import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { checkJson } from '../support/check-json.js';
import { FakeKubeApiServer } from '../../src/simulator/kube-api-server/index.js';
import { issueCa, issueCert, issueLeaf, daysFrom } from '../../src/simulator/cert-factory.js';

const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const dir = mkdtempSync(join(tmpdir(), 'vigil-failures-'));
const ca = issueCa('kubernetes', now);
const serving = issueLeaf('kube-apiserver', now, 200, { issuer: ca, sans: ['localhost', '127.0.0.1'] });
const token = 'good-token';
const b64 = (s: string) => Buffer.from(s).toString('base64');

async function check(clusters: Record<string, unknown>[], certificates: Record<string, unknown> = {}) {
  return checkJson(parseConfig({ clusters, certificates }, 'test', dir), now);
}

function kubeconfigFile(name: string, text: string): string {
  const file = join(dir, `${name}.kubeconfig`);
  writeFileSync(file, text);
  return file;
}

describe('clusters that cannot be (fully) read', () => {
  let api: FakeKubeApiServer;
  let closedPort: number;

  beforeAll(async () => {
    api = await FakeKubeApiServer.start({
      certPem: serving.certPem,
      keyPem: serving.keyPem,
      tokens: { [token]: 'vigil' },
    });
    for (let i = 0; i < 25; i++) {
      const ns = `ns-${i % 3}`;
      api.upsert({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { namespace: ns, name: `tls-${i}` },
        type: 'kubernetes.io/tls',
        data: {
          'tls.crt': b64(issueLeaf(`svc-${i}.example.com`, now, 100 + i).certPem),
          'tls.key': b64('k'),
        },
      });
    }
    // Opaque Secrets must never be fetched: the type selector is applied by the server.
    api.upsert({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'ns-0', name: 'db-password' },
      type: 'Opaque',
      data: { p: b64('hunter2') },
    });
    const probe: Server = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
  });
  afterAll(() => api?.stop());

  it('lists TLS Secrets in pages with the server-side type selector', async () => {
    const kc = kubeconfigFile('paged', api.kubeconfig({ caPem: ca.certPem, token }));
    const before = api.requests.length;
    const { json } = await check([{ name: 'paged', kubeconfig: kc }], { secretPageSize: 10 });
    const secretLists = api.requests.slice(before).filter((r) => r.path === '/api/v1/secrets');
    expect(secretLists).toHaveLength(3);
    for (const r of secretLists) {
      expect(r.query.fieldSelector).toBe('type=kubernetes.io/tls');
      expect(r.query.limit).toBe('10');
    }
    expect(secretLists[0]?.query.continue).toBeUndefined();
    expect(secretLists[1]?.query.continue).toBeTruthy();
    const secrets = json.findings.filter((f) => f.source === 'tls-secret');
    expect(secrets).toHaveLength(25);
    expect(secrets.every((f) => f.severity === 'ok')).toBe(true);
    expect(JSON.stringify(json)).not.toContain('db-password');
  });

  it('keeps reporting other clusters and sources when one is unreachable and one forbids Secrets', async () => {
    api.forbid({ verb: 'list', group: '', resource: 'secrets' });
    const good = kubeconfigFile('forbidden', api.kubeconfig({ caPem: ca.certPem, token }));
    const down = kubeconfigFile(
      'down',
      api.kubeconfig({ caPem: ca.certPem, token, server: `https://127.0.0.1:${closedPort}` }),
    );
    const { json, exitCode } = await check([
      { name: 'down', kubeconfig: down },
      { name: 'forbidden', kubeconfig: good },
    ]);
    const downAccess = json.findings.find((f) => f.cluster === 'down' && f.source === 'cluster-access');
    expect(downAccess?.severity).toBe('unknown');
    expect(downAccess?.summary).toMatch(/refused/i);
    expect(json.clusters.find((c) => c.name === 'down')?.reachable).toBe(false);

    const denied = json.findings.find((f) => f.cluster === 'forbidden' && f.source === 'tls-secret');
    expect(denied?.severity).toBe('unknown');
    expect(denied?.summary).toMatch(/cannot list TLS Secrets: .*list.*secrets/);
    expect(denied?.nextStep).toMatch(/ClusterRole/);
    // The rest of that cluster is still read.
    expect(json.findings.find((f) => f.cluster === 'forbidden' && f.source === 'apiserver')?.severity).toBe(
      'ok',
    );
    expect(exitCode).toBe(3);
  });

  it('reports a rejected token in words an on-call engineer can act on', async () => {
    const kc = kubeconfigFile('badtoken', api.kubeconfig({ caPem: ca.certPem, token: 'expired-token' }));
    const { json } = await check([{ name: 'badtoken', kubeconfig: kc }]);
    const access = json.findings.find((f) => f.source === 'cluster-access');
    expect(access?.severity).toBe('unknown');
    expect(access?.summary).toMatch(/401|token|credentials/i);
  });

  it('names an untrusted self-signed API server certificate, with subject, SANs and expiry', async () => {
    const selfSigned = issueCert({
      commonName: 'rogue-apiserver',
      sans: ['127.0.0.1'],
      notBefore: daysFrom(now, -10),
      notAfter: daysFrom(now, 355),
    });
    const rogue = await FakeKubeApiServer.start({
      certPem: selfSigned.certPem,
      keyPem: selfSigned.keyPem,
      tokens: { [token]: 'vigil' },
    });
    try {
      const kc = kubeconfigFile('rogue', rogue.kubeconfig({ caPem: ca.certPem, token }));
      const { json, exitCode } = await check([{ name: 'rogue', kubeconfig: kc }]);
      const access = json.findings.find((f) => f.source === 'cluster-access');
      expect(access?.severity).toBe('critical');
      expect(access?.summary).toMatch(
        /API server certificate CN=rogue-apiserver on 127\.0\.0\.1:\d+ is self-signed/,
      );
      expect(access?.evidence?.join('\n')).toMatch(/SANs: 127\.0\.0\.1/);
      const cert = json.findings.find((f) => f.source === 'apiserver');
      expect(cert?.severity).toBe('critical');
      expect(cert?.summary).toMatch(/not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
      expect(exitCode).toBe(2);
    } finally {
      await rogue.stop();
    }
  });

  it('turns a broken kubeconfig into a finding that names the file, without hiding other clusters', async () => {
    const broken = join(dir, 'broken.kubeconfig');
    writeFileSync(broken, 'apiVersion: v1\nclusters: [\n');
    api.delete('v1', 'Secret', 'ns-0', 'tls-0');
    const ok = kubeconfigFile('ok', api.kubeconfig({ caPem: ca.certPem, token }));
    const { json } = await check([
      { name: 'broken', kubeconfig: broken },
      { name: 'ok', kubeconfig: ok },
    ]);
    const f = json.findings.find((x) => x.cluster === 'broken');
    expect(f?.summary).toContain('broken.kubeconfig');
    expect(
      json.findings.some((x) => x.cluster === 'ok' && x.source === 'apiserver' && x.severity === 'ok'),
    ).toBe(true);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { checkJson } from '../support/check-json.js';
import { FakeKubeApiServer } from '../../src/simulator/kube-api-server/index.js';
import { issueCa, issueLeaf, toPkcs12 } from '../../src/simulator/cert-factory.js';

const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const dir = mkdtempSync(join(tmpdir(), 'vigil-multi-'));
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

type Kubeconfig = { clusters: unknown[]; users: unknown[]; contexts: unknown[]; 'current-context'?: string };

/**
 * Two clusters in one kubeconfig file must each get their own client and credentials: one
 * cluster's token must never reach another's API server (src/kube/load-cluster-connection.ts).
 */
describe('several clusters from one kubeconfig file', () => {
  let a: FakeKubeApiServer;
  let b: FakeKubeApiServer;
  let file: string;
  const caA = issueCa('ca-a', now);
  const caB = issueCa('ca-b', now);

  beforeAll(async () => {
    const certA = issueLeaf('apiserver-a', now, 300, { issuer: caA, sans: ['127.0.0.1'] });
    const certB = issueLeaf('apiserver-b', now, 100, { issuer: caB, sans: ['127.0.0.1'] });
    a = await FakeKubeApiServer.start({
      certPem: certA.certPem,
      keyPem: certA.keyPem,
      tokens: { 'token-a': 'a' },
    });
    b = await FakeKubeApiServer.start({
      certPem: certB.certPem,
      keyPem: certB.keyPem,
      tokens: { 'token-b': 'b' },
    });
    const keystoreCert = issueLeaf('billing.example.com', now, 20);
    b.upsert({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'billing', name: 'java-tls' },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': b64(issueLeaf('billing.example.com', now, 150).certPem),
        'tls.key': b64('k'),
        // An unprotected PKCS#12 keystore next to the PEM, as Java workloads mount it.
        'keystore.p12': b64(toPkcs12(keystoreCert, '')),
        // cert-manager's keystore: the password lives in another Secret vigil may not read.
        'truststore.p12': b64(toPkcs12(keystoreCert, 'changeit')),
      },
    });
    const ka = parse(
      a.kubeconfig({ caPem: caA.certPem, token: 'token-a', contextName: 'ctx-a', clusterName: 'cl-a' }),
    ) as Kubeconfig;
    const kb = parse(
      b.kubeconfig({ caPem: caB.certPem, token: 'token-b', contextName: 'ctx-b', clusterName: 'cl-b' }),
    ) as Kubeconfig;
    file = join(dir, 'merged.kubeconfig');
    writeFileSync(
      file,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [...ka.clusters, ...kb.clusters],
        users: [...ka.users, ...kb.users],
        contexts: [...ka.contexts, ...kb.contexts],
        'current-context': 'ctx-a',
      }),
    );
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  async function check(certificates: Record<string, unknown> = {}) {
    const config = parseConfig(
      {
        clusters: [
          { name: 'alpha', kubeconfig: file },
          { name: 'beta', kubeconfig: file, context: 'ctx-b' },
        ],
        certificates,
      },
      'test',
      dir,
    );
    return (await checkJson(config, now)).json;
  }

  it("uses each context's own server and credentials, concurrently", async () => {
    const { findings } = await check();
    const api = (cluster: string) => findings.find((f) => f.cluster === cluster && f.source === 'apiserver');
    expect(api('alpha')).toMatchObject({
      severity: 'ok',
      subject: 'CN=apiserver-a',
      object: `apiserver ${a.url}`,
    });
    expect(api('beta')).toMatchObject({
      severity: 'ok',
      subject: 'CN=apiserver-b',
      object: `apiserver ${b.url}`,
    });
    expect(findings.filter((f) => f.source === 'cluster-access')).toEqual([]);
    expect(a.requests.some((r) => r.user === 'a')).toBe(true);
    expect(b.requests.some((r) => r.user === 'b')).toBe(true);
    expect(a.requests.some((r) => r.user === 'b') || b.requests.some((r) => r.user === 'a')).toBe(false);
    // The Secret exists only behind context b.
    expect(findings.filter((f) => f.source === 'tls-secret').every((f) => f.cluster === 'beta')).toBe(true);
  });

  it('reads a PKCS#12 keystore in a TLS Secret as its own finding', async () => {
    const { findings } = await check();
    const p12 = findings.find((f) => f.object === 'secret billing/java-tls keystore.p12');
    expect(p12).toMatchObject({ severity: 'warning', subject: 'CN=billing.example.com', daysLeft: 20 });
    expect(p12?.evidence).toContain('read as PKCS12');
    // A password-protected keystore raises no alert of its own but is never skipped silently.
    expect(findings.some((f) => f.object.includes('truststore.p12'))).toBe(false);
    const tls = findings.find((f) => f.object === 'secret billing/java-tls tls.crt');
    expect(tls?.evidence?.join('\n')).toMatch(
      /truststore\.p12: password-protected PKCS#12 keystore, not read/,
    );
  });

  it('applies per-source threshold overrides to that source only', async () => {
    const { findings } = await check({ sources: { 'tls-secret': { warningDays: 200, criticalDays: 160 } } });
    expect(findings.find((f) => f.object === 'secret billing/java-tls tls.crt')).toMatchObject({
      severity: 'critical',
      daysLeft: 150,
    });
    // apiserver-b has 100 days left: still ok under the global 28/14.
    expect(findings.find((f) => f.cluster === 'beta' && f.source === 'apiserver')?.severity).toBe('ok');
  });
});

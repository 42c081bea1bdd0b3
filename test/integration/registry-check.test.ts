import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { fingerprint } from '../../src/domain/fingerprint.js';
import { FakeKubeApiServer } from '../../src/simulator/kube-api-server/index.js';
import { sampleManifest, startFakeRegistry, type FakeRegistry } from '../../src/simulator/fake-registry.js';
import { closedPort } from '../fakes/registry/silent-server.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { checkJson, type CheckJson, type JsonFinding } from '../support/check-json.js';

/**
 * The registry check end to end: vigil's Kubernetes client reads pods, workload templates, ServiceAccounts,
 * pull secrets and events from the fake API server over HTTPS, and the probe talks to fake registries
 * on loopback. Also runs the CLI in a child process with trace logging to prove that no credential
 * reaches stdout or stderr.
 */
const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();
const b64 = (s: string) => Buffer.from(s).toString('base64');
const secrets = ['Sh0p-Pull-Token-xyz', 'Old-Payments-Pw-123'];
const apiCa = issueCa('kube-ca', now);
const regCa = issueCa('registry-ca', now);
const leaf = (cn: string) => {
  const c = issueLeaf(cn, now, 100, { issuer: regCa, sans: ['127.0.0.1'] });
  return { certPem: c.chainPem, keyPem: c.keyPem };
};

const pullSecret = (ns: string, name: string, auths: object) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { namespace: ns, name },
  type: 'kubernetes.io/dockerconfigjson',
  data: { '.dockerconfigjson': b64(JSON.stringify({ auths })) },
});
const deployment = (ns: string, name: string, image: string, pullSecrets: string[] = []) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { namespace: ns, name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        imagePullSecrets: pullSecrets.map((n) => ({ name: n })),
        containers: [{ name: 'main', image }],
      },
    },
  },
});

describe('registry check through the fake API server', () => {
  let api: FakeKubeApiServer;
  let shop: FakeRegistry;
  let payments: FakeRegistry;
  let refusedPort: number;
  let dir: string;
  let configFile: string;
  let json: CheckJson;
  let exitCode: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-registry-check-'));
    const apiCert = issueLeaf('kube-apiserver', now, 300, { issuer: apiCa, sans: ['127.0.0.1'] });
    api = await FakeKubeApiServer.start({
      certPem: apiCert.chainPem,
      keyPem: apiCert.keyPem,
      tokens: { t0k: 'vigil' },
    });
    shop = await startFakeRegistry({
      tls: leaf('shop-registry'),
      auth: { scheme: 'bearer', users: { 'shop-ci': secrets[0] as string } },
      manifests: { 'shop/web:1.4.2': sampleManifest('shop/web') },
    });
    payments = await startFakeRegistry({
      tls: leaf('payments-registry'),
      auth: { scheme: 'basic', users: { 'payments-ci': 'the-new-password' } },
      manifests: { 'payments/api:3.2.0': sampleManifest('payments/api') },
    });
    refusedPort = await closedPort();
    const paymentsImage = `${payments.registry}/payments/api:3.2.0`;
    api.upsertMany([
      pullSecret('shop', 'shop-registry', { [shop.registry]: { auth: b64(`shop-ci:${secrets[0]}`) } }),
      pullSecret('payments', 'payments-registry', {
        [`https://${payments.registry}/v2/`]: { username: 'payments-ci', password: secrets[1] },
      }),
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { namespace: 'shop', name: 'default' },
        imagePullSecrets: [{ name: 'shop-registry' }],
      },
      deployment('shop', 'web', `${shop.registry}/shop/web:1.4.2`),
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { namespace: 'db', name: 'cache' },
        spec: {
          serviceName: 'cache',
          selector: { matchLabels: { app: 'cache' } },
          template: {
            metadata: { labels: { app: 'cache' } },
            spec: {
              imagePullSecrets: [{ name: 'db-pull' }],
              initContainers: [{ name: 'warm', image: `${shop.registry}/shop/web:1.4.2` }],
              containers: [{ name: 'cache', image: 'redis:7' }],
            },
          },
        },
      },
      deployment('payments', 'api', paymentsImage, ['payments-registry', 'missing-secret']),
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          namespace: 'payments',
          name: 'api-6b7c8d9f5-abcde',
          labels: { 'pod-template-hash': '6b7c8d9f5' },
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-6b7c8d9f5', uid: 'u1', controller: true },
          ],
        },
        spec: {
          imagePullSecrets: [{ name: 'payments-registry' }],
          containers: [{ name: 'api', image: paymentsImage }],
          // `kubectl debug` adds ephemeral containers; their images are pulled like any other.
          ephemeralContainers: [{ name: 'debugger', image: `${shop.registry}/shop/web:1.4.2` }],
        },
        status: {
          phase: 'Pending',
          conditions: [{ type: 'ContainersReady', status: 'False', lastTransitionTime: minutesAgo(30) }],
          containerStatuses: [
            {
              name: 'api',
              image: paymentsImage,
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'ErrImagePull', message: 'failed to authorize' } },
            },
          ],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { namespace: 'payments', name: 'api-6b7c8d9f5-abcde.1' },
        involvedObject: { kind: 'Pod', namespace: 'payments', name: 'api-6b7c8d9f5-abcde' },
        reason: 'Failed',
        type: 'Warning',
        message: `Failed to pull image "${paymentsImage}": 401 Unauthorized`,
        firstTimestamp: minutesAgo(45),
        lastTimestamp: minutesAgo(1),
        count: 9,
      },
      // Ten workloads on a registry that does not resolve: the blast radius is capped.
      ...Array.from({ length: 10 }, (_, i) =>
        deployment('edge', `agent-${i}`, `registry.vigil-test.invalid/edge/agent:${i}`),
      ),
      // Docker Hub is ignored by config: no traffic leaves the machine.
      deployment('tools', 'nginx', 'nginx:1.25'),
    ]);
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, api.kubeconfig({ caPem: apiCa.certPem, token: 't0k', contextName: 'test' }));
    const caFile = join(dir, 'registry-ca.pem');
    writeFileSync(caFile, regCa.certPem);
    const raw = {
      clusters: [{ name: 'prod', kubeconfig }],
      registries: {
        extra: [`127.0.0.1:${refusedPort}`],
        ignore: ['docker.io'],
        caFiles: { [shop.registry]: caFile, [payments.registry]: caFile },
        probeTimeoutSeconds: 2,
      },
    };
    configFile = join(dir, 'vigil.yaml');
    writeFileSync(configFile, stringify(raw));
    ({ json, exitCode } = await checkJson(parseConfig(raw, 'test', dir), now, ['registries']));
  });
  afterAll(async () => {
    await Promise.all([api?.stop(), shop?.stop(), payments?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const registryFinding = (registry: string): JsonFinding => {
    const f = json.findings.find((x) => x.check === 'registries' && x.object === `registry ${registry}`);
    if (!f) throw new Error(`no finding for ${registry}: ${json.findings.map((x) => x.object).join(', ')}`);
    return f;
  };

  it('reports one finding per registry, keyed on the registry host whatever the severity', () => {
    const objects = json.findings
      .filter((f) => f.check === 'registries')
      .map((f) => f.object)
      .sort();
    expect(objects).toEqual(
      [
        `registry ${shop.registry}`,
        `registry ${payments.registry}`,
        'registry registry.vigil-test.invalid',
        `registry 127.0.0.1:${refusedPort}`,
      ].sort(),
    );
    expect(registryFinding(shop.registry).fingerprint).toBe(
      fingerprint('prod', 'registries', 'registry', shop.registry),
    );
    expect(exitCode).toBe(2);
  });

  it('judges each credential set apart: the ServiceAccount pull secret pulls, workloads without one would fail', () => {
    const f = registryFinding(shop.registry);
    // deployment shop/web gets shop-registry from its ServiceAccount and pulls. statefulset db/cache
    // names a pull secret that does not exist, and the ephemeral debug container of payments/api
    // only has payments' secret: both would pull anonymously, which this registry refuses.
    expect(f.severity).toBe('warning');
    expect(f.summary).toMatch(
      /refuses anonymous pulls of .*shop\/web:1\.4\.2 and no pull secret matches for deployment payments\/api, statefulset db\/cache; 2 of 3 workloads would fail on the next pull$/,
    );
    expect(f.evidence).toContain(
      'would fail on their next pull: deployment payments/api, statefulset db/cache',
    );
    expect(f.evidence).toContain('pull secret db/db-pull does not exist (the kubelet pulls without it)');
    expect(f.evidence?.join('\n')).toMatch(
      /ok HEAD https:\/\/127\.0\.0\.1:\d+\/v2\/shop\/web\/manifests\/1\.4\.2 \(pull secret shop\/shop-registry\) → 200 sha256:[0-9a-f]{64}/,
    );
    expect(f.nextStep).toMatch(/^Create a kubernetes\.io\/dockerconfigjson pull secret/);
  });

  it('rejected credentials with a pod already failing: critical, since when, blast radius, next step', () => {
    const f = registryFinding(payments.registry);
    expect(f.severity).toBe('critical');
    expect(f.summary).toMatch(
      /rejects the credentials of pull secret payments\/payments-registry; 1 pod failing to pull since .* \(45 minutes ago\); 1 workload pulls from it/,
    );
    const evidence = f.evidence?.join('\n') ?? '';
    expect(evidence).toMatch(
      /failed at GET https:\/\/127\.0\.0\.1:\d+\/v2\/ \(pull secret payments\/payments-registry\) → 401 UNAUTHORIZED: authentication required/,
    );
    expect(evidence).toMatch(/pod payments\/api-6b7c8d9f5-abcde \(deployment payments\/api\) ErrImagePull/);
    expect(evidence).toMatch(/would fail on their next pull: deployment payments\/api/);
    expect(evidence).toMatch(/auths key "https:\/\/127\.0\.0\.1:\d+\/v2\/"/);
    expect(f.nextStep).toMatch(/^Update pull secret payments\/payments-registry with valid credentials/);
  });

  it('DNS failure with no pod failing yet: warning, the blast radius capped with "and N more"', () => {
    const f = registryFinding('registry.vigil-test.invalid');
    expect(f.severity).toBe('warning');
    expect(f.summary).toBe(
      'registry registry.vigil-test.invalid does not resolve (DNS); 10 workloads pull from it and would fail on the next pull',
    );
    expect(f.evidence?.join('\n')).toMatch(
      /would fail on their next pull: deployment edge\/agent-0, .*deployment edge\/agent-7 and 2 more/,
    );
  });

  it('an extra registry nobody uses yet is still probed', () => {
    const f = registryFinding(`127.0.0.1:${refusedPort}`);
    expect(f.severity).toBe('warning');
    expect(f.summary).toMatch(/refuses connections; no workload uses it yet \(listed in registries\.extra\)/);
  });

  it('adds the registry serving certificates to the certificate inventory', () => {
    const certs = json.findings.filter((f) => f.check === 'certificates' && f.source === 'registry');
    expect(certs.map((c) => c.object).sort()).toEqual(
      [`registry ${payments.registry}`, `registry ${shop.registry}`].sort(),
    );
    expect(certs[0]).toMatchObject({ severity: 'ok', daysLeft: 100 });
  });

  it('reads pull secrets by name only, never by listing Secrets', () => {
    const secretCalls = api.requests.filter((r) => r.path.includes('/secrets'));
    expect(secretCalls.length).toBeGreaterThan(0);
    for (const r of secretCalls) expect(r.path).toMatch(/^\/api\/v1\/namespaces\/[a-z-]+\/secrets\/[a-z-]+$/);
    expect(
      api.requests.some(
        (r) => r.path.includes('/events') && r.query.fieldSelector?.includes('reason=Failed'),
      ),
    ).toBe(true);
  });

  it('the CLI (table and JSON, trace logging) never prints a credential', async () => {
    for (const output of ['json', 'table']) {
      const r = await run(
        process.execPath,
        [
          '--import',
          import.meta.resolve('tsx'),
          join(root, 'src/main.ts'),
          'check',
          '--config',
          configFile,
          '--only',
          'registries',
          '--output',
          output,
        ],
        {
          cwd: root,
          env: { ...process.env, LOG_LEVEL: 'trace', NO_COLOR: '1' },
          timeout: 60_000,
        },
      ).catch((err: { code: number; stdout: string; stderr: string }) => err);
      expect('code' in r ? r.code : 0).toBe(2);
      const all = `${r.stdout}\n${r.stderr}`;
      expect(all).toContain(payments.registry);
      for (const s of secrets) {
        expect(all).not.toContain(s);
        expect(all).not.toContain(b64(s));
      }
      expect(all).not.toContain(b64(`shop-ci:${secrets[0]}`));
    }
  });
});

describe('registry check when pull secrets cannot be read', () => {
  it('says it cannot judge authentication (unknown) instead of blaming the credentials', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-registry-forbid-'));
    const apiCert = issueLeaf('kube-apiserver', now, 300, { issuer: apiCa, sans: ['127.0.0.1'] });
    const api = await FakeKubeApiServer.start({
      certPem: apiCert.chainPem,
      keyPem: apiCert.keyPem,
      tokens: { t: 'vigil' },
    });
    const reg = await startFakeRegistry({
      auth: { scheme: 'basic', users: { u: 'p' } },
      manifests: { 'a/b:1': sampleManifest('a/b') },
    });
    try {
      api.forbid({ verb: 'get', group: '', resource: 'secrets' });
      api.upsertMany([deployment('ns', 'app', `${reg.registry}/a/b:1`, ['regcred'])]);
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, api.kubeconfig({ caPem: apiCa.certPem, token: 't', contextName: 'c' }));
      const config = parseConfig(
        {
          clusters: [{ name: 'prod', kubeconfig }],
          registries: { insecure: [reg.registry], probeTimeoutSeconds: 2 },
        },
        'test',
        dir,
      );
      const { json } = await checkJson(config, now, ['registries']);
      const f = json.findings.find((x) => x.object === `registry ${reg.registry}`);
      expect(f?.severity).toBe('unknown');
      expect(f?.summary).toMatch(
        /cannot judge authentication: cannot read pull secret ns\/regcred: .*403|forbidden/i,
      );
      expect(f?.nextStep).toMatch(/Grant vigil `get` on the Secrets named in imagePullSecrets/);
    } finally {
      await Promise.all([api.stop(), reg.stop()]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/index.js';
import { runChecks } from '../../src/checks/run-checks.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { ClusterReport } from '../../src/domain/finding.js';
import { loadClusterConnection } from '../../src/kube/load-cluster-connection.js';
import { probeTls } from '../../src/probe/tls-probe.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { sampleManifest, startFakeRegistry, type FakeRegistry } from '../../src/simulator/fake-registry.js';
import {
  FakeKubeApiServer,
  type ForbidRule,
  type RecordedRequest,
} from '../../src/simulator/kube-api-server/index.js';

/**
 * The chart's three rbac.mode values end to end: the env the chart sets (VIGIL_RBAC_MODE,
 * VIGIL_RBAC_NAMESPACES) goes through the config loader, and the certificate and registry checks read
 * through vigil's Kubernetes client from a fake API server whose authorizer grants what the chart's RBAC
 * objects grant in that mode. The cluster is `inCluster: true`, as in the chart's default vigil.yaml;
 * its ServiceAccount is played by a token kubeconfig, the only way to reach a fake on loopback.
 */
const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const b64 = (s: string) => Buffer.from(s).toString('base64');
const apiCa = issueCa('kube-ca', now);
const apiCert = issueLeaf('kube-apiserver', now, 300, { issuer: apiCa, sans: ['127.0.0.1'] });
const regCa = issueCa('registry-ca', now);
const regCert = issueLeaf('registry', now, 100, { issuer: regCa, sans: ['127.0.0.1'] });
const secretNamespaces = ['apps', 'payments'];

const tlsSecret = (namespace: string, name: string, daysLeft: number) => {
  const c = issueLeaf(`${name}.example.com`, now, daysLeft);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { namespace, name },
    data: { 'tls.crt': b64(c.certPem), 'tls.key': b64('not read') },
  };
};
const deployment = (namespace: string, image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { namespace, name: 'web' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'web', image }] },
    },
  },
});

/** What the chart's RBAC objects grant of Secrets in each mode, as denials of the fake's authorizer. */
const denials: Record<string, ForbidRule[]> = {
  full: [],
  namespaced: (['list', 'get'] as const).map((verb) => ({
    verb,
    group: '',
    resource: 'secrets',
    exceptNamespaces: secretNamespaces,
  })),
  noSecrets: (['list', 'get'] as const).map((verb) => ({ verb, group: '', resource: 'secrets' })),
};

interface ModeRun {
  report: ClusterReport;
  secretRequests: RecordedRequest[];
  requests: RecordedRequest[];
}

describe('the chart rbac modes, through the real client against the fake API server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-secret-access-'));
  const fakes: FakeKubeApiServer[] = [];
  let registry: FakeRegistry;
  let caFile: string;

  beforeAll(async () => {
    registry = await startFakeRegistry({
      tls: { certPem: regCert.chainPem, keyPem: regCert.keyPem },
      auth: { scheme: 'basic', users: { ci: 'pull-pw' } },
      manifests: { 'team/web:1': sampleManifest('team/web') },
    });
    caFile = join(dir, 'registry-ca.pem');
    writeFileSync(caFile, regCa.certPem);
  });
  afterAll(async () => {
    await Promise.all([...fakes.map((f) => f.stop()), registry?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** One vigil run of both checks with the chart's env for `mode`, against RBAC `denied`. */
  async function runMode(env: NodeJS.ProcessEnv, denied: readonly ForbidRule[]): Promise<ModeRun> {
    const fake = await FakeKubeApiServer.start({
      certPem: apiCert.chainPem,
      keyPem: apiCert.keyPem,
      tokens: { 'sa-token': 'system:serviceaccount:vigil:vigil' },
    });
    fakes.push(fake);
    const image = `${registry.registry}/team/web:1`;
    const pull = (namespace: string) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockerconfigjson',
      metadata: { namespace, name: 'regcred' },
      data: {
        '.dockerconfigjson': b64(
          JSON.stringify({ auths: { [registry.registry]: { auth: b64('ci:pull-pw') } } }),
        ),
      },
    });
    fake.upsertMany([
      // Twelve in apps: more than one page of 10, so the namespaced list pages too.
      tlsSecret('apps', 'web-tls', 80),
      ...Array.from({ length: 11 }, (_, i) => tlsSecret('apps', `site-${i}-tls`, 200)),
      tlsSecret('payments', 'api-tls', 9),
      tlsSecret('legacy', 'portal-tls', -12),
      pull('apps'),
      pull('legacy'),
      deployment('apps', image),
      deployment('legacy', image),
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { namespace: 'kube-system', name: 'kube-root-ca.crt' },
        data: { 'ca.crt': apiCa.certPem },
      },
    ]);
    for (const rule of denied) fake.forbid(rule);
    const kubeconfig = join(dir, `kubeconfig-${fakes.length}`);
    writeFileSync(kubeconfig, fake.kubeconfig({ caPem: apiCa.certPem, token: 'sa-token' }));
    const config = parseConfig(
      {
        clusters: [{ name: 'local', inCluster: true }],
        certificates: { secretPageSize: 10 },
        registries: { caFiles: { [registry.registry]: caFile }, probeTimeoutSeconds: 3 },
      },
      'vigil.yaml',
      dir,
      { env },
    );
    const report = await runChecks(
      config,
      { only: ['certificates', 'registries'] },
      {
        connect: (c) => loadClusterConnection({ name: c.name, kubeconfig, requestTimeoutMs: 5000 }),
        probeTls,
        now: () => now,
        checks: allChecks,
      },
    );
    const cluster = report.clusters[0];
    if (!cluster) throw new Error('no cluster report');
    return {
      report: cluster,
      requests: fake.requests,
      secretRequests: fake.requests.filter((r) => /\/secrets(\/|$)/.test(r.path)),
    };
  }

  const tlsSecretObjects = (r: ModeRun) =>
    r.report.findings
      .filter((f) => f.source === 'tls-secret')
      .map((f) => f.object)
      .sort();
  const unobservedWhat = (r: ModeRun) => r.report.unobserved.map((u) => u.what);
  const registryFinding = (r: ModeRun) => r.report.findings.find((f) => f.check === 'registries');

  describe('rbac.mode=full (VIGIL_RBAC_MODE=full)', () => {
    let run: ModeRun;
    beforeAll(async () => {
      run = await runMode({ VIGIL_RBAC_MODE: 'full' }, denials.full ?? []);
    });

    it('lists TLS Secrets across all namespaces in pages, and gets each pull secret', () => {
      const lists = run.secretRequests.filter((r) => r.path === '/api/v1/secrets');
      expect(lists.map((r) => r.query['fieldSelector'])).toEqual([
        'type=kubernetes.io/tls',
        'type=kubernetes.io/tls',
      ]);
      expect(lists.map((r) => r.query['limit'])).toEqual(['10', '10']);
      expect(
        run.secretRequests
          .filter((r) => r.path !== '/api/v1/secrets')
          .map((r) => r.path)
          .sort(),
      ).toEqual(['/api/v1/namespaces/apps/secrets/regcred', '/api/v1/namespaces/legacy/secrets/regcred']);
      expect(tlsSecretObjects(run)).toContain('secret legacy/portal-tls tls.crt');
      expect(tlsSecretObjects(run)).toHaveLength(14);
    });

    it('says nothing about Secrets in its unobserved list, and judges every pull', () => {
      expect(unobservedWhat(run).filter((w) => /Secret|pull-secret/.test(w))).toEqual([]);
      expect(registryFinding(run)).toMatchObject({ severity: 'ok' });
    });
  });

  it('rbac.mode=full without the Secret rules: the 403 is a missing permission, as before', async () => {
    const run = await runMode({ VIGIL_RBAC_MODE: 'full' }, denials.noSecrets ?? []);
    const f = run.report.findings.find((x) => x.source === 'tls-secret');
    expect(f).toMatchObject({ severity: 'unknown', object: 'source tls-secret: list TLS Secrets' });
    expect(f?.summary).toMatch(/^cannot list TLS Secrets: .*permission to list secrets .*403 Forbidden/);
    expect(f?.nextStep).toMatch(/ClusterRole/);
    expect(run.secretRequests.filter((r) => r.status === 403).length).toBeGreaterThan(0);
  });

  describe('rbac.mode=namespaced (VIGIL_RBAC_NAMESPACES=apps,payments)', () => {
    let run: ModeRun;
    beforeAll(async () => {
      run = await runMode(
        { VIGIL_RBAC_MODE: 'namespaced', VIGIL_RBAC_NAMESPACES: 'apps,payments' },
        denials.namespaced ?? [],
      );
    });

    it('reads Secrets in the listed namespaces only, each list paged with the TLS field selector', () => {
      const lists = run.secretRequests.filter((r) => r.path.endsWith('/secrets'));
      expect(lists.map((r) => r.path)).toEqual([
        '/api/v1/namespaces/apps/secrets',
        '/api/v1/namespaces/apps/secrets',
        '/api/v1/namespaces/payments/secrets',
      ]);
      expect(lists.every((r) => r.query['fieldSelector'] === 'type=kubernetes.io/tls')).toBe(true);
      expect(lists.every((r) => r.query['limit'] === '10')).toBe(true);
      expect(lists[1]?.query['continue']).toBeTruthy();
      expect(run.secretRequests.filter((r) => !r.path.endsWith('/secrets')).map((r) => r.path)).toEqual([
        '/api/v1/namespaces/apps/secrets/regcred',
      ]);
      // Nothing it asked was refused: the mode, not a 403, keeps it out of legacy.
      expect(run.requests.filter((r) => r.status === 403)).toEqual([]);
    });

    it('finds the TLS Secrets there, and names what it leaves out in the unobserved list', () => {
      const objects = tlsSecretObjects(run);
      expect(objects).toHaveLength(13);
      expect(objects).toContain('secret payments/api-tls tls.crt');
      expect(objects.filter((o) => o.includes('legacy'))).toEqual([]);
      expect(
        run.report.findings.filter((f) => f.severity === 'unknown' && f.source === 'tls-secret'),
      ).toEqual([]);
      const line = run.report.unobserved.find((u) => u.what.startsWith('TLS Secrets'));
      expect(line).toEqual({
        what: 'TLS Secrets outside apps, payments (rbac mode namespaced)',
        why: "the chart's rbac.mode (VIGIL_RBAC_MODE) lets vigil read Secrets only in apps, payments, so it asks for no other",
        howToObserve: expect.stringMatching(
          /cert-manager Certificates .*; to read them, add their namespaces to the chart's rbac.namespaces or set rbac.mode full/,
        ),
      });
    });

    it('does not judge the pull outside them, and says the mode is why', () => {
      expect(unobservedWhat(run)).toContain(
        'pull-secret credentials outside apps, payments (rbac mode namespaced)',
      );
      const f = registryFinding(run);
      expect(f?.summary).toMatch(
        /cannot judge authentication: pull secret legacy\/regcred not read \(rbac mode namespaced\)/,
      );
      expect(f?.nextStep).toMatch(/^vigil's Secret access leaves this pull secret out/);
      expect([f?.summary, f?.nextStep, ...(f?.evidence ?? [])].join('\n')).not.toMatch(/forbidden|\b403\b/i);
    });
  });

  it('rbac.mode=namespaced with a listed namespace the Roles miss: that one is a missing permission', async () => {
    const run = await runMode(
      { VIGIL_RBAC_MODE: 'namespaced', VIGIL_RBAC_NAMESPACES: 'apps,billing,payments' },
      denials.namespaced ?? [],
    );
    const failed = run.report.findings.filter((f) => f.source === 'tls-secret' && f.severity === 'unknown');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ object: 'source tls-secret: list TLS Secrets in namespace billing' });
    expect(failed[0]?.summary).toMatch(/Add to a Role in namespace billing/);
    expect(failed[0]?.nextStep).toMatch(
      /^Grant vigil list on secrets in namespace billing with a Role .*rbac.mode namespaced creates that Role/,
    );
    // The namespaces after it are still read.
    expect(tlsSecretObjects(run)).toContain('secret payments/api-tls tls.crt');
    expect(run.secretRequests.filter((r) => r.status === 403).map((r) => r.path)).toEqual([
      '/api/v1/namespaces/billing/secrets',
    ]);
  });

  describe('rbac.mode=noSecrets', () => {
    let run: ModeRun;
    beforeAll(async () => {
      run = await runMode({ VIGIL_RBAC_MODE: 'noSecrets' }, denials.noSecrets ?? []);
    });

    it('asks for no Secret at all, and nothing it asks is refused', () => {
      expect(run.secretRequests).toEqual([]);
      expect(run.requests.filter((r) => r.status === 403)).toEqual([]);
      expect(run.report.findings.filter((f) => f.source === 'tls-secret')).toEqual([]);
    });

    it('reports the mode in the unobserved list and still reads the CA ConfigMaps', () => {
      expect(run.report.unobserved.find((u) => u.what.startsWith('TLS Secrets'))).toMatchObject({
        what: 'TLS Secrets (rbac mode noSecrets)',
        why: "the chart's rbac.mode (VIGIL_RBAC_MODE) lets vigil read no Secret, so it asks for none",
      });
      expect(unobservedWhat(run)).toContain('pull-secret credentials (rbac mode noSecrets)');
      expect(run.report.findings.find((f) => f.source === 'cluster-ca')).toMatchObject({ severity: 'ok' });
      expect(registryFinding(run)?.summary).toMatch(
        /pull secret (apps|legacy)\/regcred not read \(rbac mode noSecrets\)/,
      );
    });
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TlsSecret } from '../../src/checks/certificates/certificate-reader.js';
import { KubeAccessError } from '../../src/kube/kube-access-error.js';
import { KubeCertificateReader } from '../../src/kube/kube-certificate-reader.js';
import { loadClusterConnection } from '../../src/kube/load-cluster-connection.js';
import type { ClusterConnection } from '../../src/kube/load-cluster-connection.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { FakeKubeApiServer } from '../../src/simulator/kube-api-server/index.js';

const now = new Date();
const ca = issueCa('kubernetes', now);
const serving = issueLeaf('kube-apiserver', now, 200, { issuer: ca, sans: ['localhost', '127.0.0.1'] });
const adminCert = issueLeaf('kubernetes-admin', now, 300, { issuer: ca, clientAuth: true });
const webhookCa = issueCa('cert-manager-webhook-ca', now);
const TOKEN = 'vigil-token';
const b64 = (s: string) => Buffer.from(s).toString('base64');

const dir = mkdtempSync(join(tmpdir(), 'vigil-kube-reader-'));
const fakes: FakeKubeApiServer[] = [];
afterAll(async () => {
  await Promise.all(fakes.map((f) => f.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function startFake(): Promise<FakeKubeApiServer> {
  const fake = await FakeKubeApiServer.start({
    certPem: serving.chainPem,
    keyPem: serving.keyPem,
    clientCaPem: ca.certPem,
    tokens: { [TOKEN]: 'system:serviceaccount:vigil:vigil' },
  });
  fakes.push(fake);
  return fake;
}

let fileCount = 0;
function connect(fake: FakeKubeApiServer, auth: { token?: string; clientCert?: boolean } = { token: TOKEN }) {
  const path = join(dir, `kubeconfig-${fileCount++}`);
  writeFileSync(
    path,
    fake.kubeconfig({
      caPem: ca.certPem,
      ...(auth.token !== undefined ? { token: auth.token } : {}),
      ...(auth.clientCert ? { clientCertPem: adminCert.certPem, clientKeyPem: adminCert.keyPem } : {}),
    }),
  );
  return loadClusterConnection({ name: 'prod', kubeconfig: path, requestTimeoutMs: 3000 });
}

function tlsSecret(namespace: string, name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { namespace, name, annotations: { 'cert-manager.io/issuer-name': 'letsencrypt' } },
    data: { 'tls.crt': b64(`cert of ${namespace}/${name}`), 'tls.key': b64('key') },
  };
}

function tlsSecrets(count: number) {
  return Array.from({ length: count }, (_, i) =>
    tlsSecret(i % 2 === 0 ? 'team-a' : 'team-b', `tls-${String(i).padStart(2, '0')}`),
  );
}

const opaqueSecret = {
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'Opaque',
  metadata: { namespace: 'team-a', name: 'db-password' },
  data: { password: b64('hunter2') },
};

async function collect(pages: AsyncIterable<TlsSecret[]>): Promise<TlsSecret[][]> {
  const out: TlsSecret[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

function crd(name: string, group: string, plural: string, kind: string, conversion?: object) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
    spec: {
      group,
      names: { plural, kind, singular: kind.toLowerCase(), listKind: `${kind}List` },
      scope: 'Namespaced',
      versions: [
        { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
      ],
      ...(conversion ? { conversion } : {}),
    },
  };
}

describe('KubeCertificateReader against the fake API server', () => {
  let fake: FakeKubeApiServer;
  let conn: ClusterConnection;
  beforeAll(async () => {
    fake = await startFake();
    fake.upsertMany([...tlsSecrets(25), opaqueSecret]);
    conn = connect(fake);
  });

  it('lists TLS secrets in pages with a server-side type selector', async () => {
    const before = fake.requests.length;
    const pages = await collect(new KubeCertificateReader(conn.kube).tlsSecretPages(10));
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    const all = pages.flat();
    expect(new Set(all.map((s) => `${s.namespace}/${s.name}`)).size).toBe(25);
    expect(all.some((s) => s.name === 'db-password')).toBe(false);
    const first = all.find((s) => s.name === 'tls-03');
    // Only the certificate keys leave the reader: tls.key (the private key) is dropped on arrival.
    expect(first).toEqual({
      namespace: 'team-b',
      name: 'tls-03',
      data: { 'tls.crt': b64('cert of team-b/tls-03') },
    });

    const lists = fake.requests.slice(before).filter((r) => r.path === '/api/v1/secrets');
    expect(lists).toHaveLength(3);
    for (const r of lists) {
      expect(r.query['fieldSelector']).toBe('type=kubernetes.io/tls');
      expect(r.query['limit']).toBe('10');
      expect(r.status).toBe(200);
    }
    expect(lists[0]?.query['continue']).toBeUndefined();
    expect(lists[1]?.query['continue']).toBeTruthy();
    expect(lists[2]?.query['continue']).toBeTruthy();
    expect(lists[2]?.query['continue']).not.toBe(lists[1]?.query['continue']);
  });

  it('lists the TLS secrets of one namespace under its own path', async () => {
    const before = fake.requests.length;
    const pages = await collect(new KubeCertificateReader(conn.kube).tlsSecretPages(5, 'team-a'));
    const all = pages.flat();
    expect(all).toHaveLength(13);
    expect(all.every((s) => s.namespace === 'team-a')).toBe(true);
    const lists = fake.requests.slice(before).filter((r) => r.path === '/api/v1/namespaces/team-a/secrets');
    expect(lists).toHaveLength(3);
    expect(lists.every((r) => r.query['fieldSelector'] === 'type=kubernetes.io/tls')).toBe(true);
  });

  it('restarts the list once when the continue token expires, without duplicates', async () => {
    const before = fake.requests.length;
    const seen: string[] = [];
    let pagesSeen = 0;
    for await (const page of new KubeCertificateReader(conn.kube).tlsSecretPages(10)) {
      pagesSeen++;
      seen.push(...page.map((s) => `${s.namespace}/${s.name}`));
      // A slow consumer: the token handed out with this first page expires before it is used.
      if (pagesSeen === 1) {
        fake.expireContinueTokens();
        // Real clusters write constantly, so the restarted list reads a newer revision than the
        // compacted one; the fake's revision only moves on writes (with none, its new token is
        // born expired).
        fake.upsert({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { namespace: 'team-a', name: 'tick' },
          data: {},
        });
      }
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    const statuses = fake.requests
      .slice(before)
      .filter((r) => r.path === '/api/v1/secrets')
      .map((r) => [r.status, r.query['continue'] === undefined ? 'start' : 'continue']);
    expect(statuses).toEqual([
      [200, 'start'],
      [410, 'continue'],
      [200, 'start'],
      [200, 'continue'],
      [200, 'continue'],
    ]);
  });

  it('restarts only once: a second expiry fails with kube-gone', async () => {
    let pagesSeen = 0;
    const err = await (async () => {
      for await (const _page of new KubeCertificateReader(conn.kube).tlsSecretPages(10)) {
        pagesSeen++;
        fake.expireContinueTokens();
        fake.upsert({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { namespace: 'team-a', name: 'tick' },
          data: {},
        });
      }
    })().catch((e: unknown) => e);
    expect(pagesSeen).toBe(2);
    expect(err).toBeInstanceOf(KubeAccessError);
    expect((err as KubeAccessError).code).toBe('kube-gone');
    expect((err as KubeAccessError).httpStatus).toBe(410);
  });

  it('reads a ConfigMap and returns null for a missing one', async () => {
    fake.upsert({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: 'kube-system', name: 'kube-root-ca.crt' },
      data: { 'ca.crt': ca.certPem },
    });
    expect(
      await new KubeCertificateReader(conn.kube).getConfigMapData('kube-system', 'kube-root-ca.crt'),
    ).toEqual({
      'ca.crt': ca.certPem,
    });
    expect(await new KubeCertificateReader(conn.kube).getConfigMapData('kube-system', 'absent')).toBeNull();
  });

  it('finds API server endpoints from the kubernetes EndpointSlice', async () => {
    fake.upsertMany([
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          namespace: 'default',
          name: 'kubernetes',
          labels: { 'kubernetes.io/service-name': 'kubernetes' },
        },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'], conditions: { ready: false } }],
        ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
      },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { namespace: 'default', name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.9.9.9'] }],
        ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
      },
    ]);
    expect(await new KubeCertificateReader(conn.kube).apiServerEndpoints()).toEqual([
      { host: '10.0.0.1', port: 6443 },
      { host: '10.0.0.2', port: 6443 },
    ]);
    const sliceList = fake.requests.filter(
      (r) => r.path === '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices',
    );
    expect(sliceList.at(-1)?.query['labelSelector']).toBe('kubernetes.io/service-name=kubernetes');
  });

  it('lists kubelet endpoints with InternalIP (ExternalIP fallback) and the advertised port', async () => {
    fake.upsertMany([
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'cp-1' },
        status: {
          addresses: [
            { type: 'Hostname', address: 'cp-1' },
            { type: 'ExternalIP', address: '203.0.113.10' },
            { type: 'InternalIP', address: '10.0.1.1' },
          ],
          daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'edge-1' },
        status: {
          addresses: [{ type: 'ExternalIP', address: '203.0.113.20' }],
          daemonEndpoints: { kubeletEndpoint: { Port: 10255 } },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'worker-1' },
        status: { addresses: [{ type: 'InternalIP', address: '10.0.1.3' }] },
      },
    ]);
    const endpoints = await new KubeCertificateReader(conn.kube).kubeletEndpoints();
    expect(endpoints.sort((a, b) => a.node.localeCompare(b.node))).toEqual([
      { node: 'cp-1', host: '10.0.1.1', port: 10250 },
      { node: 'edge-1', host: '203.0.113.20', port: 10255 },
      { node: 'worker-1', host: '10.0.1.3', port: 10250 },
    ]);
  });

  it('collects webhook, APIService and CRD conversion CA bundles', async () => {
    const bundle = b64(webhookCa.certPem);
    fake.upsertMany([
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: 'cert-manager-webhook' },
        webhooks: [
          {
            name: 'webhook.cert-manager.io',
            clientConfig: {
              caBundle: bundle,
              service: {
                namespace: 'cert-manager',
                name: 'cert-manager-webhook',
                port: 443,
                path: '/validate',
              },
            },
            admissionReviewVersions: ['v1'],
            sideEffects: 'None',
          },
          {
            name: 'external.example.com',
            clientConfig: { url: 'https://hooks.example.com/validate' },
            admissionReviewVersions: ['v1'],
            sideEffects: 'None',
          },
        ],
      },
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'MutatingWebhookConfiguration',
        metadata: { name: 'istio-sidecar-injector' },
        webhooks: [
          {
            name: 'sidecar-injector.istio.io',
            clientConfig: {
              caBundle: bundle,
              service: { namespace: 'istio-system', name: 'istiod', path: '/inject' },
            },
            admissionReviewVersions: ['v1'],
            sideEffects: 'None',
          },
        ],
      },
      {
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name: 'v1beta1.metrics.k8s.io' },
        spec: {
          group: 'metrics.k8s.io',
          version: 'v1beta1',
          caBundle: bundle,
          service: { namespace: 'kube-system', name: 'metrics-server', port: 443 },
          groupPriorityMinimum: 100,
          versionPriority: 100,
        },
      },
      {
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name: 'v1beta1.custom.metrics.k8s.io' },
        spec: {
          group: 'custom.metrics.k8s.io',
          version: 'v1beta1',
          caBundle: bundle,
          insecureSkipTLSVerify: true,
          service: { namespace: 'monitoring', name: 'prometheus-adapter' },
          groupPriorityMinimum: 100,
          versionPriority: 100,
        },
      },
      {
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name: 'v1.apps' },
        spec: { group: 'apps', version: 'v1', groupPriorityMinimum: 17800, versionPriority: 15 },
      },
      crd('widgets.example.com', 'example.com', 'widgets', 'Widget', {
        strategy: 'Webhook',
        webhook: {
          conversionReviewVersions: ['v1'],
          clientConfig: {
            caBundle: bundle,
            service: { namespace: 'widgets', name: 'widget-conversion', port: 9443, path: '/convert' },
          },
        },
      }),
      crd('gadgets.example.com', 'example.com', 'gadgets', 'Gadget', { strategy: 'None' }),
    ]);

    expect(await new KubeCertificateReader(conn.kube).caBundles('validating-webhook')).toEqual([
      {
        kind: 'validating-webhook',
        object: 'validatingwebhookconfiguration/cert-manager-webhook webhook webhook.cert-manager.io',
        caBundle: bundle,
        service: { namespace: 'cert-manager', name: 'cert-manager-webhook', port: 443 },
      },
    ]);
    expect(await new KubeCertificateReader(conn.kube).caBundles('mutating-webhook')).toEqual([
      {
        kind: 'mutating-webhook',
        object: 'mutatingwebhookconfiguration/istio-sidecar-injector webhook sidecar-injector.istio.io',
        caBundle: bundle,
        service: { namespace: 'istio-system', name: 'istiod' },
      },
    ]);
    expect(await new KubeCertificateReader(conn.kube).caBundles('apiservice')).toEqual([
      {
        kind: 'apiservice',
        object: 'apiservice/v1beta1.metrics.k8s.io',
        caBundle: bundle,
        service: { namespace: 'kube-system', name: 'metrics-server', port: 443 },
      },
    ]);
    expect(await new KubeCertificateReader(conn.kube).caBundles('crd-conversion')).toEqual([
      {
        kind: 'crd-conversion',
        object: 'customresourcedefinition/widgets.example.com conversion webhook',
        caBundle: bundle,
        service: { namespace: 'widgets', name: 'widget-conversion', port: 9443 },
      },
    ]);
  });

  it('returns null for cert-manager Certificates before the CRD exists, then lists them', async () => {
    expect(await new KubeCertificateReader(conn.kube).certManagerCertificates()).toBeNull();
    fake.upsert(crd('certificates.cert-manager.io', 'cert-manager.io', 'certificates', 'Certificate'));
    expect(await new KubeCertificateReader(conn.kube).certManagerCertificates()).toEqual([]);
    fake.upsertMany([
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { namespace: 'team-a', name: 'www' },
        spec: { secretName: 'www-tls', dnsNames: ['www.example.com'], issuerRef: { name: 'letsencrypt' } },
        status: {
          notAfter: '2027-01-10T00:00:00Z',
          renewalTime: '2026-12-11T00:00:00Z',
          conditions: [
            { type: 'Issuing', status: 'False' },
            {
              type: 'Ready',
              status: 'True',
              reason: 'Ready',
              message: 'Certificate is up to date',
              lastTransitionTime: '2026-10-12T00:00:00Z',
            },
          ],
        },
      },
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { namespace: 'team-b', name: 'api' },
        spec: { secretName: 'api-tls', issuerRef: { name: 'letsencrypt' } },
        status: {
          failedIssuanceAttempts: 3,
          lastFailureTime: '2026-11-20T08:00:00Z',
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              reason: 'DoesNotExist',
              message: 'Issuing certificate as Secret does not exist',
            },
          ],
        },
      },
    ]);
    const certs = await new KubeCertificateReader(conn.kube).certManagerCertificates();
    expect(certs?.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      {
        namespace: 'team-b',
        name: 'api',
        secretName: 'api-tls',
        failedIssuanceAttempts: 3,
        lastFailureTime: '2026-11-20T08:00:00Z',
        ready: {
          status: 'False',
          reason: 'DoesNotExist',
          message: 'Issuing certificate as Secret does not exist',
        },
      },
      {
        namespace: 'team-a',
        name: 'www',
        secretName: 'www-tls',
        notAfter: '2027-01-10T00:00:00Z',
        renewalTime: '2026-12-11T00:00:00Z',
        ready: {
          status: 'True',
          reason: 'Ready',
          message: 'Certificate is up to date',
          lastTransitionTime: '2026-10-12T00:00:00Z',
        },
      },
    ]);
    const lists = fake.requests.filter((r) => r.path === '/apis/cert-manager.io/v1/certificates');
    expect(lists.map((r) => r.status)).toEqual([404, 200, 200]);
  });

  it('exposes the server, CA and connection facts from the kubeconfig', () => {
    expect(conn.name).toBe('prod');
    expect(conn.contextName).toBe('fake');
    expect(conn.server).toEqual({ url: fake.url, host: '127.0.0.1', port: fake.port });
    expect(conn.caPem).toBe(ca.certPem);
    expect(conn.insecureSkipTlsVerify).toBe(false);
    expect(conn.clientCertificatePem).toBeUndefined();
  });
});

describe('authentication', () => {
  let fake: FakeKubeApiServer;
  beforeAll(async () => {
    fake = await startFake();
    fake.upsertMany(tlsSecrets(3));
  });

  it('authenticates with a bearer token', async () => {
    const conn = connect(fake, { token: TOKEN });
    await conn.ping();
    const pages = await collect(new KubeCertificateReader(conn.kube).tlsSecretPages(50));
    expect(pages.flat()).toHaveLength(3);
    expect(fake.requests.at(-1)?.user).toBe('system:serviceaccount:vigil:vigil');
  });

  it('authenticates with a client certificate and exposes it (never the key)', async () => {
    const conn = connect(fake, { clientCert: true });
    expect(conn.clientCertificatePem).toBe(adminCert.certPem);
    expect(JSON.stringify(conn)).not.toContain('PRIVATE KEY');
    const pages = await collect(new KubeCertificateReader(conn.kube).tlsSecretPages(50));
    expect(pages.flat()).toHaveLength(3);
    expect(fake.requests.at(-1)?.user).toBe('kubernetes-admin');
  });
});

describe('API server endpoints fallback', () => {
  it('reads default/kubernetes Endpoints when EndpointSlices are forbidden', async () => {
    const fake = await startFake();
    fake.forbid({ verb: 'list', group: 'discovery.k8s.io', resource: 'endpointslices' });
    fake.upsert({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { namespace: 'default', name: 'kubernetes' },
      subsets: [
        {
          addresses: [{ ip: '192.168.10.11' }, { ip: '192.168.10.12' }],
          ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
        },
      ],
    });
    const conn = connect(fake);
    expect(await new KubeCertificateReader(conn.kube).apiServerEndpoints()).toEqual([
      { host: '192.168.10.11', port: 6443 },
      { host: '192.168.10.12', port: 6443 },
    ]);
    expect(fake.requests.map((r) => [r.path, r.status])).toEqual([
      ['/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', 403],
      ['/api/v1/namespaces/default/endpoints/kubernetes', 200],
    ]);
  });

  it('reports a forbidden Endpoints read as kube-forbidden', async () => {
    const fake = await startFake();
    fake.forbid({ verb: 'list', group: 'discovery.k8s.io', resource: 'endpointslices' });
    fake.forbid({ verb: 'get', group: '', resource: 'endpoints' });
    const err = await new KubeCertificateReader(connect(fake).kube)
      .apiServerEndpoints()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeAccessError);
    expect((err as KubeAccessError).code).toBe('kube-forbidden');
    expect((err as KubeAccessError).userMessage).toMatch(/get endpoints/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoClusters, type DemoClusters } from '../../src/demo/start-demo-clusters.js';
import { checkJson, type CheckJson, type JsonFinding } from '../support/check-json.js';

/**
 * Every certificate source, read through vigil's Kubernetes client (src/kube) over HTTPS from the fake
 * API server seeded with the demo scenario, plus TLS handshakes to the fake etcd and kubelets.
 */
describe('certificate check against the simulated clusters', () => {
  let demo: DemoClusters;
  let findings: JsonFinding[];
  let json: CheckJson;
  let exitCode: number;

  beforeAll(async () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    demo = await startDemoClusters(now);
    ({ json, exitCode } = await checkJson(demo.config, now, ['certificates']));
    findings = json.findings;
  });
  afterAll(() => demo?.stop());

  const find = (cluster: string, source: string, object: RegExp) => {
    const f = findings.find((x) => x.cluster === cluster && x.source === source && object.test(x.object));
    if (!f) throw new Error(`no ${source} finding matching ${object} in ${cluster}`);
    return f;
  };

  it('reads the API server certificate from the kubeconfig server URL: 5 days left is critical', () => {
    const f = find('prod', 'apiserver', /^apiserver https:\/\/127\.0\.0\.1:\d+$/);
    expect(f).toMatchObject({
      severity: 'critical',
      subject: 'CN=kube-apiserver',
      daysLeft: 5,
      check: 'certificates',
    });
    expect(f.summary).toMatch(/expires in 5 days/);
    expect(f.nextStep).toMatch(/kubeadm certs renew apiserver/);
    expect(f.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('handshakes each default/kubernetes endpoint and reports the stale self-signed replica as expired', () => {
    const f = find('prod', 'apiserver-endpoint', /^apiserver endpoint 127\.0\.0\.1:\d+$/);
    expect(f.severity).toBe('critical');
    expect(f.certificate?.expiry).toBe('expired');
    expect(f.certificate?.role).toBe('self-signed');
    expect(f.summary).toMatch(/expired 3 days ago/);
    // The endpoint equal to the kubeconfig server is not probed twice.
    expect(findings.filter((x) => x.cluster === 'prod' && x.source === 'apiserver-endpoint')).toHaveLength(1);
  });

  it('reads etcd through tlsEndpoints even though it demands a client certificate', () => {
    const f = find('prod', 'tls-endpoint', /^endpoint 127\.0\.\d+\.1:\d+$/);
    expect(f).toMatchObject({ severity: 'critical', subject: 'CN=etcd-server', daysLeft: 10 });
  });

  it('reads each kubelet at its node address and kubelet port', () => {
    expect(find('prod', 'kubelet', /^kubelet node-a$/)).toMatchObject({ severity: 'ok', daysLeft: 200 });
    const b = find('prod', 'kubelet', /^kubelet node-b$/);
    expect(b).toMatchObject({ severity: 'warning', daysLeft: 20 });
    expect(b.summary).toMatch(/kubelet on node node-b \(127\.0\.0\.1:\d+\)/);
  });

  it('reads TLS Secrets: healthy, expiring, expired, garbage, intermediate first, superseded CA', () => {
    expect(find('prod', 'tls-secret', /shop\/shop-tls tls\.crt/)).toMatchObject({
      severity: 'ok',
      daysLeft: 80,
    });
    expect(find('prod', 'tls-secret', /payments\/api-tls tls\.crt/)).toMatchObject({
      severity: 'critical',
      daysLeft: 9,
    });
    const expired = find('prod', 'tls-secret', /monitoring\/grafana-tls tls\.crt/);
    expect(expired).toMatchObject({ severity: 'critical', expiry: 'expired', daysLeft: -12 });
    expect(expired.summary).toMatch(/expired 12 days ago/);
    const garbage = find('prod', 'tls-secret', /legacy\/old-portal-tls tls\.crt/);
    expect(garbage.severity).toBe('warning');
    expect(garbage.summary).toMatch(/^cannot parse Secret legacy\/old-portal-tls \(tls\.crt\): not a PEM/);
    const wildcard = find('prod', 'tls-secret', /ingress\/wildcard-tls tls\.crt/);
    expect(wildcard.certificate?.role).toBe('intermediate');
    expect(wildcard).toMatchObject({ subject: 'CN=corp intermediate 2024', severity: 'critical' });
    const rotated = find('prod', 'tls-secret', /auth\/oidc-tls ca\.crt/);
    expect(rotated.severity).toBe('ok');
    expect(rotated.evidence?.join('\n')).toMatch(/superseded/);
  });

  it('never puts key material or raw Secret data in the output', () => {
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/PRIVATE KEY|REDACTED-IN-DEMO|MII[A-Za-z0-9+/]{40}/);
  });

  it('reads the cluster, client and front-proxy CAs from their ConfigMaps', () => {
    expect(find('prod', 'cluster-ca', /kube-system\/kube-root-ca\.crt ca\.crt/)).toMatchObject({
      severity: 'ok',
      subject: 'CN=kubernetes',
    });
    expect(find('prod', 'client-ca', /client-ca-file/).subject).toBe('CN=kubernetes');
    expect(find('prod', 'front-proxy-ca', /requestheader-client-ca-file/).subject).toBe('CN=front-proxy-ca');
  });

  it('reads webhook caBundles with CA thresholds and skips insecureSkipTLSVerify APIServices', () => {
    const f = find('prod', 'webhook-ca-bundle', /policy-webhook/);
    expect(f).toMatchObject({ severity: 'critical', subject: 'CN=policy-webhook-ca', daysLeft: 12 });
    expect(f.nextStep).toMatch(/caBundle of validatingwebhookconfiguration\/policy-webhook/);
    expect(findings.some((x) => x.source === 'apiservice-ca-bundle')).toBe(false);
  });

  it('flags the cert-manager Certificate that failed to renew', () => {
    const f = find('prod', 'cert-manager', /shop\/shop-cert/);
    expect(f.severity).toBe('warning');
    expect(f.summary).toMatch(
      /failed to renew: not Ready \(Failed\), renewal was due 3 days ago, 2 failed issuance/,
    );
    expect(f.evidence?.join('\n')).toMatch(/DNS-01 challenge not propagated/);
  });

  it('names the expired API server certificate of the unreachable cluster and still checks the rest', () => {
    const access = find('edge', 'cluster-access', /cluster edge/);
    expect(access.severity).toBe('critical');
    expect(access.summary).toMatch(
      /cluster edge unreachable: API server certificate CN=kube-apiserver on 127\.0\.0\.1:\d+ expired 3 days ago \(at \d{4}-\d\d-\d\dT\d\d:\d\dZ\)/,
    );
    expect(access.evidence?.join('\n')).toMatch(/SANs: localhost, 127\.0\.0\.1/);
    expect(find('edge', 'kubeconfig-client-cert', /edge\.kubeconfig/)).toMatchObject({
      severity: 'ok',
      subject: 'CN=kubernetes-admin',
      daysLeft: 40,
    });
    const edge = json.clusters.find((c) => c.name === 'edge');
    expect(edge?.reachable).toBe(false);
    expect(edge?.unobserved.map((u) => u.what).join('\n')).toMatch(/every in-cluster source/);
  });

  it('lists what it could not observe for a reachable cluster too', () => {
    const prod = json.clusters.find((c) => c.name === 'prod');
    expect(prod?.reachable).toBe(true);
    const what = prod?.unobserved.map((u) => u.what).join('\n') ?? '';
    expect(what).toMatch(/etcd peer certificates/);
    expect(what).not.toMatch(/etcd server certificates/);
    // The client certificates only the nodes hold are the host-certificates check's gap now.
    expect(what).not.toMatch(/apiserver-etcd-client/);
  });

  it('with the host-certificates check, lists the certificates only the nodes hold', async () => {
    const both = await checkJson(demo.config, new Date(), ['certificates', 'host-certificates']);
    const prod = both.json.clusters.find((c) => c.name === 'prod');
    const gap = prod?.unobserved.find((u) => /apiserver-etcd-client/.test(u.what));
    expect(gap).toMatchObject({
      why: "vigil check reads the API and TLS handshakes, not the nodes' files",
      howToObserve: expect.stringContaining('vigil check --host-root /'),
    });
  });

  it('exits 2 when the worst finding is critical', () => {
    expect(exitCode).toBe(2);
  });
});

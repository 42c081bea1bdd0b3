import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprint } from '../../../src/domain/fingerprint.js';
import { hostCertificateFindings } from '../../../src/checks/host-certificates/host-certificate-findings.js';
import { hostCertificateRows } from '../../../src/checks/host-certificates/host-certificate-rows.js';
import { readHostCertificates } from '../../../src/checks/host-certificates/read-host-certificates.js';
import { daysFrom } from '../../../src/simulator/cert-factory.js';
import { HostTree, writeKubeadmTree, writeKubeletTree, writeRancherTree } from '../../support/host-tree.js';

const now = new Date('2026-03-10T12:00:00Z');
const marker = 'KEY-MARKER-findings';

let tree: HostTree;
beforeEach(async () => {
  tree = await HostTree.create();
});
afterEach(async () => {
  await tree.dispose();
});

async function findingsAt(at: Date) {
  const rows = hostCertificateRows(
    await readHostCertificates({ hostRoot: tree.root, node: 'cp-1', now: at }),
    at,
  );
  return hostCertificateFindings('prod', rows);
}

describe('hostCertificateFindings', () => {
  it("maps a row to vigil's Finding: check, source, object, severity, summary, evidence, next step, fingerprint", async () => {
    const issued = await writeKubeadmTree(tree, {
      now,
      leafNotAfter: daysFrom(now, 300),
      caNotAfter: daysFrom(now, 3000),
      notAfter: { 'apiserver-etcd-client': daysFrom(now, 10) },
      keyMarker: marker,
    });
    await writeKubeletTree(tree, {
      now,
      ca: issued.ca!,
      notBefore: daysFrom(now, -30),
      notAfter: daysFrom(now, 335),
      keyMarker: marker,
    });
    const findings = await findingsAt(now);
    const etcdClient = findings.find(
      (f) => f.object === 'node cp-1 /etc/kubernetes/pki/apiserver-etcd-client.crt',
    );
    expect(etcdClient).toEqual({
      cluster: 'prod',
      check: 'host-certificates',
      severity: 'critical',
      source: 'host-kubeadm',
      object: 'node cp-1 /etc/kubernetes/pki/apiserver-etcd-client.crt',
      summary:
        'kubeadm apiserver-etcd-client on node cp-1 (/etc/kubernetes/pki/apiserver-etcd-client.crt): certificate ' +
        'CN=kube-apiserver-etcd-client expires in 10 days (2026-03-20T12:00Z)',
      nextStep:
        'On node cp-1 run `kubeadm certs renew apiserver-etcd-client`, then restart kube-apiserver so it loads the new certificate: ' +
        'move /etc/kubernetes/manifests/kube-apiserver.yaml out of /etc/kubernetes/manifests, wait until `crictl ps --name ' +
        'kube-apiserver` lists nothing, and move it back (or `crictl stop` its container).',
      fingerprint: fingerprint(
        'prod',
        'host-certificates',
        'host-kubeadm',
        'node cp-1 /etc/kubernetes/pki/apiserver-etcd-client.crt',
      ),
      certificate: expect.objectContaining({
        subject: 'CN=kube-apiserver-etcd-client',
        daysLeft: 10,
        expiry: 'critical',
        isCa: false,
      }),
    });
    expect(findings.find((f) => f.object === 'node cp-1 /etc/kubernetes/pki/ca.crt')).toMatchObject({
      severity: 'ok',
      source: 'host-kubeadm',
    });
    expect(
      findings.find((f) => f.object === 'node cp-1 /etc/kubernetes/pki/ca.crt')?.nextStep,
    ).toBeUndefined();
    expect(new Set(findings.map((f) => f.source))).toEqual(new Set(['host-kubeadm', 'host-kubelet']));
    expect(findings.find((f) => f.object === 'node cp-1 /etc/kubernetes/admin.conf')?.evidence).toEqual([
      'client-certificate-data of user "kubernetes-admin"',
    ]);
  });

  it('keeps the fingerprint when the certificate is renewed, so the alert resolves', async () => {
    await writeKubeadmTree(tree, {
      now,
      leafNotAfter: daysFrom(now, 5),
      caNotAfter: daysFrom(now, 3000),
      keyMarker: marker,
    });
    const before = (await findingsAt(now)).find((f) => f.object.endsWith('/apiserver.crt'));
    await tree.dispose();
    tree = await HostTree.create();
    await writeKubeadmTree(tree, {
      now,
      leafNotAfter: daysFrom(now, 365),
      caNotAfter: daysFrom(now, 3000),
      keyMarker: marker,
    });
    const after = (await findingsAt(now)).find((f) => f.object.endsWith('/apiserver.crt'));
    expect(before?.severity).toBe('critical');
    expect(after?.severity).toBe('ok');
    expect(after?.fingerprint).toBe(before?.fingerprint);
    expect(after?.certificate?.fingerprint256).not.toBe(before?.certificate?.fingerprint256);
  });

  it('names k3s, RKE2 and extra files by source', async () => {
    await writeRancherTree(tree, 'k3s', { now, leafDays: 100, keyMarker: marker });
    await writeRancherTree(tree, 'rke2', { now, leafDays: 100, keyMarker: marker });
    const findings = await findingsAt(now);
    expect(
      findings.find((f) => f.object === 'node cp-1 /var/lib/rancher/k3s/server/tls/client-admin.crt')?.source,
    ).toBe('host-k3s');
    expect(
      findings.find((f) => f.object === 'node cp-1 /var/lib/rancher/rke2/agent/client-kubelet.crt')?.source,
    ).toBe('host-rke2');
  });

  it('raises nothing for a missing file (it is a gap, see unobservableCoverage)', async () => {
    await writeKubeadmTree(tree, {
      now,
      leafNotAfter: daysFrom(now, 300),
      caNotAfter: daysFrom(now, 3000),
      keyMarker: marker,
      omit: ['front-proxy-client'],
    });
    const findings = await findingsAt(now);
    expect(findings.map((f) => f.object)).not.toContain(
      'node cp-1 /etc/kubernetes/pki/front-proxy-client.crt',
    );
    expect(findings.every((f) => f.severity === 'ok')).toBe(true);
  });
});

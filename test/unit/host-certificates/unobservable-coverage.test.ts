import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostCertificateRows } from '../../../src/checks/host-certificates/host-certificate-rows.js';
import { readHostCertificates } from '../../../src/checks/host-certificates/read-host-certificates.js';
import { remoteUnobservable } from '../../../src/checks/host-certificates/remote-unobservable.js';
import {
  stillUnobserved,
  unobservableCoverage,
} from '../../../src/checks/host-certificates/unobservable-coverage.js';
import { daysFrom, issueCa } from '../../../src/simulator/cert-factory.js';
import { HostTree, writeKubeadmTree, writeKubeletTree, writeRancherTree } from '../../support/host-tree.js';

const now = new Date('2026-03-10T12:00:00Z');
const marker = 'KEY-MARKER-coverage';

let tree: HostTree;
beforeEach(async () => {
  tree = await HostTree.create();
});
afterEach(async () => {
  await tree.dispose();
});

const coverage = async () =>
  unobservableCoverage(
    hostCertificateRows(await readHostCertificates({ hostRoot: tree.root, node: 'cp-1', now }), now),
  );

describe('unobservableCoverage', () => {
  it('covers every remotely unobservable item on a kubeadm control-plane node', async () => {
    const issued = await writeKubeadmTree(tree, {
      now,
      leafNotAfter: daysFrom(now, 300),
      caNotAfter: daysFrom(now, 3000),
      keyMarker: marker,
    });
    await writeKubeletTree(tree, {
      now,
      ca: issued.ca!,
      notBefore: daysFrom(now, -30),
      notAfter: daysFrom(now, 335),
      keyMarker: marker,
    });
    const c = await coverage();
    expect(c.map((x) => x.id)).toEqual(remoteUnobservable.map((x) => x.id));
    expect(c.filter((x) => !x.covered)).toEqual([]);
    expect(c.find((x) => x.id === 'kubelet-client-rotation')?.path).toBe(
      '/var/lib/kubelet/pki/kubelet-client-current.pem',
    );
  });

  it('covers only the kubelet items on a worker, and says why the rest is not', async () => {
    const ca = issueCa('kubernetes', now);
    await tree.write('/etc/kubernetes/pki/ca.crt', ca.certPem);
    await writeKubeletTree(tree, {
      now,
      ca,
      notBefore: daysFrom(now, -30),
      notAfter: daysFrom(now, 335),
      keyMarker: marker,
    });
    const c = await coverage();
    expect(c.filter((x) => x.covered).map((x) => x.id)).toEqual(['kubelet.conf', 'kubelet-client-rotation']);
    expect(c.find((x) => x.id === 'apiserver-etcd-client')).toMatchObject({
      covered: false,
      why: 'not on this node',
    });
  });

  it('maps k3s file names to the kubeadm items they stand for', async () => {
    await writeRancherTree(tree, 'k3s', { now, leafDays: 100, keyMarker: marker });
    const c = await coverage();
    expect(c.filter((x) => x.covered).map((x) => [x.id, x.path])).toEqual([
      ['apiserver-etcd-client', '/var/lib/rancher/k3s/server/tls/etcd/client.crt'],
      ['apiserver-kubelet-client', '/var/lib/rancher/k3s/server/tls/client-kube-apiserver.crt'],
      ['front-proxy-client', '/var/lib/rancher/k3s/server/tls/client-auth-proxy.crt'],
      ['etcd-peer', '/var/lib/rancher/k3s/server/tls/etcd/peer-server-client.crt'],
      ['admin.conf', '/var/lib/rancher/k3s/server/tls/client-admin.crt'],
      ['controller-manager.conf', '/var/lib/rancher/k3s/server/tls/client-controller.crt'],
      ['scheduler.conf', '/var/lib/rancher/k3s/server/tls/client-scheduler.crt'],
      ['kubelet.conf', '/var/lib/rancher/k3s/agent/client-kubelet.crt'],
    ]);
  });

  it('does not count a file it could not read or that is missing', async () => {
    await writeKubeadmTree(tree, {
      now,
      leafNotAfter: daysFrom(now, 300),
      caNotAfter: daysFrom(now, 3000),
      keyMarker: marker,
      omit: ['super-admin.conf'],
    });
    await tree.write('/etc/kubernetes/pki/front-proxy-client.crt', 'garbage');
    const c = await coverage();
    expect(c.find((x) => x.id === 'front-proxy-client')).toMatchObject({
      covered: false,
      path: '/etc/kubernetes/pki/front-proxy-client.crt',
      why: '/etc/kubernetes/pki/front-proxy-client.crt: not a PEM, DER or PKCS#12 certificate; expected text starting with -----BEGIN CERTIFICATE-----',
    });
    expect(c.find((x) => x.id === 'super-admin.conf')).toMatchObject({
      covered: false,
      why: '/etc/kubernetes/super-admin.conf is missing on node cp-1',
    });
  });
});

describe('stillUnobserved', () => {
  it("lists what no node covered, with each node's reason", () => {
    const all = remoteUnobservable.map((x) => ({ id: x.id, what: x.what, covered: true }));
    const cp1 = all.map((x) =>
      x.id === 'super-admin.conf' ? { ...x, covered: false, why: 'missing on cp-1' } : x,
    );
    const cp2 = all.map((x) =>
      x.id === 'super-admin.conf' || x.id === 'etcd-peer' ? { ...x, covered: false, why: `not on cp-2` } : x,
    );
    expect(stillUnobserved([cp1, cp2])).toEqual([
      {
        what: 'client certificate in super-admin.conf',
        why: 'missing on cp-1; not on cp-2',
        howToObserve: 'run the node agent (or `vigil check --host-root /`) on a control-plane node',
      },
    ]);
    expect(stillUnobserved([])).toHaveLength(remoteUnobservable.length);
  });
});

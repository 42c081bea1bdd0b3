import type { HostLayout, LayoutEntry } from './host-layout.js';
import type { UnobservableItemId } from './remote-unobservable.js';

const dir = '/etc/kubernetes';
const pki = `${dir}/pki`;

type Needs = 'always' | 'control-plane' | 'etcd' | 'never';

interface Spec {
  name: string;
  path: string;
  role: 'certificate' | 'ca';
  format: 'certificate' | 'kubeconfig';
  needs: Needs;
  caName?: string;
  keyPath?: string;
  covers?: UnobservableItemId;
  listedByKubeadm?: false;
}

/**
 * kubeadm's default certificate list plus the kubeconfigs `kubeadm certs check-expiration` lists.
 * With external etcd kubeadm drops the etcd certificates and apiserver-etcd-client from its list, so
 * they are only expected when pki/etcd (or the etcd static pod) exists.
 */
const specs: Spec[] = [
  {
    name: 'ca',
    path: `${pki}/ca.crt`,
    role: 'ca',
    format: 'certificate',
    needs: 'always',
    keyPath: `${pki}/ca.key`,
  },
  {
    name: 'apiserver',
    path: `${pki}/apiserver.crt`,
    role: 'certificate',
    format: 'certificate',
    needs: 'control-plane',
    caName: 'ca',
  },
  {
    name: 'apiserver-kubelet-client',
    path: `${pki}/apiserver-kubelet-client.crt`,
    role: 'certificate',
    format: 'certificate',
    needs: 'control-plane',
    caName: 'ca',
    covers: 'apiserver-kubelet-client',
  },
  {
    name: 'front-proxy-ca',
    path: `${pki}/front-proxy-ca.crt`,
    role: 'ca',
    format: 'certificate',
    needs: 'control-plane',
    keyPath: `${pki}/front-proxy-ca.key`,
  },
  {
    name: 'front-proxy-client',
    path: `${pki}/front-proxy-client.crt`,
    role: 'certificate',
    format: 'certificate',
    needs: 'control-plane',
    caName: 'front-proxy-ca',
    covers: 'front-proxy-client',
  },
  {
    name: 'etcd-ca',
    path: `${pki}/etcd/ca.crt`,
    role: 'ca',
    format: 'certificate',
    needs: 'etcd',
    keyPath: `${pki}/etcd/ca.key`,
  },
  {
    name: 'etcd-server',
    path: `${pki}/etcd/server.crt`,
    role: 'certificate',
    format: 'certificate',
    needs: 'etcd',
    caName: 'etcd-ca',
  },
  {
    name: 'etcd-peer',
    path: `${pki}/etcd/peer.crt`,
    role: 'certificate',
    format: 'certificate',
    needs: 'etcd',
    caName: 'etcd-ca',
    covers: 'etcd-peer',
  },
  {
    name: 'etcd-healthcheck-client',
    path: `${pki}/etcd/healthcheck-client.crt`,
    role: 'certificate',
    format: 'certificate',
    needs: 'etcd',
    caName: 'etcd-ca',
    covers: 'etcd-healthcheck-client',
  },
  {
    name: 'apiserver-etcd-client',
    path: `${pki}/apiserver-etcd-client.crt`,
    role: 'certificate',
    format: 'certificate',
    needs: 'etcd',
    caName: 'etcd-ca',
    covers: 'apiserver-etcd-client',
  },
  ...(['admin.conf', 'super-admin.conf', 'controller-manager.conf', 'scheduler.conf'] as const).map(
    (name): Spec => ({
      name,
      path: `${dir}/${name}`,
      role: 'certificate',
      format: 'kubeconfig',
      needs: 'control-plane',
      caName: 'ca',
      covers: name,
    }),
  ),
  // kubeadm leaves kubelet.conf out of its table: the kubelet rotates the certificate it points to.
  {
    name: 'kubelet.conf',
    path: `${dir}/kubelet.conf`,
    role: 'certificate',
    format: 'kubeconfig',
    needs: 'never',
    caName: 'ca',
    covers: 'kubelet.conf',
    listedByKubeadm: false,
  },
];

export const kubeadmLayout: HostLayout = {
  id: 'kubeadm',
  async plan(probe) {
    if (!(await probe.exists(dir))) {
      return {
        entries: [],
        notes: [{ layout: 'kubeadm', path: dir, message: 'not present: no kubeadm files on this node' }],
        unlistable: [],
      };
    }
    const controlPlane =
      (await probe.exists(`${pki}/apiserver.crt`)) ||
      (await probe.exists(`${dir}/manifests/kube-apiserver.yaml`));
    const etcd =
      controlPlane &&
      ((await probe.exists(`${pki}/etcd`)) || (await probe.exists(`${dir}/manifests/etcd.yaml`)));
    const met: Record<Needs, boolean> = { always: true, 'control-plane': controlPlane, etcd, never: false };
    // CA keys only ever live on control-plane nodes: a worker without ca.key has no external CA.
    const entries = specs.map(({ needs, listedByKubeadm, keyPath, ...s }): LayoutEntry => ({
      layout: 'kubeadm',
      ...s,
      ...(keyPath && controlPlane ? { keyPath } : {}),
      required: met[needs],
      listedByKubeadm: listedByKubeadm ?? true,
    }));
    const notes = controlPlane
      ? []
      : [
          {
            layout: 'kubeadm' as const,
            path: pki,
            message: 'no control-plane certificates: a worker node (only ca.crt and kubelet.conf)',
          },
        ];
    return { entries, notes, unlistable: [] };
  },
};

import { nextStepFor } from '../certificates/next-steps.js';
import type { EntryRole, LayoutId } from './host-layout.js';

export interface HostStepContext {
  layout: LayoutId;
  name: string;
  /** The node path of the row (the kubeconfig for a kubeconfig row). */
  path: string;
  node: string;
  role: EntryRole;
  unreadable?: { access: boolean };
  externallyManaged: boolean;
  caName?: string;
  caKeyPath?: string;
  rotation?: 'kubelet-client' | 'kubelet-server';
  /** The kubeconfig names a certificate file instead of embedding it. */
  referencesFile?: boolean;
}

// Which static pod loads each kubeadm certificate at start-up and must restart to pick up a new one.
const kubeadmUser: Record<string, string> = {
  apiserver: 'kube-apiserver',
  'apiserver-kubelet-client': 'kube-apiserver',
  'apiserver-etcd-client': 'kube-apiserver',
  'front-proxy-client': 'kube-apiserver',
  'etcd-server': 'etcd',
  'etcd-peer': 'etcd',
  'controller-manager.conf': 'kube-controller-manager',
  'scheduler.conf': 'kube-scheduler',
};

function restartStaticPod(component: string): string {
  const manifest = `/etc/kubernetes/manifests/${component}.yaml`;
  return (
    `restart ${component} so it loads the new certificate: move ${manifest} out of /etc/kubernetes/manifests, ` +
    `wait until \`crictl ps --name ${component}\` lists nothing, and move it back (or \`crictl stop\` its container)`
  );
}

function kubeadmLeaf(c: HostStepContext): string {
  if (c.name === 'kubelet.conf') {
    return c.referencesFile
      ? kubeletClient(c.node)
      : `kubeadm does not renew kubelet.conf: on node ${c.node} point it at /var/lib/kubelet/pki/kubelet-client-current.pem with ` +
          '`rotateCertificates: true`, or regenerate it with `kubeadm kubeconfig user --org system:nodes ' +
          `--client-name system:node:${c.node}\`, then restart the kubelet.`;
  }
  const component = kubeadmUser[c.name];
  const after =
    component !== undefined
      ? restartStaticPod(component)
      : c.name === 'admin.conf' || c.name === 'super-admin.conf'
        ? `re-distribute it: copy /etc/kubernetes/${c.name} to ~/.kube/config and to every user, CI job and tool that got a copy`
        : 'nothing restarts: tools that use it (etcdctl, backup jobs) read the new file on their next run';
  if (c.externallyManaged) {
    return (
      `kubeadm cannot renew ${c.name} on node ${c.node}: its CA ${c.caName ?? ''} is external (${c.caKeyPath ?? 'the CA key'} is not on ` +
      `this node). Create a CSR with \`kubeadm certs generate-csr\`, have the external CA sign it, install it as ${c.path}, then ${after}.`
    );
  }
  return `On node ${c.node} run \`kubeadm certs renew ${c.name}\`, then ${after}.`;
}

function kubeletClient(node: string): string {
  return (
    `The kubelet on node ${node} is not rotating its client certificate: look for its pending CSR with \`kubectl get csr\` ` +
    '(signer kubernetes.io/kube-apiserver-client-kubelet) and approve it with `kubectl certificate approve NAME`, make sure ' +
    '`rotateCertificates: true` is set in /var/lib/kubelet/config.yaml, then restart the kubelet. Once it expires the node goes NotReady.'
  );
}

function rancher(c: HostStepContext, product: 'k3s' | 'rke2'): string {
  const agent = c.name.startsWith('agent/');
  const service = agent ? `${product}-agent` : product === 'k3s' ? 'k3s' : 'rke2-server';
  if (c.role === 'ca') {
    return (
      `Plan a CA rotation with \`${product} certificate rotate-ca\` (${product} documentation: CA certificate rotation): every node ` +
      'and kubeconfig of the cluster trusts this CA, so replacing it is a project, not a restart.'
    );
  }
  if (agent) {
    return (
      `Restart the agent on node ${c.node} (\`systemctl restart ${service}\`): it fetches new client and serving ` +
      `certificates from the server when it starts. If that does not help, rotate them on the server with \`${product} certificate rotate\`.`
    );
  }
  return (
    `On node ${c.node}: \`systemctl stop ${service}\`, \`${product} certificate rotate\`, \`systemctl start ${service}\` ` +
    `(${product} also renews certificates close to expiry whenever it starts); then restart the agents so they pick up the new CA bundle if it changed.`
  );
}

/** The next step for one host certificate, naming the node, the file and the usual command. */
export function hostNextStep(c: HostStepContext): string {
  if (c.unreadable) {
    if (c.unreadable.access) {
      return (
        `Give vigil read access to ${c.path} on node ${c.node} (run it as root, or mount the host read-only into the node agent); ` +
        'until then this certificate is not watched.'
      );
    }
    const base =
      `Inspect ${c.path} on node ${c.node} (\`ls -l ${c.path}\`, \`openssl x509 -noout -dates -in ${c.path}\`) and restore a valid ` +
      'PEM certificate: whatever reads it fails the same way.';
    return c.rotation === 'kubelet-client' ? `${base} ${kubeletClient(c.node)}` : base;
  }
  switch (c.layout) {
    case 'kubeadm':
      if (c.role === 'ca')
        return nextStepFor({ source: c.name === 'front-proxy-ca' ? 'front-proxy-ca' : 'cluster-ca' });
      return kubeadmLeaf(c);
    case 'k3s':
    case 'rke2':
      return rancher(c, c.layout);
    case 'kubelet':
      if (c.rotation === 'kubelet-client') return kubeletClient(c.node);
      if (c.rotation === 'kubelet-server') {
        return (
          `Approve the kubelet's serving CSR for node ${c.node}: \`kubectl get csr\` (signer kubernetes.io/kubelet-serving; ` +
          'never approved automatically) and `kubectl certificate approve NAME`; check `serverTLSBootstrap: true` in /var/lib/kubelet/config.yaml.'
        );
      }
      return nextStepFor({ source: 'kubelet', node: c.node });
    case 'extra':
      return `Renew ${c.path} on node ${c.node} from its issuer and reload the service that reads it.`;
  }
}

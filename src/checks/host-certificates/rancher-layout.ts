import type { HostLayout, HostNote, LayoutEntry, LayoutPlan } from './host-layout.js';
import type { UnobservableItemId } from './remote-unobservable.js';

/**
 * k3s and RKE2 keep one flat directory of `*.crt` files per role (server/tls, server/tls/etcd, agent),
 * and the set changes between releases, so the directories are listed rather than the files named.
 * Names are the file names without `.crt`, prefixed by the sub-directory (`etcd/peer-server-client`).
 */
const covers: Record<string, UnobservableItemId> = {
  // --kubelet-client-certificate of the embedded kube-apiserver.
  'client-kube-apiserver': 'apiserver-kubelet-client',
  // --proxy-client-cert-file.
  'client-auth-proxy': 'front-proxy-client',
  'etcd/client': 'apiserver-etcd-client',
  'etcd/peer-server-client': 'etcd-peer',
  'client-admin': 'admin.conf',
  'client-controller': 'controller-manager.conf',
  'client-scheduler': 'scheduler.conf',
  'agent/client-kubelet': 'kubelet.conf',
};

interface ScanDir {
  path: string;
  prefix: string;
  /** Server directories hold the CA keys; an agent only has copies of the CA certificates. */
  caKeysHere: boolean;
  absent: string;
}

export function rancherLayout(product: 'k3s' | 'rke2'): HostLayout {
  const base = `/var/lib/rancher/${product}`;
  const scans: ScanDir[] = [
    { path: `${base}/server/tls`, prefix: '', caKeysHere: true, absent: `no ${product} server on this node` },
    {
      path: `${base}/server/tls/etcd`,
      prefix: 'etcd/',
      caKeysHere: true,
      absent: 'no embedded etcd on this node',
    },
    {
      path: `${base}/agent`,
      prefix: 'agent/',
      caKeysHere: false,
      absent: `no ${product} agent files on this node`,
    },
  ];
  return {
    id: product,
    async plan(probe): Promise<LayoutPlan> {
      const plan: LayoutPlan = { entries: [], notes: [], unlistable: [] };
      if (!(await probe.exists(base))) {
        plan.notes.push({ layout: product, path: base, message: `not present: no ${product} on this node` });
        return plan;
      }
      for (const scan of scans) {
        const listed = await probe.list(scan.path);
        if ('error' in listed) {
          if (listed.missing) {
            plan.notes.push({
              layout: product,
              path: scan.path,
              message: `not present: ${scan.absent}`,
            } satisfies HostNote);
          } else {
            plan.unlistable.push({ path: scan.path, reason: listed.error, access: listed.access });
          }
          continue;
        }
        const crts = listed.names.filter((n) => n.endsWith('.crt')).sort();
        for (const file of crts) {
          const stem = file.slice(0, -'.crt'.length);
          const name = scan.prefix + stem;
          const isCaName = stem.endsWith('-ca');
          const entry: LayoutEntry = {
            layout: product,
            name,
            path: `${scan.path}/${file}`,
            role: isCaName ? 'ca' : 'auto',
            format: 'certificate',
            required: false,
            listedByKubeadm: false,
            ...(isCaName && scan.caKeysHere ? { keyPath: `${scan.path}/${stem}.key` } : {}),
            ...(covers[name] ? { covers: covers[name] } : {}),
          };
          plan.entries.push(entry);
        }
      }
      return plan;
    },
  };
}

export const k3sLayout = rancherLayout('k3s');
export const rke2Layout = rancherLayout('rke2');

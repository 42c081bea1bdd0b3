import type { UnobservableItemId } from './remote-unobservable.js';

/** Where a certificate file comes from; `extra` is a path or glob from `hostCertificates.extraPaths`. */
export type LayoutId = 'kubeadm' | 'k3s' | 'rke2' | 'kubelet' | 'extra';

export type EntryRole = 'certificate' | 'ca';

/** One file a layout expects, by its path on the node (without the host root prefix). */
export interface LayoutEntry {
  layout: LayoutId;
  /** kubeadm's name (`apiserver-etcd-client`, `admin.conf`, `etcd-ca`), else one derived from the file. */
  name: string;
  path: string;
  /** `auto`: decided by the certificate's CA flag (k3s and RKE2 file names do not always say). */
  role: EntryRole | 'auto';
  /** `auto`: a kubeconfig when the file holds no PEM block but names a client certificate. */
  format: 'certificate' | 'kubeconfig' | 'auto';
  /** Absent files are then shown as `!MISSING!`, like kubeadm; optional ones are left out. */
  required: boolean;
  /** Printed by `kubeadm certs check-expiration` itself (kubelet.conf is not: the kubelet manages it). */
  listedByKubeadm: boolean;
  /** kubeadm's fixed name for the CA that signs this certificate, printed whatever the issuer says. */
  caName?: string;
  /** A CA's private key: only whether it exists is ever checked (kubeadm's external-CA rule). */
  keyPath?: string;
  covers?: UnobservableItemId;
  /** The kubelet's rotation symlinks (`kubelet-client-current.pem` -> a dated file). */
  rotation?: 'kubelet-client' | 'kubelet-server';
}

/** Something about the node that is not a certificate finding: an absent layout, a skipped key. */
export interface HostNote {
  layout: LayoutId;
  path: string;
  message: string;
}

/** What a layout may ask of the node while planning its entries; paths are node paths. */
export interface HostProbe {
  exists(path: string): Promise<boolean>;
  /**
   * Names (not paths) of the entries of a directory, or why it cannot be listed. `missing` is set when
   * the directory does not exist.
   */
  list(dir: string): Promise<{ names: string[] } | { error: string; missing: boolean; access: boolean }>;
}

export interface LayoutPlan {
  entries: LayoutEntry[];
  notes: HostNote[];
  /** Directories that exist but cannot be listed: reported like unreadable files. */
  unlistable: { path: string; reason: string; access: boolean }[];
}

export interface HostLayout {
  id: Exclude<LayoutId, 'extra'>;
  plan(probe: HostProbe): Promise<LayoutPlan>;
}

import type { CertificateFacts } from '../../domain/finding.js';
import type { Severity } from '../../domain/severity.js';
import type { EntryRole, LayoutId } from './host-layout.js';
import type { UnobservableItemId } from './remote-unobservable.js';

export type RowStatus = 'ok' | 'missing' | 'unreadable' | 'no-client-certificate';

/** One certificate of one node, with kubeadm's columns and vigil's verdict. */
export interface HostCertificateRow {
  node: string;
  layout: LayoutId;
  /** The finding's source: `host-kubeadm`, `host-k3s`, `host-rke2`, `host-kubelet`, `host-extra`. */
  source: `host-${LayoutId}`;
  name: string;
  /** The node path of the file (for kubeconfigs, the kubeconfig). */
  path: string;
  role: EntryRole;
  status: RowStatus;
  listedByKubeadm: boolean;
  covers?: UnobservableItemId;
  /** `Jan 02, 2027 15:04 UTC`; empty unless the certificate was read. */
  expires: string;
  /** `364d`, `9y`, `<invalid>`; empty unless the certificate was read. */
  residualTime: string;
  /** The signing CA's name (kubeadm's fixed name, else the matching CA file's); empty for CAs. */
  certificateAuthority: string;
  /** kubeadm's "EXTERNALLY MANAGED": the (signing) CA's key is not on the node. */
  externallyManaged: boolean;
  severity: Severity;
  summary: string;
  /** What is wrong beyond the dates: why it cannot be read, a stalled rotation. */
  problem?: string;
  nextStep?: string;
  evidence: string[];
  certificate?: CertificateFacts;
  /** The node path the certificate was read from, when it is not `path` (symlink, kubeconfig reference). */
  readFrom?: string;
  /** A kubeconfig whose certificate file is a row of its own: it is reported once, on that row. */
  sameCertificateAs?: string;
}

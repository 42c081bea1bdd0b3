import type { HostLayout } from './host-layout.js';
import { kubeadmLayout } from './kubeadm-layout.js';
import { kubeletLayout } from './kubelet-layout.js';
import { k3sLayout, rke2Layout } from './rancher-layout.js';

/** Every layout recognised without configuration, in report order. */
export const builtInLayouts: readonly HostLayout[] = [kubeadmLayout, k3sLayout, rke2Layout, kubeletLayout];

/** The built-in layouts with these ids (from `hostCertificates.layouts`), in report order. */
export function layoutsFor(ids: readonly string[]): HostLayout[] {
  return builtInLayouts.filter((l) => ids.includes(l.id));
}

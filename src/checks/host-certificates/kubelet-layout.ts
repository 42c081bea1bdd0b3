import type { HostLayout, LayoutEntry } from './host-layout.js';

const pki = '/var/lib/kubelet/pki';

/**
 * The kubelet's own certificates. With rotation on, `kubelet-client-current.pem` is a symlink to a
 * dated file holding certificate and key; `kubelet-server-current.pem` exists with
 * `serverTLSBootstrap: true`, otherwise `kubelet.crt` is the self-signed serving certificate.
 */
export const kubeletLayout: HostLayout = {
  id: 'kubelet',
  async plan(probe) {
    if (!(await probe.exists(pki))) {
      return {
        entries: [],
        notes: [
          {
            layout: 'kubelet',
            path: pki,
            message: 'not present: no kubelet certificate directory on this node',
          },
        ],
        unlistable: [],
      };
    }
    const base = {
      layout: 'kubelet',
      format: 'certificate',
      listedByKubeadm: false,
      role: 'certificate',
    } as const;
    const entries: LayoutEntry[] = [
      {
        ...base,
        name: 'kubelet-client-current',
        path: `${pki}/kubelet-client-current.pem`,
        required: true,
        rotation: 'kubelet-client',
        covers: 'kubelet-client-rotation',
      },
      {
        ...base,
        name: 'kubelet-server-current',
        path: `${pki}/kubelet-server-current.pem`,
        required: false,
        rotation: 'kubelet-server',
      },
      { ...base, name: 'kubelet', path: `${pki}/kubelet.crt`, required: false },
    ];
    return { entries, notes: [], unlistable: [] };
  },
};

import { describe, expect, it } from 'vitest';
import { layoutsFor } from '../../../src/checks/host-certificates/built-in-layouts.js';
import { hostCertificatesConfigSchema } from '../../../src/checks/host-certificates/host-certificates-config.js';

describe('hostCertificatesConfigSchema', () => {
  it('defaults to every built-in layout and no extra paths', () => {
    expect(hostCertificatesConfigSchema.parse(undefined)).toEqual({
      layouts: ['kubeadm', 'k3s', 'rke2', 'kubelet'],
      extraPaths: [],
    });
  });

  it('accepts absolute paths and globs, rejects relative ones with a hint', () => {
    expect(
      hostCertificatesConfigSchema.parse({ extraPaths: ['/etc/ssl/a.crt', '/opt/**/tls/*.crt'] }).extraPaths,
    ).toHaveLength(2);
    const r = hostCertificatesConfigSchema.safeParse({ extraPaths: ['etc/ssl/a.crt'] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe(
      'must be an absolute path on the node, e.g. /etc/ssl/certs/my.crt or /opt/*/tls/*.crt',
    );
    expect(hostCertificatesConfigSchema.safeParse({ layouts: ['openshift'] }).success).toBe(false);
  });

  it('selects layouts in report order', () => {
    expect(layoutsFor(['kubelet', 'kubeadm']).map((l) => l.id)).toEqual(['kubeadm', 'kubelet']);
  });
});

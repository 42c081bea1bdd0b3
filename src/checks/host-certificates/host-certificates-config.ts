import { z } from 'zod';

const nodePath = z
  .string()
  .min(1)
  .refine((p) => p.startsWith('/'), {
    error: 'must be an absolute path on the node, e.g. /etc/ssl/certs/my.crt or /opt/*/tls/*.crt',
  });

/**
 * `hostCertificates:` in vigil.yaml, for src/config/config-schema.ts to embed when the check is
 * plugged in (it lives here until then).
 */
export const hostCertificatesConfigSchema = z
  .strictObject({
    layouts: z
      .array(z.enum(['kubeadm', 'k3s', 'rke2', 'kubelet']))
      .default(['kubeadm', 'k3s', 'rke2', 'kubelet']),
    /** Extra certificate files or globs (`*`, `**`, `?`, `[ab]`, `{a,b}`), read like the layouts' files. */
    extraPaths: z.array(nodePath).default([]),
  })
  .prefault({});

export type HostCertificatesConfig = z.infer<typeof hostCertificatesConfigSchema>;

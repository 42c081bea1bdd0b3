import { z } from 'zod';

const nodePath = z
  .string()
  .min(1)
  .refine((p) => p.startsWith('/'), {
    error: 'must be an absolute path on the node, e.g. /etc/ssl/certs/my.crt or /opt/*/tls/*.crt',
  });

const staleHint = { error: 'must be a whole number of minutes from 10 to 7200 (5 days), e.g. 180' };

/**
 * `hostCertificates:` in vigil.yaml, owned by the host-certificates check and composed into the whole
 * file by src/config/config-schema.ts. `layouts` and `extraPaths` say what is read on a node (by
 * `vigil check --host-root` and by `vigil agent`, which the Helm chart gives the same values);
 * `staleAfterMinutes` is for `vigil serve`, which reads the agents' reports.
 */
export const hostCertificatesConfigSchema = z
  .strictObject({
    layouts: z
      .array(z.enum(['kubeadm', 'k3s', 'rke2', 'kubelet']))
      .default(['kubeadm', 'k3s', 'rke2', 'kubelet']),
    /** Extra certificate files or globs (`*`, `**`, `?`, `[ab]`, `{a,b}`), read like the layouts' files. */
    extraPaths: z.array(nodePath).default([]),
    /**
     * A node whose latest report is older than this is reported `unknown`. Default: two of the node's
     * own report intervals plus 15 minutes (the agent says how often it reports), so one missed
     * report (a pod restart) is not an alert and two are.
     */
    staleAfterMinutes: z.number(staleHint).int(staleHint).min(10, staleHint).max(7200, staleHint).optional(),
  })
  .prefault({});

export type HostCertificatesConfig = z.infer<typeof hostCertificatesConfigSchema>;

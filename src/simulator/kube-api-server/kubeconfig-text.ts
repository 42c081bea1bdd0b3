import { stringify } from 'yaml';

export interface KubeconfigTextOptions {
  server: string;
  /** CA to trust; omitted means neither a CA nor insecure-skip-tls-verify, the caller decides. */
  caPem?: string;
  token?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  contextName?: string;
  clusterName?: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/**
 * A kubeconfig with inline `*-data` fields, like `kubeadm` writes admin.conf: one file carries the
 * whole identity, which is also the shape vigil parses to find embedded client certificates.
 */
export function kubeconfigText(o: KubeconfigTextOptions): string {
  const context = o.contextName ?? 'fake';
  const cluster = o.clusterName ?? 'fake';
  const user = `${context}-user`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: cluster,
        cluster: {
          server: o.server,
          ...(o.caPem ? { 'certificate-authority-data': b64(o.caPem) } : {}),
        },
      },
    ],
    users: [
      {
        name: user,
        user: {
          ...(o.token !== undefined ? { token: o.token } : {}),
          ...(o.clientCertPem ? { 'client-certificate-data': b64(o.clientCertPem) } : {}),
          ...(o.clientKeyPem ? { 'client-key-data': b64(o.clientKeyPem) } : {}),
        },
      },
    ],
    contexts: [{ name: context, context: { cluster, user } }],
    'current-context': context,
    preferences: {},
  });
}

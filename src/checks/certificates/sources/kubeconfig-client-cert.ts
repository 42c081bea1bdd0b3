import type { Finding } from '../../../domain/finding.js';
import type { CheckContext } from '../../check.js';
import { bundleFinding } from './bundle-finding.js';

/**
 * The client certificate vigil itself authenticates with (kubeadm's admin.conf lives one year): when
 * it expires, every tool using that kubeconfig loses the cluster at once.
 */
export function kubeconfigClientCertFinding(ctx: CheckContext): Finding | undefined {
  const pem = ctx.target.clientCertificatePem;
  if (!pem) return undefined;
  const path = ctx.target.kubeconfigPath ?? 'kubeconfig';
  return bundleFinding(
    ctx,
    {
      cluster: ctx.cluster.name,
      source: 'kubeconfig-client-cert',
      object: `kubeconfig ${path} client-certificate`,
      label: `client certificate in ${path}`,
      kubeconfigPath: path,
    },
    Buffer.from(pem, 'utf8'),
    'chain',
  );
}

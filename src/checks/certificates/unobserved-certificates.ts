import type { Unobserved } from '../../domain/finding.js';
import { parseHostPort } from '../../probe/parse-host-port.js';
import type { CheckContext } from '../check.js';
import { secretAccessOf, unreadSecrets } from '../secret-access.js';

function endpointsOnPort(ctx: CheckContext, port: number): boolean {
  return ctx.cluster.tlsEndpoints.some((e) => parseHostPort(e).port === port);
}

/**
 * What the remote view of a cluster cannot show in this mode. Listed on every run so that an empty
 * report is never read as "all certificates are fine" (DOMAIN.md section 2, inventory).
 */
export function unobservedCertificates(ctx: CheckContext): Unobserved[] {
  const out: Unobserved[] = [];
  const ports = [
    [2379, 'etcd server certificates', 'add each etcd member as tlsEndpoints: ["HOST:2379"]'],
    [2380, 'etcd peer certificates', 'add each etcd member as tlsEndpoints: ["HOST:2380"]'],
    [10257, 'kube-controller-manager serving certificate', 'add tlsEndpoints: ["CONTROL-PLANE:10257"]'],
    [10259, 'kube-scheduler serving certificate', 'add tlsEndpoints: ["CONTROL-PLANE:10259"]'],
  ] as const;
  for (const [port, what, how] of ports) {
    if (!endpointsOnPort(ctx, port)) {
      out.push({
        what,
        why: 'not exposed through the Kubernetes API',
        howToObserve: `${how} (or run the node agent)`,
      });
    }
  }
  // The client certificates only control-plane nodes hold (apiserver-kubelet-client, apiserver-etcd-client,
  // front-proxy-client, the kubeconfigs) are the host-certificates check's: its "not observable"
  // lines name what no node agent reported (src/checks/host-certificates/node-gaps.ts).
  const secrets = unreadSecrets(
    secretAccessOf(ctx.cluster),
    ctx.cluster.name,
    'TLS Secrets',
    'cert-manager Certificates (their notAfter), caBundles and TLS handshakes are still checked',
  );
  if (secrets) out.push(secrets);
  if (!ctx.cluster.inCluster) {
    out.push({
      what: 'webhook and aggregated API serving certificates behind Services',
      why: 'Service addresses are only reachable from inside the cluster; their caBundles are checked',
      howToObserve: 'run vigil in the cluster (inCluster: true) to handshake each webhook Service',
    });
  }
  if (!ctx.apiReachable) {
    out.push({
      what: 'every in-cluster source (TLS Secrets, CA ConfigMaps, kubelets, webhooks, cert-manager)',
      why: 'the API server could not be reached (see the cluster finding)',
      howToObserve: 'fix API access; the handshakes above still ran',
    });
  }
  return out;
}

import type { Finding } from '../../../domain/finding.js';
import { parseHostPort } from '../../../probe/parse-host-port.js';
import type { CheckContext } from '../../check.js';
import type { CertificateReader } from '../certificate-reader.js';
import { mapLimit } from '../../map-limit.js';
import { handshakeFinding, hostPort } from './handshake-finding.js';

/** The certificate the kubeconfig's server URL presents: what every client of the cluster sees. */
export function apiServerFinding(ctx: CheckContext): Promise<Finding> {
  const { host, port, servername, url } = ctx.target.server;
  return handshakeFinding(
    ctx,
    {
      cluster: ctx.cluster.name,
      source: 'apiserver',
      object: `apiserver ${url}`,
      label: `API server ${url}`,
      host,
      port,
    },
    {
      host,
      port,
      ...(servername ? { servername } : {}),
      ...(ctx.target.caPem ? { caPem: ctx.target.caPem } : {}),
      // With insecure-skip-tls-verify the clients never check trust, so only expiry matters.
      assessTrust: !ctx.target.insecureSkipTlsVerify,
      trustAnchor: ctx.target.caPem ? 'the kubeconfig CA' : 'the system trust store',
    },
  );
}

/**
 * Each API server replica behind default/kubernetes serves its own certificate; a load balancer in
 * front of them shows only one, so the replicas are checked one by one.
 */
export async function apiServerEndpointFindings(ctx: CheckContext<CertificateReader>): Promise<Finding[]> {
  const server = ctx.target.server;
  const endpoints = (await ctx.reader.apiServerEndpoints()).filter(
    (e) => !(e.host === server.host && e.port === server.port),
  );
  return mapLimit(endpoints, ctx.config.certificates.probeConcurrency, (e) =>
    handshakeFinding(
      ctx,
      {
        cluster: ctx.cluster.name,
        source: 'apiserver-endpoint',
        object: `apiserver endpoint ${hostPort(e.host, e.port)}`,
        label: `API server endpoint ${hostPort(e.host, e.port)}`,
        host: e.host,
        port: e.port,
      },
      {
        host: e.host,
        port: e.port,
        ...(ctx.target.caPem ? { caPem: ctx.target.caPem } : {}),
        assessTrust: false,
      },
    ),
  );
}

/** Kubelet serving certificates are often self-signed, so only their expiry is judged. */
export async function kubeletFindings(ctx: CheckContext<CertificateReader>): Promise<Finding[]> {
  const kubelets = await ctx.reader.kubeletEndpoints();
  return mapLimit(kubelets, ctx.config.certificates.probeConcurrency, (k) =>
    handshakeFinding(
      ctx,
      {
        cluster: ctx.cluster.name,
        source: 'kubelet',
        object: `kubelet ${k.node}`,
        label: `kubelet on node ${k.node} (${hostPort(k.host, k.port)})`,
        node: k.node,
        host: k.host,
        port: k.port,
      },
      { host: k.host, port: k.port, assessTrust: false },
    ),
  );
}

/** Endpoints from config: etcd (2379/2380), controller-manager (10257), scheduler (10259), anything. */
export function tlsEndpointFindings(ctx: CheckContext): Promise<Finding[]> {
  const endpoints = ctx.cluster.tlsEndpoints.map((e) => parseHostPort(e));
  return mapLimit(endpoints, ctx.config.certificates.probeConcurrency, (e) =>
    handshakeFinding(
      ctx,
      {
        cluster: ctx.cluster.name,
        source: 'tls-endpoint',
        object: `endpoint ${hostPort(e.host, e.port)}`,
        label: `${describePort(e.port)} ${hostPort(e.host, e.port)}`,
        host: e.host,
        port: e.port,
      },
      { host: e.host, port: e.port, assessTrust: false },
    ),
  );
}

export function describePort(port: number): string {
  switch (port) {
    case 2379:
      return 'etcd server';
    case 2380:
      return 'etcd peer';
    case 10257:
      return 'kube-controller-manager';
    case 10259:
      return 'kube-scheduler';
    case 10250:
      return 'kubelet';
    case 6443:
      return 'API server';
    default:
      return 'TLS endpoint';
  }
}

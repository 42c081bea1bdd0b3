import type { CertificateSource } from '../certificates-config.js';
import type { Finding } from '../../../domain/finding.js';
import type { CheckContext } from '../../check.js';
import type { CaBundleKind, CaBundleRef, CertificateReader } from '../certificate-reader.js';
import { bundleFinding } from './bundle-finding.js';
import { handshakeFinding } from './handshake-finding.js';

export const caBundleKinds: readonly CaBundleKind[] = [
  'validating-webhook',
  'mutating-webhook',
  'apiservice',
  'crd-conversion',
];

const sourceOf: Record<CaBundleKind, CertificateSource> = {
  'validating-webhook': 'webhook-ca-bundle',
  'mutating-webhook': 'webhook-ca-bundle',
  apiservice: 'apiservice-ca-bundle',
  'crd-conversion': 'crd-conversion-ca-bundle',
};

/**
 * One finding per configuration object and bundle: a webhook configuration often repeats the same
 * caBundle for each of its webhooks, and one broken CA must not page three times.
 */
export async function caBundleFindings(
  ctx: CheckContext<CertificateReader>,
  kind: CaBundleKind,
): Promise<Finding[]> {
  const refs = await ctx.reader.caBundles(kind);
  const groups = new Map<string, CaBundleRef[]>();
  for (const r of refs) {
    const owner = r.object.split(' ')[0] ?? r.object;
    const key = `${owner}\u0000${r.caBundle}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const findings: Finding[] = [];
  for (const group of groups.values()) {
    const first = group[0] as CaBundleRef;
    const owner = first.object.split(' ')[0] ?? first.object;
    const evidence = group.length > 1 ? [`shared by ${group.map((g) => g.object).join('; ')}`] : [];
    const loc = {
      cluster: ctx.cluster.name,
      source: sourceOf[kind],
      object: `${group.length > 1 ? owner : first.object} caBundle`,
      label: `caBundle of ${group.length > 1 ? owner : first.object}`,
      name: owner,
      ...(first.service ? { namespace: first.service.namespace } : {}),
    };
    findings.push(bundleFinding(ctx, loc, first.caBundle, 'ca-bundle', evidence));

    // The leaf that actually breaks admission sits behind the Service; only reachable from inside.
    if (ctx.cluster.inCluster && first.service) {
      const { namespace, name, port = 443 } = first.service;
      const host = `${name}.${namespace}.svc`;
      findings.push(
        await handshakeFinding(
          ctx,
          {
            cluster: ctx.cluster.name,
            source: sourceOf[kind],
            object: `service ${namespace}/${name}:${port} serving certificate`,
            label: `serving certificate of ${host}:${port} (for ${owner})`,
            namespace,
            host,
            port,
          },
          {
            host,
            port,
            servername: host,
            caPem: Buffer.from(first.caBundle, 'base64').toString('utf8'),
            assessTrust: true,
            trustAnchor: `the caBundle of ${owner}`,
          },
        ),
      );
    }
  }
  return findings;
}

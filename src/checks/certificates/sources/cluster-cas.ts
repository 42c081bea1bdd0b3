import type { Finding, Unobserved } from '../../../domain/finding.js';
import type { CheckContext } from '../../check.js';
import type { CertificateReader } from '../certificate-reader.js';
import { bundleFinding } from './bundle-finding.js';

/**
 * The cluster CA is published in every namespace as ConfigMap kube-root-ca.crt; the client and
 * front-proxy CAs in kube-system/extension-apiserver-authentication. Together they show the 10-year
 * CAs without host access.
 */
export async function clusterCaFindings(
  ctx: CheckContext<CertificateReader>,
): Promise<{ findings: Finding[]; unobserved: Unobserved[] }> {
  const reader = ctx.reader;
  const cluster = ctx.cluster.name;
  const findings: Finding[] = [];
  const unobserved: Unobserved[] = [];

  let rootNs = 'kube-system';
  let root = await reader.getConfigMapData(rootNs, 'kube-root-ca.crt');
  if (!root) {
    rootNs = 'default';
    root = await reader.getConfigMapData(rootNs, 'kube-root-ca.crt');
  }
  if (root) {
    findings.push(
      bundleFinding(
        ctx,
        {
          cluster,
          source: 'cluster-ca',
          object: `configmap ${rootNs}/kube-root-ca.crt ca.crt`,
          label: `cluster CA (ConfigMap ${rootNs}/kube-root-ca.crt)`,
          namespace: rootNs,
        },
        text(root['ca.crt']),
        'ca-bundle',
      ),
    );
  } else {
    unobserved.push({
      what: 'cluster CA',
      why: 'ConfigMap kube-root-ca.crt not found in kube-system or default',
      howToObserve:
        'Kubernetes >= 1.20 publishes it; on older clusters add the CA file to a TLS Secret vigil can read',
    });
  }

  const auth = await reader.getConfigMapData('kube-system', 'extension-apiserver-authentication');
  const keys = [
    ['client-ca-file', 'client-ca', 'client CA'],
    ['requestheader-client-ca-file', 'front-proxy-ca', 'front-proxy CA'],
  ] as const;
  for (const [key, source, name] of keys) {
    const value = auth?.[key];
    if (value === undefined) {
      unobserved.push({
        what: name,
        why: auth
          ? `key ${key} absent in kube-system/extension-apiserver-authentication`
          : 'kube-system/extension-apiserver-authentication not found',
        howToObserve:
          'managed control planes may not publish it; check it on a control-plane node (/etc/kubernetes/pki)',
      });
      continue;
    }
    findings.push(
      bundleFinding(
        ctx,
        {
          cluster,
          source,
          object: `configmap kube-system/extension-apiserver-authentication ${key}`,
          label: `${name} (kube-system/extension-apiserver-authentication ${key})`,
          namespace: 'kube-system',
        },
        text(value),
        'ca-bundle',
      ),
    );
  }
  return { findings, unobserved };
}

function text(v: string | undefined): Buffer | undefined {
  return v === undefined ? undefined : Buffer.from(v, 'utf8');
}

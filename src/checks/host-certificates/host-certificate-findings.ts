import type { Finding } from '../../domain/finding.js';
import { fingerprint } from '../../domain/fingerprint.js';
import type { HostCertificateRow } from './host-certificate-row.js';
import { hostCertificatesCheckName } from './host-check-name.js';

/** `node cp-1 /etc/kubernetes/pki/apiserver-etcd-client.crt`: stable across renewals, keys the alert. */
export function hostCertificateObject(row: Pick<HostCertificateRow, 'node' | 'path'>): string {
  return `node ${row.node} ${row.path}`;
}

/**
 * One finding per certificate that was read or could not be read. Missing files and kubeconfigs
 * without a client certificate are not findings (see unobservableCoverage); a kubeconfig that only
 * names a certificate file reported on its own row is left out so one expiry raises one alert.
 */
export function hostCertificateFindings(cluster: string, rows: readonly HostCertificateRow[]): Finding[] {
  return rows
    .filter((r) => (r.status === 'ok' || r.status === 'unreadable') && !r.sameCertificateAs)
    .map((r): Finding => {
      const object = hostCertificateObject(r);
      return {
        cluster,
        check: hostCertificatesCheckName,
        severity: r.severity,
        source: r.source,
        object,
        summary: r.summary,
        ...(r.nextStep ? { nextStep: r.nextStep } : {}),
        ...(r.evidence.length > 0 ? { evidence: [...r.evidence] } : {}),
        fingerprint: fingerprint(cluster, hostCertificatesCheckName, r.source, object),
        ...(r.certificate ? { certificate: r.certificate } : {}),
      };
    });
}

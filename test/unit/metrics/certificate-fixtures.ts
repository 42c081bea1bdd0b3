import type { CheckSnapshot } from '../../../src/alerts/snapshot-store.js';
import type { CertificateFacts, Finding } from '../../../src/domain/finding.js';
import { fingerprint } from '../../../src/domain/fingerprint.js';

/** A certificate finding as the certificate check writes it (metadata only). */
export function certFinding(
  cluster: string,
  object: string,
  notAfter: string,
  extra: Partial<CertificateFacts> & { namespace?: string; source?: string } = {},
): Finding {
  const { namespace, source = 'tls-secret', ...facts } = extra;
  return {
    cluster,
    check: 'certificates',
    severity: 'ok',
    source,
    object,
    summary: `${object} expires ${notAfter}`,
    fingerprint: fingerprint(cluster, 'certificates', source, object),
    ...(namespace ? { namespace } : {}),
    certificate: {
      subject: 'CN=shop.example.com, O=Shop',
      issuer: 'CN=shop-ca, O=Shop',
      sans: ['shop.example.com'],
      serialNumber: '01',
      fingerprint256: 'AA',
      notBefore: '2025-01-01T00:00:00.000Z',
      notAfter,
      daysLeft: 30,
      role: 'leaf',
      isCa: false,
      expiry: 'ok',
      chainLength: 1,
      ...facts,
    },
  };
}

/** A stored certificates run of `cluster`. */
export function snapshotOf(
  cluster: string,
  findings: Finding[],
  at = '2026-01-01T00:00:00.000Z',
): CheckSnapshot {
  return { cluster, check: 'certificates', at, reachable: true, findings, unobserved: [] };
}

/**
 * The check's name. A constant until the redesigned Check contract (src/checks/check.ts) lets a check
 * describe itself; `CheckName` in src/domain/finding.ts does not list it yet.
 */
export const hostCertificatesCheckName = 'host-certificates';
export type HostCertificatesCheckName = typeof hostCertificatesCheckName;

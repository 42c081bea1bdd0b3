/**
 * The check's name: `Finding.check`, `schedules.checks.host-certificates` and the kind under which
 * `vigil agent` stores its reports (src/redis/redis-keys.ts), so never renamed. One constant for the
 * registry entry (host-certificates-check.ts), the findings and the agent.
 */
export const hostCertificatesCheckName = 'host-certificates';
export type HostCertificatesCheckName = typeof hostCertificatesCheckName;

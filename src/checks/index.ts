import type { Check } from './check.js';
import { certificateCheck } from './certificates/certificate-check.js';
import { hostCertificatesCheck } from './host-certificates/host-certificates-check.js';
import { registryCheck } from './registries/registry-check.js';
import { statefulSetCheck } from './statefulsets/statefulset-check.js';

/**
 * Every check vigil runs, in the order help, schedules and the table list them: a new check is one
 * line here (CONTRIBUTING.md "Recipe: add a check"). Everything else that names checks derives from
 * this list (src/checks/check-names.ts has the lookups).
 */
export const allChecks = [
  certificateCheck,
  statefulSetCheck,
  registryCheck,
  hostCertificatesCheck,
] as const satisfies readonly Check<string>[];

// Makes each name above a CheckName (src/domain/finding.ts), which the domain layer cannot import.
declare module '../domain/finding.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface CheckNames extends Record<(typeof allChecks)[number]['name'], true> {}
}

import type { Check } from './check.js';
import { certificateCheck } from './certificates/certificate-check.js';
import { registryCheck } from './registries/registry-check.js';
import { statefulSetCheck } from './statefulsets/statefulset-check.js';

/** Every check vigil runs; a new check is one line here (see CONTRIBUTING.md "Add a check"). */
export const allChecks: readonly Check[] = [certificateCheck, statefulSetCheck, registryCheck];

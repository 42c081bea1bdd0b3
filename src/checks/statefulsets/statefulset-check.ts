import type { Check } from '../check.js';

/** Placeholder until the StatefulSet check lands. */
export const statefulSetCheck: Check = {
  name: 'statefulsets',
  run() {
    return Promise.resolve({ findings: [], unobserved: [] });
  },
};

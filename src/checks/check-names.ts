import type { CheckName } from '../domain/finding.js';

type RunnableCheck = Exclude<CheckName, 'cluster'>;

// The words people type in chat (`/k8s sts prod`) work on the command line too.
const aliases: Record<string, RunnableCheck> = {
  certificates: 'certificates',
  certificate: 'certificates',
  certs: 'certificates',
  cert: 'certificates',
  statefulsets: 'statefulsets',
  statefulset: 'statefulsets',
  sts: 'statefulsets',
  registries: 'registries',
  registry: 'registries',
  regs: 'registries',
};

/** The check a user means by `word` (case-insensitive, with chat aliases), or undefined. */
export function resolveCheckName(word: string): RunnableCheck | undefined {
  return aliases[word.toLowerCase()];
}

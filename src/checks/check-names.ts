import type { RunnableCheckName } from '../domain/finding.js';
import type { Check } from './check.js';
import { allChecks } from './index.js';

/** The check a user means by `word` (case-insensitive: its name or a chat word), or undefined. */
export function resolveCheckName(
  word: string,
  checks: readonly Check[] = allChecks,
): RunnableCheckName | undefined {
  const w = word.toLowerCase();
  return checks.find((c) => c.name === w || c.command.words.includes(w))?.name;
}

/** The registered check of that name; CheckName only admits registered names, so this always finds one. */
export function checkNamed(name: RunnableCheckName, checks: readonly Check[] = allChecks): Check {
  const check = checks.find((c) => c.name === name);
  if (!check) throw new Error(`no check named ${name}`);
  return check;
}

/** Its label as a title: `StatefulSets`, `Certificates`. */
export function checkTitle(check: Pick<Check, 'label'>): string {
  return check.label.many.charAt(0).toUpperCase() + check.label.many.slice(1);
}

/** `certificates, StatefulSets and registries` (or the `one` forms), for titles that name them all. */
export function listedChecks(form: 'one' | 'many', checks: readonly Check[] = allChecks): string {
  const words = checks.map((c) => c.label[form]);
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

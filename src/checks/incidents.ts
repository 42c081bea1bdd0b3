import type { Finding } from '../domain/finding.js';
import type { Check } from './check.js';
import { allChecks } from './index.js';

/**
 * The findings of one run as the alert lifecycle should see them: each check that merges findings
 * sharing a cause (`Check.incidents`, e.g. one certificate in many Secrets) gets its own findings;
 * every other finding passes unchanged. Only alerts use this: `vigil check` and the stored
 * snapshots keep one finding per place.
 */
export function incidentsOf(findings: readonly Finding[], now: Date): Finding[] {
  const out: Finding[] = [];
  const byCheck = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byCheck.get(f.check);
    if (list) list.push(f);
    else byCheck.set(f.check, [f]);
  }
  for (const [name, list] of byCheck) {
    const check: Check<string> | undefined = allChecks.find((c) => c.name === name);
    out.push(...(check?.incidents ? check.incidents(list, now) : list));
  }
  return out;
}

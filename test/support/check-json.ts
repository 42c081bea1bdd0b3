import { runCheckCommand } from '../../src/cli/check-command.js';
import type { VigilConfig } from '../../src/config/config-schema.js';
import type { Finding, Unobserved } from '../../src/domain/finding.js';

/** A finding as `vigil check --output json` prints it (certificate facts lifted to the top level). */
export type JsonFinding = Finding & {
  subject?: string;
  notAfter?: string;
  daysLeft?: number;
  expiry?: string;
};

export interface CheckJson {
  worstSeverity: string;
  findings: JsonFinding[];
  clusters: { name: string; reachable: boolean; unobserved: Unobserved[] }[];
}

/** Runs the real `vigil check` code path with JSON output and parses what it would print. */
export async function checkJson(
  config: Readonly<VigilConfig>,
  now: Date,
  only: string[] = [],
): Promise<{ json: CheckJson; exitCode: number }> {
  const r = await runCheckCommand(
    config,
    { clusters: [], only, output: 'json', problemsOnly: false, color: false },
    () => now,
  );
  return { json: JSON.parse(r.text) as CheckJson, exitCode: r.exitCode };
}

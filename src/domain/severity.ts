/** How bad a finding is. `unknown` means vigil could not tell (unreachable, forbidden, unparsable). */
export type Severity = 'ok' | 'warning' | 'critical' | 'unknown';

const rank: Record<Severity, number> = { ok: 0, warning: 1, unknown: 2, critical: 3 };

/** Critical outranks unknown: an engineer must act on a known outage before chasing a blind spot. */
export function worstSeverity(severities: Iterable<Severity>): Severity {
  let worst: Severity = 'ok';
  for (const s of severities) if (rank[s] > rank[worst]) worst = s;
  return worst;
}

export function compareSeverity(a: Severity, b: Severity): number {
  return rank[a] - rank[b];
}

/** Monitoring-plugin exit codes (Nagios convention) so `vigil check` drops into cron jobs and CI. */
export function exitCodeFor(severity: Severity): 0 | 1 | 2 | 3 {
  switch (severity) {
    case 'ok':
      return 0;
    case 'warning':
      return 1;
    case 'critical':
      return 2;
    case 'unknown':
      return 3;
  }
}

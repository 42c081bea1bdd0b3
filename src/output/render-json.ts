import type { CheckReport } from '../checks/run-checks.js';
import type { Finding } from '../domain/finding.js';
import { worstSeverity } from '../domain/severity.js';

/**
 * Stable machine output: other tools and the alert lifecycle rely on these field names. Certificate
 * findings carry `subject`, `notAfter` and `daysLeft` at the top level for easy `jq` use.
 */
export function renderJson(report: CheckReport): string {
  const findings = report.clusters.flatMap((c) => c.findings).map(flatten);
  return JSON.stringify(
    {
      generatedAt: report.generatedAt,
      worstSeverity: worstSeverity(findings.map((f) => f.severity)),
      findings,
      clusters: report.clusters.map((c) => ({
        name: c.cluster,
        reachable: c.reachable,
        worstSeverity: worstSeverity(c.findings.map((f) => f.severity)),
        counts: countBySeverity(c.findings),
        unobserved: c.unobserved,
      })),
    },
    null,
    2,
  );
}

function flatten(f: Finding) {
  const { certificate, ...rest } = f;
  if (!certificate) return rest;
  return {
    ...rest,
    subject: certificate.subject,
    notAfter: certificate.notAfter,
    daysLeft: certificate.daysLeft,
    expiry: certificate.expiry,
    certificate,
  };
}

export function countBySeverity(findings: readonly Finding[]): Record<string, number> {
  const counts: Record<string, number> = { critical: 0, warning: 0, unknown: 0, ok: 0 };
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  return counts;
}

import type { CheckReport } from '../checks/run-checks.js';
import { findingOf, type Finding } from '../domain/finding.js';
import { worstSeverity } from '../domain/severity.js';

/**
 * Stable machine output: other tools and the alert lifecycle rely on these field names. Certificate
 * findings carry `subject`, `notAfter` and `daysLeft` at the top level for easy `jq` use.
 */
export function renderJson(report: CheckReport): string {
  return [...renderJsonChunks(report)].join('');
}

/**
 * The same document, one finding at a time, so a report of 10,000 certificates is written as it is
 * rendered instead of being built as one large string first. A compact finding is built here, for
 * its chunk only; the counts read severities, which need no building.
 */
export function* renderJsonChunks(report: CheckReport): Generator<string> {
  const all = report.clusters.flatMap((c) => c.findings);
  const head = { generatedAt: report.generatedAt, worstSeverity: worstSeverity(all.map((f) => f.severity)) };
  yield `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "findings": [`;
  let first = true;
  for (const f of all) {
    yield `${first ? '' : ','}\n    ${JSON.stringify(flatten(findingOf(f)), null, 2).replace(/\n/g, '\n    ')}`;
    first = false;
  }
  const clusters = report.clusters.map((c) => ({
    name: c.cluster,
    reachable: c.reachable,
    worstSeverity: worstSeverity(c.findings.map((f) => f.severity)),
    counts: countBySeverity(c.findings),
    unobserved: c.unobserved,
  }));
  yield `${first ? '' : '\n  '}],\n  "clusters": ${JSON.stringify(clusters, null, 2).replace(/\n/g, '\n  ')}\n}`;
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

export function countBySeverity(findings: readonly Pick<Finding, 'severity'>[]): Record<string, number> {
  const counts: Record<string, number> = { critical: 0, warning: 0, unknown: 0, ok: 0 };
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  return counts;
}

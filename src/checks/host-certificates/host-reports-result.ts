import type { Finding, Unobserved } from '../../domain/finding.js';
import { isoUtcMinute } from '../../time/utc-minute.js';
import type { NodeReport } from '../check.js';
import type { ExpiryThresholds } from '../certificates/expiry-thresholds.js';
import { hostCertificateFindings } from './host-certificate-findings.js';
import type { HostCertificateRow } from './host-certificate-row.js';
import { hostCertificateRows } from './host-certificate-rows.js';
import type { HostNote } from './host-layout.js';
import type { HostReportReader } from './host-report-reader.js';
import { nodeGaps, type NodeCoverage, type SilentNode } from './node-gaps.js';
import {
  emptyReportFinding,
  staleAfterMs,
  staleReportFinding,
  unreadableReportFinding,
} from './node-report-finding.js';
import { parseHostObservation } from './parse-host-observation.js';
import { unobservableCoverage } from './unobservable-coverage.js';

export interface HostReportsInput {
  cluster: string;
  mode: HostReportReader['mode'];
  reports: readonly NodeReport[];
  now: Date;
  thresholds: ExpiryThresholds;
  staleAfterMinutes?: number;
}

/** One node's rows, for the kubeadm table of `vigil check --host-root`. */
export interface NodeRows {
  node: string;
  observedAt: string;
  rows: HostCertificateRow[];
  notes: HostNote[];
}

export interface HostReportsResult {
  findings: Finding[];
  unobserved: Unobserved[];
  nodes: NodeRows[];
}

/**
 * The host-certificates check's judgement of the nodes' latest reports, as of `now`: one finding per
 * certificate (hostCertificateFindings), one per node whose report is stale, unreadable or empty,
 * and the cluster's "not observable" lines, which shrink with every node that reports (node-gaps.ts).
 * A stale node's certificates are still judged from its last report: it going quiet does not renew
 * them, and dropping its findings would resolve their alerts.
 */
export function hostReportsResult(input: HostReportsInput): HostReportsResult {
  const { cluster, now } = input;
  const findings: Finding[] = [];
  const nodes: NodeRows[] = [];
  const covered: NodeCoverage[] = [];
  const silent: SilentNode[] = [];
  const reports = [...input.reports].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  for (const report of reports) {
    const { node } = report;
    const parsed = parseHostObservation(report.body);
    let rows: HostCertificateRow[];
    try {
      if (!parsed.ok) throw new ReportError(parsed.problem);
      rows = hostCertificateRows({ ...parsed.observation, node }, now, input.thresholds);
    } catch (err) {
      const problem = err instanceof ReportError ? err.message : 'its certificates cannot be evaluated';
      findings.push(unreadableReportFinding(cluster, node, problem));
      const when = report.observedAt ? ` (${isoUtcMinute(report.observedAt)})` : '';
      silent.push({ node, why: `sent a report vigil cannot read${when}` });
      continue;
    }
    const observation = parsed.observation;
    nodes.push({ node, observedAt: report.observedAt, rows, notes: observation.notes });
    const age = now.getTime() - Date.parse(report.observedAt);
    const stale = !(age <= staleAfterMs(report.intervalMinutes, input.staleAfterMinutes));
    const certificates = hostCertificateFindings(cluster, rows);
    if (stale) {
      findings.push(staleReportFinding(cluster, node, { ...report, now }));
      silent.push({ node, why: `has not reported since ${isoUtcMinute(report.observedAt)}` });
      const from = `judged from the last report of node ${node}, ${isoUtcMinute(report.observedAt)}`;
      for (const f of certificates) findings.push({ ...f, evidence: [...(f.evidence ?? []), from] });
      continue;
    }
    if (!rows.some((r) => r.status === 'ok' || r.status === 'unreadable'))
      findings.push(emptyReportFinding(cluster, node, observation.notes));
    for (const f of certificates) findings.push(f);
    covered.push({ node, coverage: unobservableCoverage(rows) });
  }
  return { findings, unobserved: nodeGaps(input.mode, covered, silent), nodes };
}

/** A report that did not validate: its problem names a field, never quotes content. */
class ReportError extends Error {}

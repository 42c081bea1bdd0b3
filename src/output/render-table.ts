import type { Check } from '../checks/check.js';
import { checkTitle } from '../checks/check-names.js';
import { allChecks } from '../checks/index.js';
import type { CheckReport } from '../checks/run-checks.js';
import { summaryTable, type TableSection } from '../checks/table-section.js';
import { findingOf, type CheckName, type Finding } from '../domain/finding.js';
import { countBySeverity } from './render-json.js';

export interface TableOptions {
  /** Hide ok rows (the summary line still counts them). */
  problemsOnly?: boolean;
  color?: boolean;
  width?: number;
}

const label: Record<string, string> = {
  ok: 'OK',
  warning: 'WARNING',
  critical: 'CRITICAL',
  unknown: 'UNKNOWN',
};
const colors: Record<string, string> = { ok: '32', warning: '33', critical: '31', unknown: '35' };

function severityCell(f: Finding, color: boolean): string {
  const text = f.certificate?.expiry === 'expired' ? 'EXPIRED' : (label[f.severity] ?? f.severity);
  return color ? `\u001b[${colors[f.severity]}m${text}\u001b[0m` : text;
}

type Cell = (f: Finding, nowIso: string, color: boolean) => string;

interface Section {
  title: string;
  columns: [string, Cell][];
  summaryBelow: boolean;
}

const severity: [string, Cell] = ['SEVERITY', (f, _n, color) => severityCell(f, color)];

function toSection(title: string, table: TableSection): Section {
  return {
    title,
    columns: [severity, ...table.columns.map((c): [string, Cell] => [c.header, (f, now) => c.cell(f, now)])],
    summaryBelow: table.summaryBelow,
  };
}

/** Cluster access first (it explains the rest), then each check in the registry's order. */
function sectionsFor(checks: readonly Check[]): Map<CheckName, Section> {
  return new Map<CheckName, Section>([
    ['cluster', toSection('Cluster access', summaryTable)],
    ...checks.map((c): [CheckName, Section] => [c.name, toSection(checkTitle(c), c.table)]),
  ]);
}

// eslint-disable-next-line no-control-regex
const visible = (s: string) => s.replace(/\u001b\[\d+m/g, '').length;

function renderSection(section: Section, rows: Finding[], nowIso: string, color: boolean): string[] {
  const header = section.columns.map(([h]) => h);
  const table = rows.map((f) => section.columns.map(([, cell]) => cell(f, nowIso, color)));
  // The last column is free text: it sets no width, so one long summary does not pad every row.
  // reduce, not Math.max(...spread): one argument per row overflows the stack on 200,000 rows.
  const widths = header.map((h, i) =>
    i === header.length - 1 ? 0 : table.reduce((w, r) => Math.max(w, visible(r[i] ?? '')), h.length),
  );
  const fmt = (r: string[]) =>
    r
      .map((cell, i) => cell + ' '.repeat(Math.max(0, (widths[i] ?? 0) - visible(cell))))
      .join('  ')
      .trimEnd();
  const lines = [`  ${section.title}`, `  ${fmt(header)}`];
  rows.forEach((f, i) => {
    lines.push(`  ${fmt(table[i] ?? [])}`);
    if (f.severity !== 'ok') {
      if (section.summaryBelow) lines.push(`      ${f.summary}`);
      for (const e of f.evidence ?? []) lines.push(`        · ${e}`);
      if (f.nextStep) lines.push(`      next: ${f.nextStep}`);
    }
  });
  return lines;
}

/**
 * Human output: one block per cluster and one table per check (soonest expiry first for
 * certificates), the next step under every row that is not ok, and what could not be observed at
 * the end so silence is never read as safety.
 */
export function renderTable(
  report: CheckReport,
  opts: TableOptions = {},
  checks: readonly Check[] = allChecks,
): string {
  const color = opts.color ?? false;
  const sections = sectionsFor(checks);
  const lines: string[] = [];
  for (const c of report.clusters) {
    const counts = countBySeverity(c.findings);
    lines.push(
      `Cluster ${c.cluster}${c.reachable ? '' : ' (API unreachable)'}: ` +
        `${counts.critical} critical, ${counts.warning} warning, ${counts.unknown} unknown, ${counts.ok} ok`,
    );
    // Built, all of them: the columns are as wide as their widest cell.
    const rows = c.findings.filter((f) => !opts.problemsOnly || f.severity !== 'ok').map(findingOf);
    for (const [check, section] of sections) {
      const inSection = rows.filter((f) => f.check === check);
      if (inSection.length > 0)
        for (const line of renderSection(section, inSection, report.generatedAt, color)) lines.push(line);
    }
    if (c.unobserved.length > 0) {
      lines.push('  Not observed in this mode:');
      for (const u of c.unobserved) lines.push(`    - ${u.what}: ${u.why}; ${u.howToObserve}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

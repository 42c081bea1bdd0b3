import type { Finding } from '../domain/finding.js';

/** One column of a check's table section: its header and the cell of one finding. */
export interface TableColumn {
  readonly header: string;
  /** `nowIso` is the run's time, so an old report still reads as it did. */
  cell(f: Finding, nowIso: string): string;
}

/**
 * A check's section of `vigil check`'s table (src/output/render-table.ts prints it under the
 * check's label, one row per finding, SEVERITY first, then these columns).
 */
export interface TableSection {
  readonly columns: readonly TableColumn[];
  /** Whether the summary repeats under a non-ok row (it does not when a column shows it). */
  readonly summaryBelow: boolean;
}

export function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, Math.max(0, n - 1))}…`;
}

/** For checks whose summary says everything (StatefulSets, registries): it is the last column. */
export const summaryTable: TableSection = {
  columns: [
    { header: 'OBJECT', cell: (f) => truncate(f.object, 50) },
    { header: 'SUMMARY', cell: (f) => f.summary },
  ],
  summaryBelow: false,
};

import type { Finding } from '../../domain/finding.js';
import { truncate, type TableSection } from '../table-section.js';
import { isoUtcMinute } from '../../time/utc-minute.js';

const notAfterOf = (f: Finding) => f.certificate?.notAfter ?? f.notAfter;

function wholeDaysUntil(iso: string, nowIso: string): number {
  const d = (Date.parse(iso) - Date.parse(nowIso)) / 86_400_000;
  return (d >= 0 ? Math.floor(d) : -Math.floor(-d)) || 0;
}

/** Where each certificate came from and when it expires; the summary goes under rows that are not ok. */
export const certificateTable: TableSection = {
  columns: [
    { header: 'SOURCE', cell: (f) => f.source },
    { header: 'OBJECT', cell: (f) => truncate(f.object, 60) },
    { header: 'SUBJECT', cell: (f) => truncate(f.certificate?.subject ?? '-', 40) },
    { header: 'NOT AFTER (UTC)', cell: (f) => (notAfterOf(f) ? isoUtcMinute(notAfterOf(f) as string) : '-') },
    {
      header: 'DAYS LEFT',
      cell: (f, now) =>
        f.certificate
          ? String(f.certificate.daysLeft)
          : f.notAfter
            ? String(wholeDaysUntil(f.notAfter, now))
            : '-',
    },
  ],
  summaryBelow: true,
};

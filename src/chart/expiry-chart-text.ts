import { chartRows, type PlacedCertificate } from './chart-rows.js';
import type { ExpiryChartData } from './expiry-chart-data.js';

/** Lines of the text version at most; the rest is counted, and `/k8s certs --expiring` lists it all. */
export const maxChartTextLines = 60;

export interface ExpiryChartText {
  /** One sentence for the image's alt text. */
  alt: string;
  /** The same data as the picture, lane by lane: what a screen reader or a text-only client gets. */
  lines: string[];
}

function when(p: PlacedCertificate): string {
  const date = p.certificate.notAfter.toISOString().slice(0, 10);
  if (p.days < 0) {
    const d = Math.floor(-p.days);
    return `expired ${d >= 1 ? `${d} ${d === 1 ? 'day' : 'days'} ago` : 'today'} (${date})`;
  }
  const d = Math.floor(p.days);
  return `${d} ${d === 1 ? 'day' : 'days'} left (${date})`;
}

/**
 * The chart as text, built from the same lanes as the SVG (chart-rows.ts), so the picture is never
 * the only place something is said: accessibility, and Slack clients that do not load images.
 */
export function expiryChartText(data: ExpiryChartData): ExpiryChartText {
  const rows = chartRows(data);
  const lines: string[] = [];
  let hidden = 0;
  for (const row of rows) {
    const kind = row.kind === 'ca' ? 'CA' : 'leaf';
    const head = `${row.cluster} · ${kind} (warning ${row.warningDays} d, critical ${row.criticalDays} d): ${row.shown.length} within ${data.horizonDays} days${row.later > 0 ? `, ${row.later} later` : ''}`;
    if (lines.length < maxChartTextLines) lines.push(head);
    else hidden += 1;
    for (const p of row.shown) {
      if (lines.length >= maxChartTextLines) {
        hidden += 1;
        continue;
      }
      lines.push(`  ${p.certificate.severity} · ${when(p)} · ${p.certificate.label}`);
    }
  }
  if (hidden > 0) lines.push(`…${hidden} more lines not shown`);
  const total = rows.reduce((n, r) => n + r.shown.length, 0);
  const clusters = data.clusters.map((c) => c.name).join(', ');
  const alt = `Timeline of certificate expiries over the next ${data.horizonDays} days on ${clusters || 'no cluster'}: ${total} ${total === 1 ? 'certificate' : 'certificates'} expired or expiring, CA and leaf lanes with their warning and critical thresholds; the same data is listed as text.`;
  return { alt, lines };
}

import { chartRows, type PlacedCertificate } from './chart-rows.js';
import type { ExpiryChartData } from './expiry-chart-data.js';

/** Lines of the text version at most; the rest is counted, and `/k8s certs --expiring` lists it all. */
export const maxChartTextLines = 60;

/** One lane of the chart as text: `prod · leaf` over its thresholds line and one `• ` line per certificate. */
export interface ExpiryChartLane {
  heading: string;
  lines: string[];
}

export interface ExpiryChartText {
  /** One sentence for the image's alt text. */
  alt: string;
  /**
   * The same data as the picture, lane by lane: what a screen reader or a text-only client gets.
   * A lane is a reply section (heading + lines) because every renderer draws that structure, while
   * indentation does not survive: reply lines are collapsed to one clean line each
   * (src/chat/clean-text.ts), so items are marked with a bullet instead. The last lane may end with
   * a "…N more lines not shown" line.
   */
  lanes: ExpiryChartLane[];
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
  const lanes: ExpiryChartLane[] = [];
  let used = 0;
  let hidden = 0;
  for (const row of rows) {
    const kind = row.kind === 'ca' ? 'CA' : 'leaf';
    const summary = `warning ${row.warningDays} d, critical ${row.criticalDays} d: ${row.shown.length} within ${data.horizonDays} days${row.later > 0 ? `, ${row.later} later` : ''}`;
    // A lane's heading and summary count as its lines; a lane that does not fit is counted whole.
    if (used + 2 > maxChartTextLines) {
      hidden += 1 + row.shown.length;
      continue;
    }
    const lane: ExpiryChartLane = { heading: `${row.cluster} · ${kind}`, lines: [summary] };
    used += 2;
    for (const p of row.shown) {
      if (used >= maxChartTextLines) {
        hidden += 1;
        continue;
      }
      lane.lines.push(`• ${p.certificate.severity} · ${when(p)} · ${p.certificate.label}`);
      used += 1;
    }
    lanes.push(lane);
  }
  if (hidden > 0) lanes.at(-1)?.lines.push(`…${hidden} more lines not shown`);
  const total = rows.reduce((n, r) => n + r.shown.length, 0);
  const clusters = data.clusters.map((c) => c.name).join(', ');
  const alt = `Timeline of certificate expiries over the next ${data.horizonDays} days on ${clusters || 'no cluster'}: ${total} ${total === 1 ? 'certificate' : 'certificates'} expired or expiring, CA and leaf lanes with their warning and critical thresholds; the same data is listed as text.`;
  return { alt, lanes };
}

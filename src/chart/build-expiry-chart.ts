import { chartRows, type ChartRow, type PlacedCertificate } from './chart-rows.js';
import { escapeXml } from './escape-xml.js';
import type { ExpiryChartData } from './expiry-chart-data.js';
import { chartColors } from './chart-colors.js';
import type { Severity } from '../domain/severity.js';

export interface ExpiryChartSvg {
  svg: string;
  width: number;
  height: number;
}

/**
 * Sized for Teams: the PNG rides the card as a data URI, which Teams counts as UTF-16 within a
 * 28 KB message (src/chat/teams/teams-card-limits.ts), so the picture stays narrow and flat.
 */
const W = 600;
const LABEL_W = 112;
const EXPIRED_W = 26;
const RIGHT_W = 58;
const PLOT_X0 = LABEL_W + EXPIRED_W + 6;
const PLOT_X1 = W - RIGHT_W;
const TOP = 58;
const ROW_H = 24;
const CLUSTER_GAP = 8;
const AXIS_H = 34;
/** More lanes than this are not readable in a chat message; the text version still lists them all. */
export const maxChartClusters = 8;

const FONT = 'font-family="DejaVu Sans"';

function xOf(days: number, horizon: number): number {
  if (days < 0) return LABEL_W + EXPIRED_W / 2 + 2;
  return PLOT_X0 + (Math.min(days, horizon) / horizon) * (PLOT_X1 - PLOT_X0);
}

function colorOf(severity: Severity): string {
  return chartColors[severity];
}

/** CA: a diamond; leaf: a circle. Shape, not only colour, tells them apart (colour-blind readers). */
function marker(p: PlacedCertificate, x: number, y: number, kind: ChartRow['kind']): string {
  const fill = colorOf(p.certificate.severity);
  const title = `<title>${escapeXml(p.certificate.label)}</title>`;
  if (kind === 'ca') {
    const d = `M${x} ${y - 6}L${x + 6} ${y}L${x} ${y + 6}L${x - 6} ${y}Z`;
    return `<path class="marker marker-ca severity-${p.certificate.severity}" d="${d}" fill="${fill}" stroke="${chartColors.background}" stroke-width="1">${title}</path>`;
  }
  return `<circle class="marker marker-leaf severity-${p.certificate.severity}" cx="${x}" cy="${y}" r="5" fill="${fill}" stroke="${chartColors.background}" stroke-width="1">${title}</circle>`;
}

function threshold(
  kind: string,
  level: 'warning' | 'critical',
  days: number,
  horizon: number,
  y0: number,
): string {
  if (days > horizon) return '';
  const x = xOf(days, horizon).toFixed(1);
  const color = level === 'critical' ? chartColors.critical : chartColors.warning;
  return `<line class="threshold threshold-${kind}-${level}" data-days="${days}" x1="${x}" x2="${x}" y1="${y0 + 2}" y2="${y0 + ROW_H - 2}" stroke="${color}" stroke-width="2" stroke-dasharray="3 2"/>`;
}

function lane(row: ChartRow, y0: number, horizon: number, first: boolean): string {
  const parts: string[] = [];
  const mid = y0 + ROW_H / 2;
  const kindLabel = row.kind === 'ca' ? 'CA' : 'leaf';
  if (first) {
    // Longer names would run into the lane labels; the text version has them whole.
    const name = row.cluster.length > 11 ? `${row.cluster.slice(0, 10)}…` : row.cluster;
    parts.push(
      `<text class="cluster" x="6" y="${mid + 4}" ${FONT} font-size="12" font-weight="bold" fill="${chartColors.text}">${escapeXml(name)}</text>`,
    );
  }
  parts.push(
    `<text x="${LABEL_W - 6}" y="${mid + 4}" ${FONT} font-size="11" text-anchor="end" fill="${chartColors.muted}">${kindLabel}</text>`,
  );
  parts.push(
    `<line x1="${PLOT_X0}" x2="${PLOT_X1}" y1="${mid}" y2="${mid}" stroke="${chartColors.grid}" stroke-width="1"/>`,
  );
  parts.push(threshold(row.kind, 'warning', row.warningDays, horizon, y0));
  parts.push(threshold(row.kind, 'critical', row.criticalDays, horizon, y0));
  // Worst last, so it is drawn on top of the others at the same spot.
  const order: Severity[] = ['ok', 'unknown', 'warning', 'critical'];
  const byWorst = [...row.shown].sort(
    (a, b) => order.indexOf(a.certificate.severity) - order.indexOf(b.certificate.severity),
  );
  for (const p of byWorst) parts.push(marker(p, Number(xOf(p.days, horizon).toFixed(1)), mid, row.kind));
  if (row.later > 0) {
    parts.push(
      `<text class="later" x="${PLOT_X1 + 8}" y="${mid + 4}" ${FONT} font-size="11" fill="${chartColors.muted}">+${row.later} later</text>`,
    );
  }
  return parts.join('');
}

function axis(y: number, data: ExpiryChartData): string {
  const h = data.horizonDays;
  const parts = [
    `<line x1="${PLOT_X0}" x2="${PLOT_X1}" y1="${y}" y2="${y}" stroke="${chartColors.muted}" stroke-width="1"/>`,
  ];
  const step = h <= 30 ? 5 : h <= 120 ? 15 : 30;
  for (let d = 0; d <= h; d += step) {
    const x = xOf(d, h).toFixed(1);
    const date = new Date(data.now.getTime() + d * 86_400_000).toISOString().slice(5, 10);
    parts.push(`<line x1="${x}" x2="${x}" y1="${y}" y2="${y + 4}" stroke="${chartColors.muted}"/>`);
    parts.push(
      `<text x="${x}" y="${y + 16}" ${FONT} font-size="10" text-anchor="middle" fill="${chartColors.muted}">${d === 0 ? 'today' : date}</text>`,
    );
  }
  parts.push(
    `<text x="${PLOT_X1}" y="${y + 29}" ${FONT} font-size="10" text-anchor="end" fill="${chartColors.muted}">days from ${data.now.toISOString().slice(0, 10)} (UTC)</text>`,
  );
  return parts.join('');
}

function legend(data: ExpiryChartData): string {
  const t = data.thresholds;
  const y = 38;
  return [
    `<path class="legend-ca" d="M12 ${y - 6}L18 ${y}L12 ${y + 6}L6 ${y}Z" fill="${chartColors.muted}"/>`,
    `<text x="22" y="${y + 4}" ${FONT} font-size="11" fill="${chartColors.text}">CA</text>`,
    `<circle class="legend-leaf" cx="52" cy="${y}" r="5" fill="${chartColors.muted}"/>`,
    `<text x="60" y="${y + 4}" ${FONT} font-size="11" fill="${chartColors.text}">leaf</text>`,
    `<line x1="96" x2="96" y1="${y - 7}" y2="${y + 7}" stroke="${chartColors.warning}" stroke-width="2" stroke-dasharray="3 2"/>`,
    `<text x="102" y="${y + 4}" ${FONT} font-size="11" fill="${chartColors.text}">warning</text>`,
    `<line x1="156" x2="156" y1="${y - 7}" y2="${y + 7}" stroke="${chartColors.critical}" stroke-width="2" stroke-dasharray="3 2"/>`,
    `<text x="162" y="${y + 4}" ${FONT} font-size="11" fill="${chartColors.text}">critical</text>`,
    `<text class="thresholds" x="${W - 8}" y="${y + 4}" ${FONT} font-size="10" text-anchor="end" fill="${chartColors.muted}">leaf ${t.warningDays}/${t.criticalDays} d · CA ${t.caWarningDays}/${t.caCriticalDays} d</text>`,
  ].join('');
}

/**
 * The expiry timeline as SVG, pure (the PNG is made from it in render-png.ts): per cluster a CA
 * lane and a leaf lane, today on the left, the horizon on the right, expired certificates in their
 * own column, each lane's warning and critical thresholds as dashed lines, markers coloured by
 * severity and shaped by kind, and a count of what expires later. At most `maxChartClusters`
 * clusters are drawn; the caller's text version names them all.
 */
export function buildExpiryChart(data: ExpiryChartData): ExpiryChartSvg {
  const drawn = { ...data, clusters: data.clusters.slice(0, maxChartClusters) };
  const rows = chartRows(drawn);
  const parts: string[] = [];
  let y = TOP;
  rows.forEach((row, i) => {
    const first = i % 2 === 0;
    if (first && i > 0) y += CLUSTER_GAP;
    parts.push(lane(row, y, data.horizonDays, first));
    y += ROW_H;
  });
  if (rows.length === 0) {
    parts.push(
      `<text x="${W / 2}" y="${y + 16}" ${FONT} font-size="12" text-anchor="middle" fill="${chartColors.muted}">no certificate results yet</text>`,
    );
    y += ROW_H;
  }
  const expiredBand = [
    `<rect class="expired-band" x="${LABEL_W}" y="${TOP - 4}" width="${EXPIRED_W + 4}" height="${y - TOP + 8}" fill="${chartColors.band}"/>`,
    `<text x="${LABEL_W + EXPIRED_W / 2 + 2}" y="${TOP - 7}" ${FONT} font-size="9" text-anchor="middle" fill="${chartColors.critical}">expired</text>`,
  ].join('');
  const axisY = y + 6;
  const height = axisY + AXIS_H;
  const more = data.clusters.length - drawn.clusters.length;
  const title = `Certificate expiries, next ${data.horizonDays} days${more > 0 ? ` (${drawn.clusters.length} of ${data.clusters.length} clusters)` : ''}`;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${W}" height="${height}" fill="${chartColors.background}"/>`,
    `<text x="6" y="18" ${FONT} font-size="14" font-weight="bold" fill="${chartColors.text}">${escapeXml(title)}</text>`,
    legend(data),
    expiredBand,
    ...parts,
    axis(axisY, data),
    '</svg>',
  ].join('');
  return { svg, width: W, height };
}

import { buildExpiryChart, maxChartClusters } from '../src/chart/build-expiry-chart.js';
import type { ChartCertificate, ExpiryChartData } from '../src/chart/expiry-chart-data.js';
import { expiryChartText } from '../src/chart/expiry-chart-text.js';
import { renderPng } from '../src/chart/render-png.js';
import type { CommandRequest, ReplyMessage } from '../src/chat/chat-message.js';
import type { CheckSnapshot } from '../src/alerts/snapshot-store.js';
import { buildReply, type ReplySection } from './build-reply.js';
import { certificateRuns, certificateSnapshots } from './certificate-snapshots.js';
import { commandHint } from './command-hint.js';
import type { HandlerDeps } from './handler-deps.js';
import { snapshotFooter, snapshotNotes } from './load-snapshots.js';
import type { ParsedCommand } from './parse-command.js';
import type { ClusterSelection } from './select-clusters.js';

/** The timeline's default span: a quarter, which covers the CA warning threshold's default (90 d). */
export const chartHorizonDays = 90;
const MAX_HORIZON_DAYS = 365;

/** What the chart draws of a snapshot's findings: every certificate with a readable notAfter. */
function chartCertificatesOf(snapshot: CheckSnapshot): ChartCertificate[] {
  return snapshot.findings.flatMap((f): ChartCertificate[] => {
    const iso = f.certificate?.notAfter ?? f.notAfter;
    const notAfter = iso === undefined ? undefined : new Date(iso);
    if (!notAfter || Number.isNaN(notAfter.getTime())) return [];
    const subject = f.certificate?.subject;
    return [
      {
        label: subject ? `${f.object} · ${subject}` : f.object,
        notAfter,
        isCa: f.certificate?.isCa ?? false,
        severity: f.severity,
      },
    ];
  });
}

/**
 * `/k8s certs [cluster] --chart [--expiring DAYS]`: the next 90 days (or DAYS) of expiries per
 * cluster as a picture, CA and leaf lanes with the configured thresholds, and the same data as text
 * in the reply, so nothing is said only in the picture. Public like the listing: it shows what the
 * listing would show in this channel, no more.
 */
export async function certsChart(
  cmd: ParsedCommand,
  request: Pick<CommandRequest, 'platform'>,
  selection: Extract<ClusterSelection, { ok: true }>,
  deps: HandlerDeps,
): Promise<ReplyMessage> {
  if (cmd.flags.page !== undefined) {
    return buildReply({ title: '--chart is one picture: leave out --page' });
  }
  const horizon = cmd.flags.expiring ?? chartHorizonDays;
  if (horizon < 1 || horizon > MAX_HORIZON_DAYS) {
    return buildReply({
      title: `--chart draws 1 to ${MAX_HORIZON_DAYS} days ahead; --expiring ${horizon} is outside that`,
    });
  }
  const now = deps.now();
  const loaded = await certificateSnapshots(deps.snapshots, selection.clusters);
  const byCluster = new Map<string, ChartCertificate[]>();
  for (const s of await certificateRuns(deps.snapshots, loaded.present)) {
    byCluster.set(s.cluster, [...(byCluster.get(s.cluster) ?? []), ...chartCertificatesOf(s)]);
  }
  const { warningDays, criticalDays, caWarningDays, caCriticalDays } = deps.config.certificates;
  const data: ExpiryChartData = {
    now,
    horizonDays: horizon,
    thresholds: { warningDays, criticalDays, caWarningDays, caCriticalDays },
    clusters: selection.clusters
      .filter((c) => byCluster.has(c))
      .map((name) => ({ name, certificates: byCluster.get(name) ?? [] })),
  };
  const where =
    selection.clusters.length === 1 ? `on ${selection.clusters[0]}` : 'on the clusters visible here';
  if (data.clusters.length === 0) {
    return buildReply({
      title: `No certificate results yet ${where}`,
      private: false,
      sections: snapshotNotes(loaded, 'certificates', request.platform),
    });
  }
  const text = expiryChartText(data);
  const chart = buildExpiryChart(data);
  const png = await renderPng(chart.svg);
  const sections: ReplySection[] = text.lanes.map((lane) => ({ heading: lane.heading, lines: lane.lines }));
  if (data.clusters.length > maxChartClusters) {
    sections.push({
      lines: [
        `The picture shows the first ${maxChartClusters} of ${data.clusters.length} clusters; ask for one with ${commandHint(request.platform, 'certs', 'CLUSTER', '--chart')}.`,
      ],
    });
  }
  sections.push(...snapshotNotes(loaded, 'certificates', request.platform));
  if (selection.hidden.length > 0) {
    sections.push({ lines: [`Not shown in this channel: ${selection.hidden.join(', ')} (restricted).`] });
  }
  const footer = snapshotFooter(loaded.present, now);
  const title = `Certificate expiries ${where}, next ${horizon} days`;
  const name = selection.clusters.length === 1 ? selection.clusters[0] : 'clusters';
  return buildReply({
    title,
    private: false,
    sections: sections.filter((s) => s.lines.length > 0),
    ...(footer ? { footer } : {}),
    image: {
      png: png.png,
      width: png.width,
      height: png.height,
      alt: text.alt,
      title,
      filename: `vigil-certs-${name}-${now.toISOString().slice(0, 10)}.png`.replace(/[^A-Za-z0-9._-]/g, '-'),
    },
  });
}

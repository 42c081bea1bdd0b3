import type { ReplyMessage } from '../src/chat/chat-message.js';
import type { Finding } from '../src/domain/finding.js';
import { compareSeverity } from '../src/domain/severity.js';
import { compactDuration } from '../src/time/compact-duration.js';
import { DAY_MS } from '../src/time/time-units.js';
import { utcMinute } from '../src/time/utc-minute.js';
import { buildReply, type ReplySection } from './build-reply.js';
import { commandHint } from './command-hint.js';
import type { CommandRequest } from '../src/chat/chat-message.js';
import type { HandlerDeps } from './handler-deps.js';
import { certificateSnapshots } from './certificate-snapshots.js';
import { certsChart } from './certs-chart.js';
import { snapshotFooter, snapshotNotes } from './load-snapshots.js';
import { moreLine, pageSuffix, paginate } from './paginate.js';
import type { ParsedCommand } from './parse-command.js';
import { selectClusters } from './select-clusters.js';

interface Row {
  finding: Finding;
  notAfter?: number;
}

function notAfterOf(f: Finding): number | undefined {
  const iso = f.certificate?.notAfter ?? f.notAfter;
  const ms = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Whole days left as of now (floor, like `daysLeft`), not as of the run, so an old snapshot still reads true. */
function daysLeft(notAfter: number, now: Date): number {
  return Math.floor((notAfter - now.getTime()) / DAY_MS);
}

/** Soonest first; undated problems (unparsable data) after the dated ones; worst first on ties. */
function compareRows(a: Row, b: Row): number {
  const byDate = (a.notAfter ?? Infinity) - (b.notAfter ?? Infinity);
  if (byDate !== 0 && !Number.isNaN(byDate)) return byDate;
  return (
    compareSeverity(b.finding.severity, a.finding.severity) ||
    a.finding.cluster.localeCompare(b.finding.cluster) ||
    a.finding.object.localeCompare(b.finding.object)
  );
}

function whenText(row: Row, now: Date): string {
  const c = row.finding.certificate;
  if (c?.expiry === 'not-yet-valid') return `not valid before ${utcMinute(c.notBefore)}`;
  if (row.notAfter === undefined) return '';
  const ms = row.notAfter - now.getTime();
  const date = new Date(row.notAfter).toISOString().slice(0, 10);
  if (ms < 0) {
    const days = Math.floor(-ms / DAY_MS);
    return `expired ${days >= 1 ? `${days} ${days === 1 ? 'day' : 'days'}` : compactDuration(-ms)} ago (${date})`;
  }
  if (ms < DAY_MS) return `expires in ${compactDuration(ms)} (${date})`;
  const days = daysLeft(row.notAfter, now);
  return `${days} ${days === 1 ? 'day' : 'days'} left (${date})`;
}

function rowLine(row: Row, now: Date, manyClusters: boolean): string {
  const f = row.finding;
  const c = f.certificate;
  const parts = [
    ...(manyClusters ? [f.cluster] : []),
    f.severity,
    ...(row.notAfter !== undefined || c
      ? [whenText(row, now), f.object, ...(c ? [c.isCa ? `${c.subject} (CA)` : c.subject] : [])]
      : [f.summary]),
  ];
  return parts.filter((p) => p !== '').join(' · ');
}

function countsText(rows: readonly Row[]): string {
  const expired = rows.filter((r) => r.finding.certificate?.expiry === 'expired').length;
  const counts = { expired, critical: 0, warning: 0, unknown: 0 } as Record<string, number>;
  for (const r of rows) {
    if (r.finding.certificate?.expiry === 'expired' || r.finding.severity === 'ok') continue;
    counts[r.finding.severity] = (counts[r.finding.severity] ?? 0) + 1;
  }
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

/**
 * `/k8s certs [cluster] [--expiring DAYS] [--page N] [--chart]`: from the latest stored run,
 * soonest first; `--chart` answers with the expiry timeline instead (certs-chart.ts).
 */
export async function certsCommand(
  cmd: ParsedCommand,
  request: CommandRequest,
  deps: HandlerDeps,
): Promise<ReplyMessage> {
  const selection = await selectClusters('certs', cmd.args[0], request, deps);
  if (!selection.ok) return selection.reply;
  if (cmd.flags.chart) return certsChart(cmd, request, selection, deps);
  const now = deps.now();
  const loaded = await certificateSnapshots(deps.snapshots, selection.clusters);
  const expiring = cmd.flags.expiring;
  const all: Row[] = loaded.present.flatMap((s) =>
    s.findings.map((finding) => ({
      finding,
      ...(notAfterOf(finding) !== undefined ? { notAfter: notAfterOf(finding) } : {}),
    })),
  );
  const rows = all
    .filter((r) =>
      expiring === undefined
        ? r.finding.severity !== 'ok'
        : r.notAfter !== undefined && daysLeft(r.notAfter, now) <= expiring,
    )
    .sort(compareRows);

  const page = paginate(rows, cmd.flags.page ?? 1);
  if (!page.ok) return buildReply({ title: `No such page: ${page.problem}` });

  const where =
    selection.clusters.length === 1 ? `on ${selection.clusters[0]}` : 'on the clusters visible here';
  // No run yet is not "nothing needs attention": silence must never read as safety.
  const title =
    loaded.present.length === 0
      ? `No certificate results yet ${where}`
      : rows.length === 0
        ? expiring === undefined
          ? `No certificate ${where} needs attention`
          : `No certificate ${where} expires within ${expiring} days`
        : expiring === undefined
          ? `Certificates needing attention ${where}: ${countsText(rows)}`
          : `Certificates ${where} expiring within ${expiring} days: ${rows.length}`;

  const lines = page.items.map((r) => rowLine(r, now, selection.clusters.length > 1));
  if (page.remaining > 0) {
    const flags = [
      ...(expiring !== undefined ? ['--expiring', String(expiring)] : []),
      '--page',
      String(page.page + 1),
    ];
    lines.push(
      moreLine(page.remaining, commandHint(request.platform, 'certs', cmd.args[0]?.toLowerCase(), ...flags)),
    );
  }
  if (rows.length === 0 && loaded.present.length > 0)
    lines.push(quietLine(all, now, selection.clusters.length > 1));

  const sections: ReplySection[] = [{ lines }];
  if (page.page === 1) sections.push(...snapshotNotes(loaded, 'certificates', request.platform));
  if (selection.hidden.length > 0 && page.page === 1) {
    sections.push({ lines: [`Not shown in this channel: ${selection.hidden.join(', ')} (restricted).`] });
  }
  const footer = snapshotFooter(loaded.present, now);
  return buildReply({
    title: title + pageSuffix(page.page, page.pages),
    private: false,
    sections: sections.filter((s) => s.lines.length > 0),
    ...(footer ? { footer } : {}),
  });
}

/** When nothing needs attention: how many were checked and which one expires next. */
function quietLine(all: readonly Row[], now: Date, manyClusters: boolean): string {
  const dated = all.filter((r) => r.notAfter !== undefined).sort(compareRows);
  const next = dated.find((r) => (r.notAfter ?? 0) > now.getTime());
  const checked = `${all.length} ${all.length === 1 ? 'certificate' : 'certificates'} checked`;
  return next ? `${checked}; the next to expire: ${rowLine(next, now, manyClusters)}` : `${checked}.`;
}

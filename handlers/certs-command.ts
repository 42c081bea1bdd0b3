import type { ReplyMessage } from '../src/chat/chat-message.js';
import { notAfterOf, soonestFirst } from '../src/alerts/index-snapshot.js';
import type { ListedFinding, ListingRange, RunSummary } from '../src/alerts/snapshot-index.js';
import { compactDuration } from '../src/time/compact-duration.js';
import { DAY_MS } from '../src/time/time-units.js';
import { utcMinute } from '../src/time/utc-minute.js';
import { buildReply, type ReplySection } from './build-reply.js';
import { commandHint } from './command-hint.js';
import type { CommandRequest } from '../src/chat/chat-message.js';
import type { HandlerDeps } from './handler-deps.js';
import { certificateSnapshots } from './certificate-snapshots.js';
import { certsChart } from './certs-chart.js';
import { listingPage } from './listing-page.js';
import { snapshotFooter, snapshotNotes } from './load-snapshots.js';
import { moreLine, pageSuffix } from './paginate.js';
import type { ParsedCommand } from './parse-command.js';
import { selectClusters } from './select-clusters.js';

interface Row {
  finding: ListedFinding;
  notAfter?: number;
}

function rowOf(finding: ListedFinding): Row {
  const notAfter = notAfterOf(finding);
  return notAfter !== undefined ? { finding, notAfter } : { finding };
}

/** Whole days left as of now (floor, like `daysLeft`), not as of the run, so an old snapshot still reads true. */
function daysLeft(notAfter: number, now: Date): number {
  return Math.floor((notAfter - now.getTime()) / DAY_MS);
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

function countsText(runs: readonly RunSummary[]): string {
  const counts = { expired: 0, critical: 0, warning: 0, unknown: 0 } as Record<string, number>;
  for (const r of runs) for (const [k, n] of Object.entries(r.problems)) counts[k] = (counts[k] ?? 0) + n;
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
  // `daysLeft(notAfter, now) <= expiring` is `notAfter < now + (expiring + 1) days`: a range of the
  // stored `dated` list, so only the page is read (ok certificates included, as --expiring lists them).
  const range: ListingRange =
    expiring === undefined
      ? { order: 'soonest-first' }
      : { order: 'dated', before: now.getTime() + (expiring + 1) * DAY_MS };
  const page = await listingPage(deps.snapshots, loaded.present, range, soonestFirst, cmd.flags.page ?? 1);
  if (!page.ok) return buildReply({ title: `No such page: ${page.problem}` });
  const rows = page.items.map(rowOf);
  const count = page.total;

  const where =
    selection.clusters.length === 1 ? `on ${selection.clusters[0]}` : 'on the clusters visible here';
  // No run yet is not "nothing needs attention": silence must never read as safety.
  const title =
    loaded.present.length === 0
      ? `No certificate results yet ${where}`
      : count === 0
        ? expiring === undefined
          ? `No certificate ${where} needs attention`
          : `No certificate ${where} expires within ${expiring} days`
        : expiring === undefined
          ? `Certificates needing attention ${where}: ${countsText(loaded.present)}`
          : `Certificates ${where} expiring within ${expiring} days: ${count}`;

  const lines = rows.map((r) => rowLine(r, now, selection.clusters.length > 1));
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
  if (count === 0 && loaded.present.length > 0)
    lines.push(await quietLine(deps.snapshots, loaded.present, now, selection.clusters.length > 1));

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
async function quietLine(
  index: HandlerDeps['snapshots'],
  runs: readonly RunSummary[],
  now: Date,
  manyClusters: boolean,
): Promise<string> {
  const total = runs.reduce((n, r) => n + r.total, 0);
  const checked = `${total} ${total === 1 ? 'certificate' : 'certificates'} checked`;
  const next = await listingPage(index, runs, { order: 'dated', after: now.getTime() }, soonestFirst, 1);
  const first = next.ok ? next.items[0] : undefined;
  return first
    ? `${checked}; the next to expire: ${rowLine(rowOf(first), now, manyClusters)}`
    : `${checked}.`;
}

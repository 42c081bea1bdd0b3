import type { ReplyMessage } from '../src/chat/chat-message.js';
import type { OpenAlertPage } from '../src/alerts/open-alert-index.js';
import { mutingFor } from '../src/alerts/mute.js';
import { utcMinute } from '../src/time/utc-minute.js';
import { buildReply, type ReplySection } from './build-reply.js';
import { commandHint } from './command-hint.js';
import type { CommandRequest } from '../src/chat/chat-message.js';
import { alertLine } from './describe-alert.js';
import type { HandlerDeps } from './handler-deps.js';
import { moreLine, PAGE_SIZE, pageBounds, pageSuffix } from './paginate.js';
import type { ParsedCommand } from './parse-command.js';
import { selectClusters } from './select-clusters.js';

function severityCounts(counts: OpenAlertPage['bySeverity']): string {
  return (['critical', 'unknown', 'warning'] as const)
    .filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(', ');
}

/** `/k8s alerts [cluster]`: open alerts from the alert store (live state), worst first, with ids to ack. */
export async function alertsCommand(
  cmd: ParsedCommand,
  request: CommandRequest,
  deps: HandlerDeps,
): Promise<ReplyMessage> {
  const selection = await selectClusters('alerts', cmd.args[0], request, deps);
  if (!selection.ok) return selection.reply;
  const now = deps.now();
  const asked = cmd.flags.page ?? 1;
  const open = await deps.alerts.pageOpen(selection.clusters, (asked - 1) * PAGE_SIZE, PAGE_SIZE);
  const bounds = pageBounds(open.total, asked);
  if (!bounds.ok) return buildReply({ title: `No such page: ${bounds.problem}` });
  const page = { ...bounds, items: open.alerts, remaining: open.total - bounds.start - open.alerts.length };

  const where =
    selection.clusters.length === 1 ? `on ${selection.clusters[0]}` : 'on the clusters visible here';
  // A muted alert is listed like any other, saying what holds its notifications and until when.
  const mutes = await deps.mutes.active(now);
  const lines = page.items.map((a) => {
    const muting = mutingFor(a, now, deps.config.maintenance, mutes);
    return muting
      ? `${alertLine(a, now)} · muted by ${muting.label} until ${utcMinute(muting.until)}`
      : alertLine(a, now);
  });
  if (page.remaining > 0) {
    const next = commandHint(
      request.platform,
      'alerts',
      cmd.args[0]?.toLowerCase(),
      '--page',
      String(page.page + 1),
    );
    lines.push(moreLine(page.remaining, next));
  }
  const sections: ReplySection[] = [{ lines }];
  if (selection.hidden.length > 0 && page.page === 1) {
    sections.push({ lines: [`Not shown in this channel: ${selection.hidden.join(', ')} (restricted).`] });
  }
  const title =
    open.total > 0
      ? `Open alerts ${where}: ${open.total} (${severityCounts(open.bySeverity)})`
      : `No open alerts ${where}`;
  return buildReply({
    title: title + pageSuffix(page.page, page.pages),
    private: false,
    sections: sections.filter((s) => s.lines.length > 0),
    footer: `live alert state at ${utcMinute(now)}; ${commandHint(request.platform, 'ack ID [note]')} acknowledges one`,
  });
}

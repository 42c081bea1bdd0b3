import type { ReplyMessage } from '../src/chat/chat-message.js';
import { mutingFor } from '../src/alerts/mute.js';
import type { Alert } from '../src/domain/alert.js';
import { utcMinute } from '../src/time/utc-minute.js';
import { buildReply, type ReplySection } from './build-reply.js';
import { commandHint } from './command-hint.js';
import type { CommandRequest } from '../src/chat/chat-message.js';
import { alertLine } from './describe-alert.js';
import type { HandlerDeps } from './handler-deps.js';
import { moreLine, pageSuffix, paginate } from './paginate.js';
import type { ParsedCommand } from './parse-command.js';
import { selectClusters } from './select-clusters.js';

function severityCounts(alerts: readonly Alert[]): string {
  const counts = new Map<string, number>();
  for (const a of alerts) counts.set(a.severity, (counts.get(a.severity) ?? 0) + 1);
  return ['critical', 'unknown', 'warning']
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`)
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
  const visible = new Set(selection.clusters);
  const open =
    selection.clusters.length === 1
      ? await deps.alerts.listOpen({ cluster: selection.clusters[0] ?? '' })
      : (await deps.alerts.listOpen()).filter((a) => visible.has(a.cluster));
  const page = paginate(open, cmd.flags.page ?? 1);
  if (!page.ok) return buildReply({ title: `No such page: ${page.problem}` });

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
    open.length > 0
      ? `Open alerts ${where}: ${open.length} (${severityCounts(open)})`
      : `No open alerts ${where}`;
  return buildReply({
    title: title + pageSuffix(page.page, page.pages),
    private: false,
    sections: sections.filter((s) => s.lines.length > 0),
    footer: `live alert state at ${utcMinute(now)}; ${commandHint(request.platform, 'ack ID [note]')} acknowledges one`,
  });
}

import type { ReplyMessage } from '../src/chat/chat-message.js';
import type { AuditEntry } from '../src/domain/alert.js';
import { utcMinute } from '../src/time/utc-minute.js';
import { buildReply } from './build-reply.js';
import { echo } from '../src/chat/clean-text.js';
import { commandHint } from './command-hint.js';
import type { CommandRequest } from '../src/chat/chat-message.js';
import { alertStatus } from './describe-alert.js';
import type { HandlerDeps } from './handler-deps.js';
import { moreLine, pageSuffix, paginate } from './paginate.js';
import type { ParsedCommand } from './parse-command.js';
import { mayQuery } from './permissions.js';
import { refuse } from './refuse.js';

/** Entries read per alert: enough for a long-running incident, bounded so one reply stays cheap. */
export const HISTORY_LIMIT = 200;

function entryLine(e: AuditEntry): string {
  const actor = e.actor.kind === 'system' ? 'vigil' : (e.actor.name ?? e.actor.id);
  const from = e.actor.kind === 'system' ? '' : ` via ${e.origin}`;
  return [utcMinute(e.at), e.action, `${actor}${from}`, ...(e.detail ? [e.detail] : [])].join(' · ');
}

/** `/k8s history ID`: the audit log of one alert, newest first, refusals included. */
export async function historyCommand(
  cmd: ParsedCommand,
  request: CommandRequest,
  deps: HandlerDeps,
): Promise<ReplyMessage> {
  const raw = cmd.args[0] ?? '';
  const id = raw.trim().toLowerCase();
  if (!/^[a-z0-9_-]{1,64}$/.test(id)) {
    return buildReply({
      title: `${echo(raw)} is not an alert id`,
      sections: [{ lines: [`${commandHint(request.platform, 'alerts')} lists alert ids.`] }],
    });
  }
  const [alert, entries] = await Promise.all([
    deps.alerts.get(id),
    deps.audit.read({ alertId: id, limit: HISTORY_LIMIT }),
  ]);
  if (!alert && entries.length === 0) {
    return buildReply({
      title: `No alert ${id}`,
      sections: [{ lines: [`${commandHint(request.platform, 'alerts')} lists open alerts with their ids.`] }],
    });
  }
  const cluster = alert?.cluster ?? entries.find((e) => e.cluster)?.cluster;
  if (cluster) {
    const decision = mayQuery(deps.config.permissions, cluster, request);
    if (!decision.allowed) {
      return refuse(deps, request, {
        action: 'history',
        what: `history of ${id} in this channel`,
        cluster,
        alertId: id,
        ...decision,
      });
    }
  }
  const shown = entries;
  const page = paginate(shown, cmd.flags.page ?? 1);
  if (!page.ok) return buildReply({ title: `No such page: ${page.problem}` });
  const lines = page.items.map(entryLine);
  if (page.remaining > 0)
    lines.push(
      moreLine(page.remaining, commandHint(request.platform, 'history', id, '--page', String(page.page + 1))),
    );
  if (shown.length === 0) lines.push('No entries yet.');
  const now = deps.now();
  const head = alert
    ? `${alert.severity} · ${alert.cluster} · ${alertStatus(alert, now)} · ${alert.finding.summary}`
    : undefined;
  return buildReply({
    title: `History of ${id}${pageSuffix(page.page, page.pages)}`,
    private: false,
    sections: [...(head ? [{ lines: [head] }] : []), { heading: 'Newest first', lines }],
    footer:
      entries.length >= HISTORY_LIMIT
        ? `the latest ${HISTORY_LIMIT} entries; older ones are not shown`
        : `as of ${utcMinute(now)}`,
  });
}

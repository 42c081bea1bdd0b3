import type { ReplyMessage } from '../src/chat/chat-message.js';
import { allChecks } from '../src/checks/index.js';
import type { OpenAlertPage } from '../src/alerts/open-alert-index.js';
import { buildReply } from './build-reply.js';
import type { CommandRequest } from '../src/chat/chat-message.js';
import { ago } from '../src/time/ago.js';
import { utcMinute } from '../src/time/utc-minute.js';
import type { HandlerDeps } from './handler-deps.js';
import type { ParsedCommand } from './parse-command.js';
import { mayQuery } from './permissions.js';

function alertsText(open: OpenAlertPage['bySeverity'] | undefined): string {
  const total = open ? open.critical + open.unknown + open.warning : 0;
  if (!open || total === 0) return 'no open alerts';
  const critical = open.critical;
  return `${total} open ${total === 1 ? 'alert' : 'alerts'}${critical ? ` (${critical} critical)` : ''}`;
}

/** `/k8s clusters`: what vigil watches, when each check last finished, and open alerts. */
export async function clustersCommand(
  _cmd: ParsedCommand,
  request: CommandRequest,
  deps: HandlerDeps,
): Promise<ReplyMessage> {
  const now = deps.now();
  const names = deps.config.clusters.map((c) => c.name);
  const [runs, open] = await Promise.all([deps.snapshots.lastRuns(), deps.alerts.countOpen(names)]);
  const lastRun = new Map(runs.map((r) => [`${r.cluster}/${r.check}`, r.at]));
  const lines = deps.config.clusters.map(({ name }, i) => {
    // Restricted clusters are named (the name is no secret) but say nothing about their state.
    if (!mayQuery(deps.config.permissions, name, request).allowed)
      return `${name} · restricted to its own channels`;
    const checked = allChecks.map((check) => {
      const at = lastRun.get(`${name}/${check.name}`);
      return `${check.name} ${at ? ago(at, now) : 'not run yet'}`;
    });
    return [name, checked.join(', '), alertsText(open[i])].join(' · ');
  });
  return buildReply({
    title: `Clusters watched: ${deps.config.clusters.length}`,
    private: false,
    sections: [{ lines }],
    footer: `as of ${utcMinute(now)}`,
  });
}

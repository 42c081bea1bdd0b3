import type { ReplyMessage } from '../src/chat/chat-message.js';
import { allChecks } from '../src/checks/index.js';
import type { Alert } from '../src/domain/alert.js';
import { buildReply } from './build-reply.js';
import type { CommandRequest } from '../src/chat/chat-message.js';
import { ago } from '../src/time/ago.js';
import { utcMinute } from '../src/time/utc-minute.js';
import type { HandlerDeps } from './handler-deps.js';
import type { ParsedCommand } from './parse-command.js';
import { mayQuery } from './permissions.js';

function alertsText(open: readonly Alert[]): string {
  if (open.length === 0) return 'no open alerts';
  const critical = open.filter((a) => a.severity === 'critical').length;
  return `${open.length} open ${open.length === 1 ? 'alert' : 'alerts'}${critical ? ` (${critical} critical)` : ''}`;
}

/** `/k8s clusters`: what vigil watches, when each check last finished, and open alerts. */
export async function clustersCommand(
  _cmd: ParsedCommand,
  request: CommandRequest,
  deps: HandlerDeps,
): Promise<ReplyMessage> {
  const now = deps.now();
  const [runs, open] = await Promise.all([deps.snapshots.lastRuns(), deps.alerts.listOpen()]);
  const lines = deps.config.clusters.map(({ name }) => {
    // Restricted clusters are named (the name is no secret) but say nothing about their state.
    if (!mayQuery(deps.config.permissions, name, request).allowed)
      return `${name} · restricted to its own channels`;
    const checked = allChecks.map((check) => {
      const at = runs.find((r) => r.cluster === name && r.check === check.name)?.at;
      return `${check.name} ${at ? ago(at, now) : 'not run yet'}`;
    });
    return [name, checked.join(', '), alertsText(open.filter((a) => a.cluster === name))].join(' · ');
  });
  return buildReply({
    title: `Clusters watched: ${deps.config.clusters.length}`,
    private: false,
    sections: [{ lines }],
    footer: `as of ${utcMinute(now)}`,
  });
}

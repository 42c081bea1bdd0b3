import type { Alert } from '../domain/alert.js';
import { compareSeverity, worstSeverity } from '../domain/severity.js';
import { utcMinute } from '../time/utc-minute.js';
import type { AlertMessage } from './chat-message.js';
import type { MessageGroup } from './group-state.js';

/** Members named one per line; the rest are counted. Slack's budgets (block-kit-limits.ts) cut after. */
export const namedMembers = 10;
const lineMax = 180;

/**
 * The neutral message of a group (src/alerts/alert-grouping.ts): one summary for many alerts,
 * rendered by every platform like an alert (ARCHITECTURE.md house rule 4), always rebuilt from the
 * members' current state. Open members come first, worst first, each with its id: `/k8s ack ID`
 * acts on one member; the group itself has no buttons, as acknowledging 200 alerts at once by
 * accident is worse than typing one id.
 */
export function buildGroupMessage(
  group: MessageGroup,
  members: readonly Alert[],
  commandPrefix: string,
): AlertMessage {
  const open = members.filter((a) => a.state !== 'resolved');
  const resolved = members.length - open.length;
  const shown = [...open].sort(
    (a, b) =>
      compareSeverity(b.severity, a.severity) ||
      a.openedAt.localeCompare(b.openedAt) ||
      a.id.localeCompare(b.id),
  );
  const counts = (['critical', 'unknown', 'warning'] as const)
    .map((s) => [s, open.filter((a) => a.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const first = members[0];
  const cluster =
    group.labels['cluster'] ??
    (new Set(members.map((a) => a.cluster)).size === 1 ? first?.cluster : undefined);
  const where = [
    cluster !== undefined ? `on ${cluster}` : 'on several clusters',
    ...(group.labels['check'] ? [`(${group.labels['check']})`] : []),
  ].join(' ');
  const title =
    open.length > 0
      ? `${open.length} open alert${open.length === 1 ? '' : 's'} ${where}: ${counts.join(', ')}${resolved > 0 ? `; ${resolved} resolved` : ''}`
      : `All ${members.length} alerts ${where} resolved`;
  const lines = shown.slice(0, namedMembers).map((a) => memberLine(a));
  if (shown.length > namedMembers) lines.push(`and ${shown.length - namedMembers} more open`);
  const acked = open.filter((a) => a.state === 'acknowledged').length;
  const snoozed = open.filter((a) => a.state === 'snoozed').length;
  const hint = `${commandPrefix} alerts${cluster !== undefined ? ` ${cluster}` : ''}`;
  return {
    kind: 'alert',
    alertId: group.id,
    severity: worstSeverity((open.length > 0 ? open : members).map((a) => a.severity)),
    state:
      open.length === 0
        ? 'resolved'
        : open.every((a) => a.state === 'acknowledged')
          ? 'acknowledged'
          : 'firing',
    cluster: cluster ?? 'several',
    check: first?.check ?? 'cluster',
    title,
    object: `group of ${members.length} alert${members.length === 1 ? '' : 's'} (${group.id})`,
    since: group.openedAt,
    evidence: lines,
    blastRadius: [],
    nextStep: `\`${hint}\` lists every one; \`${commandPrefix} ack ID\` acknowledges one, \`${commandPrefix} history ID\` shows its story.`,
    status:
      open.length === 0
        ? `Resolved: all ${members.length} alerts (since ${utcMinute(group.openedAt)})`
        : `${open.length} open since ${utcMinute(group.openedAt)}${acked > 0 ? `, ${acked} acknowledged` : ''}${snoozed > 0 ? `, ${snoozed} snoozed` : ''}${resolved > 0 ? `, ${resolved} resolved` : ''}`,
    actions: [],
  };
}

function memberLine(a: Alert): string {
  const state =
    a.state === 'firing'
      ? ''
      : ` (${a.state}${a.acknowledged?.by.name ? ` by ${a.acknowledged.by.name}` : ''})`;
  const line = `${a.id} ${a.severity}${state}: ${a.finding.summary}`;
  return line.length > lineMax ? `${line.slice(0, lineMax - 1)}…` : line;
}

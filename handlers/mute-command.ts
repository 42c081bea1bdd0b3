import { activeWindows, describeScope, type Mute, type MuteScope } from '../src/alerts/mute.js';
import type { CommandRequest, ReplyMessage } from '../src/chat/chat-message.js';
import { echo } from '../src/chat/clean-text.js';
import { anyGlob } from '../src/alerts/route-alert.js';
import { compactDuration } from '../src/time/compact-duration.js';
import { utcMinute } from '../src/time/utc-minute.js';
import { buildReply } from './build-reply.js';
import { commandHint } from './command-hint.js';
import type { HandlerDeps } from './handler-deps.js';
import type { ParsedCommand } from './parse-command.js';
import { muteUsage, parseMute } from './parse-mute.js';
import { mayChangeAlert, mayQuery, type Decision, type Requester } from './permissions.js';
import { originOf, refuse } from './refuse.js';

const MUTE_ID = /^m\d{1,12}$/;

/** The configured clusters a scope covers (`all`: every one). */
function clustersOf(scope: MuteScope, deps: HandlerDeps): string[] {
  const names = deps.config.clusters.map((c) => c.name);
  return scope.clusters ? names.filter((n) => anyGlob(scope.clusters ?? [], n)) : names;
}

/**
 * Muting or unmuting is allowed when the person may mute every cluster in the scope
 * (`permissions.mute`, else `acknowledge`: handlers/permissions.ts) and, typed in a channel, that
 * channel may see each of them. A mute of `all` therefore needs the widest permission.
 */
function mayMute(
  scope: MuteScope,
  who: Requester,
  deps: HandlerDeps,
): { cluster: string; decision: Decision } | undefined {
  const perms = deps.config.permissions;
  for (const cluster of clustersOf(scope, deps)) {
    const channel = mayQuery(perms, cluster, who);
    const decision = channel.allowed ? mayChangeAlert(perms, 'mute', cluster, who) : channel;
    if (!decision.allowed) return { cluster, decision };
  }
  return undefined;
}

function scopeCluster(scope: MuteScope): { cluster?: string } {
  return scope.clusters?.length === 1 && scope.clusters[0] ? { cluster: scope.clusters[0] } : {};
}

/** `/k8s mute prod 2h upgrading [--check certs] [--severity warning]`. */
export async function muteCommand(
  cmd: ParsedCommand,
  request: CommandRequest,
  deps: HandlerDeps,
): Promise<ReplyMessage> {
  const parsed = parseMute(
    cmd.note ?? '',
    deps.config.clusters.map((c) => c.name),
  );
  if (!parsed.ok) {
    return buildReply({
      title: `Cannot mute: ${parsed.problem}`,
      sections: [{ lines: [`Usage: ${commandHint(request.platform, muteUsage)}`] }],
    });
  }
  const { scope, durationMs, reason } = parsed.mute;
  const what = `mute ${describeScope(scope)}`;
  const refused = mayMute(scope, request, deps);
  if (refused && !refused.decision.allowed) {
    return refuse(deps, request, { action: 'mute', what, cluster: refused.cluster, ...refused.decision });
  }
  const now = deps.now();
  const until = new Date(now.getTime() + durationMs);
  const mute = await deps.mutes.add({
    scope,
    by: request.user,
    at: now.toISOString(),
    until: until.toISOString(),
    ...(reason ? { reason } : {}),
    origin: originOf(request),
  });
  // Under the mute's id, so `/k8s history m3` shows who muted what and who ended it.
  await deps.audit.append({
    at: mute.at,
    actor: request.user,
    action: 'mute',
    alertId: mute.id,
    ...scopeCluster(scope),
    origin: mute.origin,
    detail: `muted ${describeScope(scope)} for ${compactDuration(durationMs)} until ${mute.until}${reason ? `: ${reason}` : ''}`,
  });
  return buildReply({
    title: `Muted ${describeScope(scope)} until ${utcMinute(mute.until)} (${compactDuration(durationMs)}) · ${mute.id}`,
    private: false,
    sections: [
      {
        lines: [
          ...(reason ? [`Reason: ${reason}`] : []),
          'Alerts keep their lifecycle but are not posted; those still firing when the mute ends are announced in one message.',
          `${commandHint(request.platform, 'unmute', mute.id)} ends it early; ${commandHint(request.platform, 'mutes')} lists mutes.`,
        ],
      },
    ],
  });
}

/** `/k8s unmute m3`: ends the mute now; what it held is announced at the next watchdog tick. */
export async function unmuteCommand(
  cmd: ParsedCommand,
  request: CommandRequest,
  deps: HandlerDeps,
): Promise<ReplyMessage> {
  const raw = cmd.args[0] ?? '';
  const id = raw.trim().toLowerCase();
  const listHint = `${commandHint(request.platform, 'mutes')} lists them.`;
  if (!MUTE_ID.test(id)) {
    return buildReply({
      title: `${echo(raw)} is not a mute id`,
      sections: [{ lines: [`Mute ids look like m3; ${listHint}`] }],
    });
  }
  const now = deps.now();
  const mute = (await deps.mutes.active(now)).find((m) => m.id === id);
  if (!mute)
    return buildReply({
      title: `No mute ${id} in force`,
      sections: [{ lines: [`It ended or never existed; ${listHint}`] }],
    });
  const refused = mayMute(mute.scope, request, deps);
  if (refused && !refused.decision.allowed) {
    return refuse(deps, request, {
      action: 'unmute',
      what: `unmute ${id}`,
      cluster: refused.cluster,
      alertId: id,
      ...refused.decision,
    });
  }
  const ended = await deps.mutes.end(id, now);
  if (!ended)
    return buildReply({
      title: `No mute ${id} in force`,
      sections: [{ lines: [`It just ended; ${listHint}`] }],
    });
  await deps.audit.append({
    at: now.toISOString(),
    actor: request.user,
    action: 'unmute',
    alertId: id,
    ...scopeCluster(mute.scope),
    origin: originOf(request),
    detail: `ended the mute of ${describeScope(mute.scope)} by ${mute.by.name ?? mute.by.id}, ${compactDuration(Date.parse(mute.until) - now.getTime())} early`,
  });
  return buildReply({
    title: `Unmuted ${describeScope(mute.scope)} (${id})`,
    private: false,
    sections: [{ lines: ['Alerts it held that are still firing are announced here within a minute.'] }],
  });
}

function muteLine(m: Mute, now: Date): string {
  const who = m.by.name ?? m.by.id;
  return [
    m.id,
    describeScope(m.scope),
    `until ${utcMinute(m.until)} (${compactDuration(Date.parse(m.until) - now.getTime())} left)`,
    `by ${who}`,
    ...(m.reason ? [m.reason] : []),
  ].join(' · ');
}

/** Whether this channel may see every cluster of the scope: a restricted cluster's mute stays in its channels. */
function visible(scope: MuteScope, who: Requester, deps: HandlerDeps): boolean {
  if (!scope.clusters) return true;
  return clustersOf(scope, deps).every((c) => mayQuery(deps.config.permissions, c, who).allowed);
}

/** `/k8s mutes`: ad-hoc mutes and the maintenance windows open now. */
export async function mutesCommand(
  _cmd: ParsedCommand,
  request: CommandRequest,
  deps: HandlerDeps,
): Promise<ReplyMessage> {
  const now = deps.now();
  const mutes = (await deps.mutes.active(now)).filter((m) => visible(m.scope, request, deps));
  const windows = activeWindows(deps.config.maintenance, now).filter((w) => visible(w.scope, request, deps));
  const sections = [
    {
      heading: 'Mutes',
      lines: mutes.length
        ? mutes.map((m) => muteLine(m, now))
        : [`None. ${commandHint(request.platform, 'mute', 'prod', '2h', 'upgrading')} adds one.`],
    },
    ...(windows.length
      ? [
          {
            heading: 'Maintenance windows open now',
            lines: windows.map(
              (w) =>
                `${w.window.name} · ${describeScope(w.scope)} · until ${utcMinute(w.active.until)} (${compactDuration(Date.parse(w.active.until) - now.getTime())} left) · from vigil.yaml`,
            ),
          },
        ]
      : []),
  ];
  return buildReply({
    title: `Mutes in force: ${mutes.length + windows.length}`,
    sections,
    footer: `as of ${utcMinute(now)}`,
  });
}

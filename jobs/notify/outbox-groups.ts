import type { AlertStore } from '../../src/alerts/alert-store.js';
import {
  decideGroups,
  groupKeyOf,
  groupLabelsOf,
  threadWorthyInGroup,
  type GroupCandidate,
  type GroupingPolicy,
} from '../../src/alerts/alert-grouping.js';
import type { GroupState } from '../../src/chat/group-state.js';
import type { Alert, ChatPlatformName, Transition } from '../../src/domain/alert.js';
import type { NotifyJobData } from './notify.js';

export interface GroupItem {
  transition: Transition;
  alert: Alert;
  platform: ChatPlatformName;
  destination: string;
}

interface PlanDeps {
  state: GroupState;
  policy: GroupingPolicy;
  alerts: Pick<AlertStore, 'get'>;
}

/** Lost races with another writer deciding the same destination's groups before giving up on grouping. */
const JOIN_ATTEMPTS = 3;

/**
 * Which of a batch's deliveries (index into `items`) go to a group message, by group id. An alert is
 * decided once per destination, when it opens (decideGroups); from then on all its transitions there
 * follow that decision, so a member never gets a message of its own and an alert that had one never
 * moves into a group. Deciding is idempotent: a batch handed over twice (a rerun, the relay) finds
 * its alerts decided and changes nothing.
 */
export async function planGroups(items: readonly GroupItem[], deps: PlanDeps): Promise<Map<number, string>> {
  const byDestination = new Map<string, number[]>();
  for (const [i, item] of items.entries()) {
    const k = `${item.platform}\u0000${item.destination}`;
    byDestination.set(k, [...(byDestination.get(k) ?? []), i]);
  }
  const out = new Map<number, string>();
  for (const indexes of byDestination.values()) {
    const first = items[indexes[0] as number] as GroupItem;
    const dest = { platform: first.platform, destination: first.destination };
    const ids = [...new Set(indexes.map((i) => (items[i] as GroupItem).alert.id))];
    let decided = await deps.state.decisions(dest, ids);
    for (let attempt = 0; attempt < JOIN_ATTEMPTS; attempt++) {
      const undecided = indexes
        .map((i) => items[i] as GroupItem)
        .filter((it) => it.transition.kind === 'opened' && !decided.has(it.alert.id));
      if (undecided.length === 0) break;
      const candidates: GroupCandidate[] = [
        ...new Map(
          undecided.map((it) => [
            it.alert.id,
            { alertId: it.alert.id, key: groupKeyOf(it.alert, deps.policy.groupBy) },
          ]),
        ).values(),
      ];
      const current = await deps.state.current(dest, [...new Set(candidates.map((c) => c.key))]);
      const openKeys = new Set<string>();
      for (const [key, group] of current) if (await anyOpen(group.members, deps.alerts)) openKeys.add(key);
      const decision = decideGroups(candidates, openKeys, deps.policy);
      await deps.state.decideAlone(dest, decision.alone);
      let lost = false;
      for (const join of decision.joins) {
        const alert = undecided.find((it) => it.alert.id === join.alertIds[0])?.alert as Alert;
        const labels = groupLabelsOf(alert, deps.policy.groupBy) as Record<string, string>;
        const at = new Date().toISOString();
        const ok = join.fresh
          ? await deps.state.join(dest, {
              ...join,
              labels,
              at,
              fresh: true,
              replaces: current.get(join.key)?.id,
            })
          : await deps.state.join(dest, {
              ...join,
              labels,
              at,
              fresh: false,
              groupId: (current.get(join.key) as { id: string }).id,
            });
        if (!ok) lost = true;
      }
      decided = await deps.state.decisions(dest, ids);
      if (!lost) break;
    }
    for (const i of indexes) {
      const groupId = decided.get((items[i] as GroupItem).alert.id);
      if (groupId) out.set(i, groupId);
    }
  }
  return out;
}

async function anyOpen(memberIds: readonly string[], alerts: Pick<AlertStore, 'get'>): Promise<boolean> {
  for (const id of memberIds) {
    const a = await alerts.get(id);
    if (a && a.state !== 'resolved') return true;
  }
  return false;
}

/**
 * A member transition as a delivery to its group's message: the job's transition names the group
 * (id `${groupId}-${seq}`, the group's own seq), so the outbox's order gate, pacing, posted ref and
 * steps work for the group message exactly as for an alert's; `group.member` keeps what happened.
 */
export async function groupJobData(
  item: GroupItem,
  groupId: string,
  state: GroupState,
): Promise<NotifyJobData> {
  const seq = await state.seqFor(groupId, item.transition.id);
  const member = item.transition;
  return {
    transition: {
      ...member,
      id: `${groupId}-${seq}`,
      alertId: groupId,
      seq,
      reason: `${member.alertId}: ${member.reason}`,
      notify: member.notify && threadWorthyInGroup(member.kind),
    },
    alert: item.alert,
    platform: item.platform,
    destination: item.destination,
    group: { id: groupId, member },
  };
}

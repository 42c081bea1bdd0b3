import type { AlertsConfig, GroupByKey } from '../config/alerts-config.js';
import type { Alert, TransitionKind } from '../domain/alert.js';

/** `alerts.grouping` as the outbox uses it. */
export interface GroupingPolicy {
  enabled: boolean;
  groupBy: readonly GroupByKey[];
  /** A run opening more than this many alerts under one key for one destination posts one summary. */
  summaryAbove: number;
}

export function groupingPolicy(config: Pick<AlertsConfig, 'grouping'>): GroupingPolicy {
  return { ...config.grouping };
}

/** The values an alert is grouped by, in `groupBy` order: `{cluster: 'prod', check: 'certificates'}`. */
export function groupLabelsOf(
  alert: Pick<Alert, 'cluster' | 'check' | 'severity'>,
  groupBy: readonly GroupByKey[],
): Partial<Record<GroupByKey, string>> {
  return Object.fromEntries(groupBy.map((k) => [k, alert[k]]));
}

/** A stable text key of those values, e.g. `cluster=prod,check=certificates`. */
export function groupKeyOf(
  alert: Pick<Alert, 'cluster' | 'check' | 'severity'>,
  groupBy: readonly GroupByKey[],
): string {
  return groupBy.map((k) => `${k}=${alert[k]}`).join(',');
}

/** An alert opened in this batch for one destination, not yet decided alone or grouped there. */
export interface GroupCandidate {
  alertId: string;
  key: string;
}

export interface GroupDecision {
  /** Alerts that get a message of their own. */
  alone: string[];
  /** Per key: the alerts that join its group, and whether that group is a new one. */
  joins: { key: string; alertIds: string[]; fresh: boolean }[];
}

/**
 * Who joins a group message at one destination (pure). While a key has an open group (one member
 * not resolved), every new alert of that key joins it: the message is edited, nobody is pinged.
 * Otherwise more than `summaryAbove` new alerts of one key in one batch (a check run) start a group;
 * fewer each get their own message, as before grouping existed.
 */
export function decideGroups(
  candidates: readonly GroupCandidate[],
  openKeys: ReadonlySet<string>,
  policy: GroupingPolicy,
): GroupDecision {
  const byKey = new Map<string, string[]>();
  for (const c of candidates) byKey.set(c.key, [...(byKey.get(c.key) ?? []), c.alertId]);
  const decision: GroupDecision = { alone: [], joins: [] };
  for (const [key, alertIds] of byKey) {
    if (policy.enabled && openKeys.has(key)) decision.joins.push({ key, alertIds, fresh: false });
    else if (policy.enabled && alertIds.length > policy.summaryAbove)
      decision.joins.push({ key, alertIds, fresh: true });
    else decision.alone.push(...alertIds);
  }
  return decision;
}

/**
 * Member changes that add a line to the group message's thread (naming the member); every other
 * change (joined, resolved, acknowledged, reminders) only edits the summary, so 200 members never
 * mean 200 pings. An escalation stays in the group (documented in README "Grouping"): the summary
 * puts it first and the thread line tells whoever follows the incident.
 */
export function threadWorthyInGroup(kind: TransitionKind): boolean {
  return kind === 'escalated' || kind === 'reopened';
}

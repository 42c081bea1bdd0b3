import { z } from 'zod';
import { chatPlatformNames, chatPlatforms, perPlatform } from '../chat/platforms.js';
import { allChecks } from '../checks/index.js';
import type { CheckName } from '../domain/finding.js';
import type { Severity } from '../domain/severity.js';

/** Severities a route can select; `ok` findings never become alerts, so never route. */
export const routableSeverities = ['warning', 'unknown', 'critical'] as const satisfies readonly Severity[];
/** Every registered check (src/checks/index.ts), then `cluster`: access failures route like findings. */
export const routableChecks: readonly CheckName[] = [...allChecks.map((c) => c.name), 'cluster'];

const globHint = 'letters, digits, ".", "_", "-" and "*" as a wildcard, e.g. "prod-*"';
const glob = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9*._-]+$/, { error: `must be a name or pattern: ${globHint}` });

/** A matcher value: one pattern or a list of them (any may match). */
export const globs = z.union(
  [glob, z.array(glob).min(1, { error: 'list at least one pattern or remove the key' })],
  {
    error: `must be a pattern or a list of patterns (${globHint})`,
  },
);

export const checkList = z.union([z.enum(routableChecks), z.array(z.enum(routableChecks)).min(1)], {
  error: `must be one of ${routableChecks.join(', ')} or a list of them`,
});

// A single severity means "this or worse" (warning < unknown < critical, see src/domain/severity.ts);
// a list means exactly those, e.g. [unknown] to send blind spots somewhere of their own.
const severityMatch = z.union([z.enum(routableSeverities), z.array(z.enum(routableSeverities)).min(1)], {
  error: `must be a minimum severity (${routableSeverities.join(', ')}) or a list of exact severities`,
});

/** `slack: [C0123ABCD]`, `teams: [oncall]`: one list per chat platform, each checked by its module. */
export const destinations = perPlatform((p) => z.array(p.yaml.destination).default([]));

const route = z
  .strictObject({
    /** Every given key must match; an empty match catches everything. */
    match: z
      .strictObject({
        cluster: globs.optional(),
        check: checkList.optional(),
        severity: severityMatch.optional(),
        /** Alerts without a namespace (cluster-scoped objects) never match a namespace matcher. */
        namespace: globs.optional(),
      })
      .default({}),
    ...destinations,
    /** Alertmanager's `continue`: keep looking at later routes after this one matched. */
    continue: z.boolean().default(false),
  })
  .refine((r) => chatPlatformNames.some((name) => r[name].length > 0), {
    error: `a route needs at least one destination: add ${chatPlatforms.map((p) => p.yaml.destinationExample).join(' and/or ')}`,
    path: [chatPlatforms[0].name],
  });

/** What a group message gathers alerts by (src/alerts/alert-grouping.ts). */
export const groupByKeys = ['cluster', 'check', 'severity'] as const;
export type GroupByKey = (typeof groupByKeys)[number];

const groupByHint = { error: `must list keys out of ${groupByKeys.join(', ')}, e.g. [cluster, check]` };
const aboveHint = { error: 'must be a whole number of alerts from 1 to 1000, e.g. 5' };

/**
 * `alerts.grouping`: when one run opens more than `summaryAbove` alerts for one destination with the
 * same `groupBy` values, they share one summary message, edited as members join, resolve or escalate.
 */
const groupingSchema = z
  .strictObject({
    enabled: z.boolean({ error: 'must be true or false' }).default(true),
    // Cluster and check by default: "12 certificate problems on prod" is one thing to look at, while
    // adding severity would split one cause (a CA copied everywhere) over two messages.
    groupBy: z
      .array(z.enum(groupByKeys, groupByHint), groupByHint)
      .min(1, { error: 'list at least one key (cluster, check, severity), or set enabled: false' })
      .refine((keys) => new Set(keys).size === keys.length, { error: 'lists a key twice; name each once' })
      .default(['cluster', 'check']),
    // Five: a handful of alerts still reads best one by one; a flood (a first run, a CA everywhere)
    // becomes one message.
    summaryAbove: z.number(aboveHint).int(aboveHint).min(1, aboveHint).max(1000, aboveHint).default(5),
  })
  .prefault({});

const runsHint = { error: 'must be a whole number of check runs from 1 to 20, e.g. 2' };
const hoursHint = (example: string) => ({
  error: `must be a number of hours from 0 to 168 (0 turns it off), e.g. ${example}`,
});

/** `alerts:` in vigil.yaml: the alert lifecycle and routing (src/alerts). */
export const alertsConfigSchema = z
  .strictObject({
    // Two consecutive ok runs: one ok run can be luck (a registry answering once, a pod Ready for a
    // moment during a restart loop); a second one confirms at the cost of one check interval.
    resolveAfterOkRuns: z.number(runsHint).int(runsHint).min(1, runsHint).max(20, runsHint).default(2),
    // Alertmanager's repeat_interval default is 4 h: often enough that nothing is forgotten overnight.
    repeatIntervalHours: z.number(hoursHint('4')).min(0, hoursHint('4')).max(168, hoursHint('4')).default(4),
    // A finding back within an hour of resolving is the same incident flapping (same id, same message);
    // later it is a new incident with a fresh message, as in Alertmanager, PagerDuty and Grafana OnCall.
    reopenWindowHours: z.number(hoursHint('1')).min(0, hoursHint('1')).max(168, hoursHint('1')).default(1),
    audit: z
      .strictObject({
        retentionDays: z
          .number()
          .int()
          .min(1, { error: 'must be at least 1 day, e.g. 90' })
          .max(3650, { error: 'must be at most 3650 days (10 years), e.g. 90' })
          .default(90),
        maxEntries: z
          .number()
          .int()
          .min(1000, { error: 'must be at least 1000 entries, e.g. 100000' })
          .max(10_000_000, { error: 'must be at most 10000000 entries; the audit log lives in Redis memory' })
          .default(100_000),
      })
      .prefault({}),
    grouping: groupingSchema,
    /** Looked at in order; the first match wins unless it says `continue: true` (Alertmanager). */
    routes: z.array(route).default([]),
    /** Where alerts go when no route matches. */
    defaultRoute: z.strictObject(destinations).optional(),
  })
  .prefault({});

export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
export type AlertRoute = AlertsConfig['routes'][number];
export type RouteDestinations = NonNullable<AlertsConfig['defaultRoute']>;

import { CronExpressionParser } from 'cron-parser';
import { validateDetailed } from 'node-cron';
import { z } from 'zod';
import { perPlatform } from '../chat/platforms.js';
import type { Check } from '../checks/check.js';
import { allChecks } from '../checks/index.js';
import type { RunnableCheckName } from '../domain/finding.js';

/** A check `vigil serve` schedules (the `cluster` pseudo-check is part of every run, never on its own). */
export type ScheduledCheck = RunnableCheckName;

/** Each check's default pattern, from its registry entry (src/checks/index.ts), which says why. */
export function defaultPatternsFor<Name extends string>(
  checks: readonly Pick<Check<Name>, 'name' | 'schedule'>[],
): Record<Name, string> {
  return Object.fromEntries(checks.map((c) => [c.name, c.schedule.pattern])) as Record<Name, string>;
}

/** The checks `vigil serve` schedules, in the registry's order. */
export const scheduledChecks: readonly ScheduledCheck[] = allChecks.map((c) => c.name);
export const defaultCheckPatterns: Record<ScheduledCheck, string> = defaultPatternsFor(allChecks);

/**
 * Why a cron pattern is unusable, or undefined. Parsed with cron-parser, the parser BullMQ's job
 * schedulers run it with (DOMAIN.md section 6: node-cron reads day fields differently and has no `H`).
 * cron-parser quietly accepts fewer than five fields; a short pattern is almost always a typo, so the
 * field count is checked first.
 */
export function cronPatternProblem(pattern: string, timezone: string): string | undefined {
  const fields = pattern.trim().split(/\s+/);
  if (!pattern.trim().startsWith('@') && (fields.length < 5 || fields.length > 6)) {
    return `has ${fields.length} field(s); expected 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)`;
  }
  try {
    CronExpressionParser.parse(pattern, { tz: timezone }).next();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Whether the runtime (and so luxon inside cron-parser) knows the IANA zone. */
export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

const pattern = z.union([z.string().min(1, { error: 'must be a cron pattern or false' }), z.literal(false)]);

const clusterName = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
  error: 'must be the name of a cluster listed under clusters:',
});

/**
 * `schedules:` in vigil.yaml: when `vigil serve` runs each check, and the watchdog that checks it does.
 * Built from a list of checks so that each registered check has its key under `checks:` and under
 * each cluster, and nothing else does.
 */
export function schedulesConfigSchemaFor(checks: readonly Pick<Check<string>, 'name' | 'schedule'>[]) {
  // `false` turns a check off (for all clusters, or for one cluster in `clusters:`).
  const checkPatterns = z.strictObject(
    Object.fromEntries(checks.map((c) => [c.name, pattern.optional()])) as Record<
      string,
      z.ZodOptional<typeof pattern>
    >,
  );
  const examples = new Map(checks.map((c) => [c.name, `"${c.schedule.pattern}" (${c.schedule.meaning})`]));
  return z
    .strictObject({
      /** IANA zone the patterns are read in ("0 9 * * *" means 09:00 there); DST handled by cron-parser. */
      timezone: z.string().min(1).default('UTC'),
      checks: checkPatterns.prefault({}),
      /** Per-cluster overrides, e.g. `prod: { statefulsets: "* * * * *" }`. */
      clusters: z.record(clusterName, checkPatterns).default({}),
      /** Run every check once right after start-up (deduplicated across replicas starting together). */
      runOnStart: z.boolean().default(true),
      /** Replicas starting within this window share one start-up run. */
      startupDedupeSeconds: z.number().int().min(1).max(3600).default(120),
      /** Check jobs retry transient failures (Redis hiccup, store conflict) with exponential backoff. */
      retry: z
        .strictObject({
          attempts: z.number().int().min(1).max(100).default(4),
          backoffSeconds: z.number().positive().max(3600).default(10),
        })
        .prefault({}),
      watchdog: z
        .strictObject({
          /** node-cron pattern of the per-process watchdog (every replica runs its own). */
          pattern: z.string().min(1).default('* * * * *'),
          /** Alert once this many scheduled runs of a check were missed... */
          missedRuns: z.number().int().min(1).max(100).default(2),
          /** ...counting only ticks older than this, so a long but healthy run is not "missed". */
          graceSeconds: z.number().int().min(0).max(86_400).default(300),
        })
        .prefault({}),
      /**
       * Cron pattern of the housekeeping job (jobs/housekeeping/): ends acknowledgements and snoozes
       * and sends reminders on time, between check runs. A BullMQ job scheduler, so one run per tick
       * across replicas; read with cron-parser like the check patterns.
       */
      housekeeping: z.string().min(1).default('* * * * *'),
    })
    .prefault({})
    .superRefine((s, ctx) => {
      const tzOk = isValidTimezone(s.timezone);
      if (!tzOk) {
        ctx.addIssue({
          code: 'custom',
          path: ['timezone'],
          message: `unknown time zone "${s.timezone}"; use an IANA name such as "UTC" or "Europe/Berlin"`,
        });
      }
      const tz = tzOk ? s.timezone : 'UTC';
      const checkOne = (value: string | false | undefined, path: (string | number)[], check: string) => {
        if (typeof value !== 'string') return;
        const problem = cronPatternProblem(value, tz);
        if (problem) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `invalid cron pattern "${value}": ${problem}; e.g. ${examples.get(check)}, or false to turn the check off`,
          });
        }
      };
      for (const { name } of checks) checkOne(s.checks[name], ['checks', name], name);
      for (const [cluster, patterns] of Object.entries(s.clusters)) {
        for (const { name } of checks) checkOne(patterns[name], ['clusters', cluster, name], name);
      }
      const housekeeping = cronPatternProblem(s.housekeeping, tz);
      if (housekeeping) {
        ctx.addIssue({
          code: 'custom',
          path: ['housekeeping'],
          message: `invalid cron pattern "${s.housekeeping}": ${housekeeping}; e.g. "* * * * *" (every minute)`,
        });
      }
      const watchdog = validateDetailed(s.watchdog.pattern);
      if (!watchdog.valid) {
        ctx.addIssue({
          code: 'custom',
          path: ['watchdog', 'pattern'],
          message: `invalid node-cron pattern "${s.watchdog.pattern}": ${watchdog.errors.map((e) => e.message).join('; ')}; e.g. "* * * * *" (every minute)`,
        });
      }
    });
}

export const schedulesConfigSchema = schedulesConfigSchemaFor(allChecks);

export type SchedulesConfig = z.infer<typeof schedulesConfigSchema>;

/**
 * `outbox:` (proposed top-level key, not wired into config-schema yet): pacing and retries of chat
 * delivery. `minIntervalMs.<platform>` defaults to the pace each platform's module declares
 * (src/chat/<platform>/<platform>-yaml.ts).
 */
export const outboxConfigSchema = z
  .strictObject({
    minIntervalMs: z
      .strictObject(perPlatform((p) => z.number().int().min(0).max(60_000).default(p.yaml.minIntervalMs)))
      .prefault({}),
    /** Outage retries (5xx, timeouts) back off from this delay... */
    retryInitialMs: z.number().int().min(10).max(600_000).default(2000),
    /** ...doubling up to this cap, and never give up: a notification is never dropped for an outage. */
    retryMaxMs: z.number().int().min(10).max(3_600_000).default(300_000),
    /** How often a job whose predecessor is not delivered yet looks again (it is also woken early). */
    orderWaitMs: z.number().int().min(10).max(600_000).default(5000),
    concurrency: z.number().int().min(1).max(256).default(16),
  })
  .prefault({});

export type OutboxConfig = z.infer<typeof outboxConfigSchema>;

import { z } from 'zod';
import type { ConfigProblem } from '../domain/config-error.js';
import { isTimeZone, weekdayNames } from '../time/weekly-window.js';
import { checkList, globs, routableSeverities } from './alerts-config.js';

// "24:00" only as an end: a range up to midnight reads better than "23:59" and loses no minute.
const clock = (allowMidnightEnd: boolean) =>
  z
    .string({ error: 'must be a time "HH:MM" in 24-hour form, e.g. "22:00"' })
    .trim()
    .regex(allowMidnightEnd ? /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/ : /^([01]\d|2[0-3]):[0-5]\d$/, {
      error: `must be a time "HH:MM" in 24-hour form (00:00 to ${allowMidnightEnd ? '24:00' : '23:59'}), e.g. "22:00"; quote it in YAML`,
    });

const timeRange = z.strictObject({ start: clock(false), end: clock(true) }).refine((r) => r.start !== r.end, {
  error: 'start and end are the same time; for a whole day leave `times` out and list `weekdays`',
  path: ['end'],
});

const weekday = z.enum(weekdayNames, {
  error: `must be a weekday: ${weekdayNames.join(', ')}`,
});

/**
 * One recurring maintenance window (like Alertmanager's time_intervals): while it is open, the
 * matching alerts keep their lifecycle but are not posted; when it closes, those still firing are
 * announced in one message per destination (src/alerts/mute-scope.ts, jobs/notify/mute-hold.ts).
 */
const maintenanceWindow = z
  .strictObject({
    name: z
      .string({ error: 'must be a name, e.g. "prod upgrade"' })
      .trim()
      .min(1, { error: 'must not be empty, e.g. "prod upgrade"' })
      .max(80, { error: 'must be at most 80 characters' }),
    clusters: globs.optional(),
    checks: checkList.optional(),
    /** Exact severities; absent = every severity. */
    severities: z
      .array(
        z.enum(routableSeverities, {
          error: `must be one of ${routableSeverities.join(', ')} (ok findings never alert)`,
        }),
        { error: `must be a list of severities (${routableSeverities.join(', ')})` },
      )
      .min(1, { error: 'list at least one severity or remove the key' })
      .optional(),
    timezone: z
      .string({ error: 'must be an IANA time zone name, e.g. "Europe/Berlin" or "UTC"' })
      .trim()
      .refine(isTimeZone, {
        error:
          'is not a time zone this Node knows; use an IANA name, e.g. "Europe/Berlin", "America/New_York" or "UTC"',
      })
      .default('UTC'),
    weekdays: z.array(weekday).min(1, { error: 'list at least one weekday or remove the key' }).optional(),
    times: z.array(timeRange).min(1, { error: 'list at least one range or remove the key' }).optional(),
  })
  .refine((w) => w.weekdays !== undefined || w.times !== undefined, {
    error:
      'a window needs `weekdays` (e.g. [sat, sun]), `times` (e.g. [{ start: "22:00", end: "04:00" }]) or both',
    path: ['weekdays'],
  });

/** `maintenance:` in vigil.yaml: recurring windows, checked up front. */
export const maintenanceConfigSchema = z
  .array(maintenanceWindow, { error: 'must be a list of windows, each with a name' })
  .default([]);

export type MaintenanceWindow = z.infer<typeof maintenanceWindow>;

/**
 * Window names must be unique (a name titles its announcement and keys its occurrences). Read from
 * the document, not inside the schema: zod skips a list's refinement once an element failed, and
 * every problem must be reported in one pass (load-config.ts).
 */
export function duplicateWindowNames(raw: unknown): ConfigProblem[] {
  const windows = (raw as { maintenance?: unknown } | null)?.maintenance;
  if (!Array.isArray(windows)) return [];
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  windows.forEach((w: unknown, i) => {
    const name = (w as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return;
    const key = name.trim().toLowerCase();
    if (seen.has(key)) {
      problems.push({
        key: `maintenance[${i}].name`,
        message: `"${name}" is used by an earlier window; give each window its own name (it names the announcement)`,
      });
    }
    seen.add(key);
  });
  return problems;
}

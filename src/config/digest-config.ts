import { z } from 'zod';
import { chatPlatformNames, type ChatPlatformName } from '../chat/platforms.js';
import type { ConfigProblem } from '../domain/config-error.js';
import { parseDuration } from '../time/parse-duration.js';
import { HOUR_MS, MINUTE_MS } from '../time/time-units.js';
import { destinations, type AlertsConfig } from './alerts-config.js';
import { isValidTimezone } from './schedules-config.js';

const atHint = { error: 'must be a time of day as "HH:MM" (24-hour clock, quoted), e.g. "09:00"' };
const refreshLimits = { minMs: 15 * MINUTE_MS, maxMs: 24 * HOUR_MS };
const staleLimits = { minMs: 5 * MINUTE_MS, maxMs: 7 * 24 * HOUR_MS };

/**
 * A duration as people write it ("1h", "90m"), checked field by field so that every problem of the
 * section is reported in one pass (zod skips an object's refinements once one of its fields failed).
 */
function durationText(limits: { minMs: number; maxMs: number }, example: string) {
  return z.string().superRefine((text, ctx) => {
    try {
      parseDuration(text, limits);
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not usable: ${err instanceof Error ? err.message : String(err)} (e.g. ${example})`,
      });
    }
  });
}

/**
 * `digest:` in vigil.yaml: one message a day per channel (jobs/digest/) saying what expires soon,
 * which incidents are open, acknowledged or snoozed (with their age and who), and which clusters
 * vigil has not checked lately. Absent: no digest.
 */
export const digestConfigSchema = z
  .strictObject({
    /** When the day's digest is posted, on the wall clock of `timezone`. */
    at: z.string(atHint).regex(/^([01]\d|2[0-3]):[0-5]\d$/, atHint),
    /** IANA zone `at` is read in, and the digest's day; `schedules.timezone` when absent. */
    timezone: z
      .string()
      .min(1)
      .refine(isValidTimezone, {
        error: (issue) =>
          `unknown time zone "${String(issue.input)}"; use an IANA name such as "UTC" or "Europe/Berlin", or leave it out to use schedules.timezone`,
      })
      .optional(),
    /**
     * Where it goes, one list per platform (as in alerts.routes); absent: every destination of
     * alerts.routes and alerts.defaultRoute, each with what its routes send it.
     */
    channels: z.strictObject(destinations).optional(),
    /** Edit the day's message on each refresh (true), or post a new one each time (false). */
    editInPlace: z.boolean().default(true),
    /** How often the day's digest is brought up to date after `at`, e.g. "1h". */
    refreshEvery: durationText(refreshLimits, '"1h"').default('1h'),
    /** Certificates that expire within this many days are listed (expired ones too). */
    expiringDays: z
      .number()
      .int({ error: 'must be a whole number of days from 1 to 365, e.g. 30' })
      .min(1, { error: 'must be a whole number of days from 1 to 365, e.g. 30' })
      .max(365, { error: 'must be a whole number of days from 1 to 365, e.g. 30' })
      .default(30),
    /** A cluster none of whose scheduled checks completed within this long is listed as not checked. */
    staleAfter: durationText(staleLimits, '"2h"').default('2h'),
  })
  .optional();

export type DigestConfig = NonNullable<z.infer<typeof digestConfigSchema>>;

/** The digest's durations in ms (validated by the schema above). */
export function digestTimings(digest: DigestConfig): {
  refreshMs: number;
  staleMs: number;
  atMinute: number;
} {
  const [h, m] = digest.at.split(':').map(Number);
  return {
    refreshMs: parseDuration(digest.refreshEvery, refreshLimits),
    staleMs: parseDuration(digest.staleAfter, staleLimits),
    atMinute: (h ?? 0) * 60 + (m ?? 0),
  };
}

/** A digest with nowhere to go is a mistake worth stopping for, not a silent no-op. */
export function digestProblems(config: {
  digest?: DigestConfig | undefined;
  alerts: Pick<AlertsConfig, 'routes' | 'defaultRoute'>;
}): ConfigProblem[] {
  const d = config.digest;
  if (!d) return [];
  const any = (lists: Partial<Record<ChatPlatformName, readonly string[]>> | undefined) =>
    chatPlatformNames.some((p) => (lists?.[p]?.length ?? 0) > 0);
  if (d.channels !== undefined) {
    if (any(d.channels)) return [];
    return [
      {
        key: 'digest.channels',
        message:
          'lists no channel; name one (e.g. slack: [C0123ABCD]) or leave channels out to use the alert routes',
      },
    ];
  }
  if (config.alerts.routes.some((r) => any(r)) || any(config.alerts.defaultRoute)) return [];
  return [
    {
      key: 'digest.channels',
      message:
        'no channel: alerts.routes and alerts.defaultRoute name none, so list digest.channels (e.g. slack: [C0123ABCD])',
    },
  ];
}

import { routableChecks, routableSeverities } from '../src/config/alerts-config.js';
import { resolveCheckName } from '../src/checks/check-names.js';
import { cleanText, echo } from '../src/chat/clean-text.js';
import type { MuteScope } from '../src/alerts/mute.js';
import type { CheckName } from '../src/domain/finding.js';
import type { Severity } from '../src/domain/severity.js';
import { DurationError, parseDuration } from '../src/time/parse-duration.js';
import { CommandSyntaxError, tokenize } from './tokenize.js';

export const muteUsage = 'mute CLUSTER|all DURATION [reason] [--check CHECK] [--severity SEVERITY]';
/** A reason is a line in a list, not an essay. */
export const MAX_MUTE_REASON_CHARS = 200;

export interface MuteArgs {
  scope: MuteScope;
  durationMs: number;
  reason?: string;
}

export type MuteParse = { ok: true; mute: MuteArgs } | { ok: false; problem: string };

const flagPrefix = /^(--|—|–)/;

function checkFor(word: string): CheckName | undefined {
  const w = word.toLowerCase();
  return w === 'cluster' ? 'cluster' : resolveCheckName(w);
}

/**
 * The words after `mute`: a cluster name (or `all`), a duration as `/k8s snooze` takes it (`2h`,
 * `90m`, `2 hours`), then the reason; `--check` and `--severity` (repeatable) narrow it. Every
 * mistake is said with what to type instead.
 */
export function parseMute(text: string, clusters: readonly string[]): MuteParse {
  let words: { value: string; quoted: boolean }[];
  try {
    words = tokenize(text).tokens;
  } catch (err) {
    if (err instanceof CommandSyntaxError) return { ok: false, problem: err.message };
    throw err;
  }
  const checks: CheckName[] = [];
  const severities: Severity[] = [];
  const rest: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word.quoted || !flagPrefix.test(word.value)) {
      rest.push(word.value);
      continue;
    }
    const [rawName = '', inline] = word.value.replace(flagPrefix, '').split('=', 2);
    const name = rawName.toLowerCase();
    const value = inline ?? words[++i]?.value;
    if (name === 'check') {
      const check = value === undefined ? undefined : checkFor(value);
      if (!check) {
        return {
          ok: false,
          problem: `--check needs a check: one of ${routableChecks.join(', ')}${value ? ` (not ${echo(value)})` : ''}`,
        };
      }
      if (!checks.includes(check)) checks.push(check);
      continue;
    }
    if (name === 'severity') {
      const severity = routableSeverities.find((s) => s === value?.toLowerCase());
      if (!severity) {
        return {
          ok: false,
          problem: `--severity needs one of ${routableSeverities.join(', ')}${value ? ` (not ${echo(value)})` : ''}`,
        };
      }
      if (!severities.includes(severity)) severities.push(severity);
      continue;
    }
    return { ok: false, problem: `mute has no option ${echo(word.value)}; it takes --check and --severity` };
  }
  const [target, ...afterTarget] = rest;
  if (!target) return { ok: false, problem: `which cluster? ${muteUsage}, e.g. mute prod 2h upgrading` };
  const cluster = target.toLowerCase();
  const known = clusters.find((c) => c.toLowerCase() === cluster);
  if (cluster !== 'all' && !known) {
    return {
      ok: false,
      problem: `there is no cluster ${echo(target)}; use one of ${clusters.join(', ')} or all`,
    };
  }
  const duration = durationOf(afterTarget);
  if (!duration.ok) return duration;
  const reason = cleanText(afterTarget.slice(duration.words).join(' '), MAX_MUTE_REASON_CHARS);
  return {
    ok: true,
    mute: {
      scope: {
        ...(known ? { clusters: [known] } : {}),
        ...(checks.length > 0 ? { checks } : {}),
        ...(severities.length > 0 ? { severities } : {}),
      },
      durationMs: duration.ms,
      ...(reason ? { reason } : {}),
    },
  };
}

/** `2h`, or `2 hours` as two words; says why not otherwise. */
function durationOf(
  words: readonly string[],
): { ok: true; ms: number; words: number } | { ok: false; problem: string } {
  const [first, second] = words;
  if (!first) return { ok: false, problem: `for how long? ${muteUsage}, e.g. mute prod 2h upgrading` };
  const attempt = (text: string) => {
    try {
      return parseDuration(text);
    } catch (err) {
      if (err instanceof DurationError) return err;
      throw err;
    }
  };
  const one = attempt(first);
  if (typeof one === 'number') return { ok: true, ms: one, words: 1 };
  if (second !== undefined && /^\d+$/.test(first)) {
    const two = attempt(`${first} ${second}`);
    if (typeof two === 'number') return { ok: true, ms: two, words: 2 };
  }
  return { ok: false, problem: `cannot mute for ${echo(first)}: ${one.userMessage}` };
}

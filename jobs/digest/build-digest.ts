import type { DigestMessage } from '../../src/chat/chat-message.js';
import type { Actor, Alert, ChatPlatformName } from '../../src/domain/alert.js';
import type { Finding } from '../../src/domain/finding.js';
import { compactDuration } from '../../src/time/compact-duration.js';
import { durationLabel } from '../../src/time/duration-label.js';
import { DAY_MS } from '../../src/time/time-units.js';
import { utcMinute } from '../../src/time/utc-minute.js';
import type { ZonedClock } from '../../src/time/zoned-clock.js';
import { notAfterMs } from './expiring-certificates.js';

/** Items per section; a channel with more is told how to list them all. */
export const maxDigestItems = 15;
/** One item line at most, in characters; cluster data (summaries, subjects) can be any length. */
export const maxDigestLineChars = 240;
/**
 * Characters of item text per section, counted as Slack counts them once `<`, `>` and `&` are
 * escaped: five sections of this stay well inside one Slack message (10,000 characters of text,
 * src/chat/slack/block-kit-limits.ts) and one Teams card (24 KB as UTF-16,
 * src/chat/teams/teams-card-limits.ts), so the digest is always one message that can be edited.
 */
export const digestSectionBudget = 1400;

function escapedWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += ch === '<' || ch === '>' ? 4 : ch === '&' ? 5 : 1;
  return width;
}

function clipped(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= maxDigestLineChars ? flat : `${chars.slice(0, maxDigestLineChars - 1).join('')}…`;
}

/** A cluster whose newest completed check run is older than `staleAfter` (or that never ran one). */
export interface StaleCluster {
  cluster: string;
  lastRunAt?: string;
}

/** What one channel's digest says, already narrowed to what that channel may see. */
export interface DigestFacts {
  expiring: Finding[];
  /** Open alerts (firing, acknowledged, snoozed), worst first as the store lists them. */
  open: Alert[];
  stale: StaleCluster[];
}

export interface DigestLook {
  now: Date;
  clock: ZonedClock;
  timezone: string;
  expiringDays: number;
  staleAfter: string;
  refreshEvery: string;
  editInPlace: boolean;
  /** How the channel's users type commands (`/k8s`, `@vigil`, nothing on the web chat). */
  commandPrefix: string;
  platform: ChatPlatformName;
}

function who(actor: Actor): string {
  return actor.name ?? actor.id;
}

function section(
  heading: string,
  items: string[],
  empty: string,
  more: string,
): DigestMessage['sections'][number] {
  const shown: string[] = [];
  let used = 0;
  for (const item of items.slice(0, maxDigestItems)) {
    const line = `• ${clipped(item)}`;
    if (used + escapedWidth(line) > digestSectionBudget) break;
    shown.push(line);
    used += escapedWidth(line) + 1;
  }
  const rest = items.length - shown.length;
  return {
    heading: `${heading} (${items.length})`,
    lines: items.length === 0 ? [empty] : rest > 0 ? [...shown, `…and ${rest} more: ${more}`] : shown,
  };
}

function whenLine(f: Finding, now: Date): string {
  const ms = (notAfterMs(f) ?? now.getTime()) - now.getTime();
  const date = new Date(notAfterMs(f) ?? now.getTime()).toISOString().slice(0, 10);
  if (ms < 0) return `expired ${compactDuration(-ms)} ago (${date})`;
  const days = Math.floor(ms / DAY_MS);
  return days >= 1
    ? `${days} ${days === 1 ? 'day' : 'days'} left (${date})`
    : `expires in ${compactDuration(ms)} (${date})`;
}

function alertLine(a: Alert, now: Date): string {
  const age = `open ${compactDuration(now.getTime() - Date.parse(a.openedAt))}`;
  const base = `${a.severity} · ${a.cluster} · ${a.finding.summary} · ${a.id} · ${age}`;
  if (a.state === 'acknowledged' && a.acknowledged) {
    const ack = a.acknowledged;
    const note = ack.note ? `: ${ack.note}` : '';
    return `${base} · acknowledged by ${who(ack.by)} ${compactDuration(now.getTime() - Date.parse(ack.at))} ago${note}`;
  }
  if (a.state === 'snoozed' && a.snoozed) {
    return `${base} · snoozed by ${who(a.snoozed.by)} until ${utcMinute(a.snoozed.until)}`;
  }
  return base;
}

function hint(prefix: string, ...words: string[]): string {
  return [prefix, ...words].filter((w) => w !== '').join(' ');
}

/**
 * The digest of one channel as a neutral message (src/chat/chat-message.ts), rendered by each
 * platform. Pure: the same facts and clock give the same message, so a refresh that changes nothing
 * edits the message to itself. Every section is present, with a line saying when it is empty.
 */
export function buildDigest(facts: DigestFacts, look: DigestLook): DigestMessage {
  const { now } = look;
  const firing = facts.open.filter((a) => a.state === 'firing');
  const acked = facts.open.filter((a) => a.state === 'acknowledged');
  const snoozed = facts.open.filter((a) => a.state === 'snoozed');
  const alertsHint = hint(look.commandPrefix, 'alerts');
  const sections = [
    section(
      `Expiring within ${look.expiringDays} days`,
      facts.expiring.map((f) => {
        const subject = f.certificate?.subject
          ? ` · ${f.certificate.subject}${f.certificate.isCa ? ' (CA)' : ''}`
          : '';
        return `${f.cluster} · ${whenLine(f, now)} · ${f.object}${subject}`;
      }),
      `No certificate expires within ${look.expiringDays} days.`,
      hint(look.commandPrefix, 'certs', '--expiring', String(look.expiringDays)),
    ),
    section(
      'Open',
      firing.map((a) => alertLine(a, now)),
      'No open incident.',
      alertsHint,
    ),
    section(
      'Acknowledged',
      acked.map((a) => alertLine(a, now)),
      'None acknowledged.',
      alertsHint,
    ),
    section(
      'Snoozed',
      snoozed.map((a) => alertLine(a, now)),
      'None snoozed.',
      alertsHint,
    ),
    section(
      `Not checked within ${durationLabel(look.staleAfter)}`,
      facts.stale.map((s) =>
        s.lastRunAt
          ? `${s.cluster} · last checked ${compactDuration(now.getTime() - Date.parse(s.lastRunAt))} ago (${utcMinute(s.lastRunAt)})`
          : `${s.cluster} · never checked`,
      ),
      `Every cluster was checked within ${durationLabel(look.staleAfter)}.`,
      hint(look.commandPrefix, 'clusters'),
    ),
  ];
  const cadence = look.editInPlace
    ? `refreshed in place every ${durationLabel(look.refreshEvery)}`
    : `a new one every ${durationLabel(look.refreshEvery)}`;
  return {
    kind: 'digest',
    day: look.clock.day,
    title: `vigil daily digest · ${look.clock.day}`,
    sections,
    footer: `As of ${look.clock.time} ${look.timezone} (${utcMinute(now)}) · ${cadence}`,
  };
}

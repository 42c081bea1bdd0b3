import type { AlertAction, AlertMessage } from '../chat-message.js';
// Platform-neutral (no Slack SDK): the same "2026-11-21 10:02 UTC (47 min)" on both platforms.
import { formatSince } from '../../time/format-since.js';
import {
  card,
  label,
  plainLine,
  rich,
  run,
  type AdaptiveCard,
  type CardAction,
  type CardElement,
} from './adaptive-card.js';
import { severityStyle, stateLabel } from './severity-style.js';
import { ackAction, chartAction, isActionDuration, snoozeAction } from './teams-action-verbs.js';
import { teamsCardLimits as limits, teamsPayloadBytes } from './teams-card-limits.js';

/** A few lines for one person only: the answer to their button press, shown in the card they see. */
export interface CardNote {
  title: string;
  lines: string[];
}

// Shares of the card budget for the variable parts, in characters (the same shares as on Slack);
// the fixed parts stay under 3,000 characters, and a last pass trims the lists if JSON overhead of
// many short items still pushes the card over teamsCardLimits.cardBytes.
const EVIDENCE_BUDGET = 2500;
const EVIDENCE_ITEMS = 25;
const BLAST_RADIUS_BUDGET = 1500;
const BLAST_RADIUS_ITEMS = 10;
const NEXT_STEP_MAX = 1500;
const STATUS_MAX = 600;
const NOTE_LINES = 6;
const NOTE_LINE_MAX = 500;

/**
 * An alert as an Adaptive Card 1.5: severity banner and title, the facts, evidence, blast radius,
 * next step, status line, short id, and while open the Acknowledge and Snooze Universal Actions
 * (`Action.Execute`, so the invoke response can replace the card in place). Everything that comes
 * from a cluster or a person is a TextRun, which Teams never parses as Markdown, so a Secret named
 * `[click](https://evil)` or a note saying `<at>everyone</at>` shows as typed.
 */
export function renderAlertCard(message: AlertMessage, now: Date, note?: CardNote): AdaptiveCard {
  let evidenceItems = EVIDENCE_ITEMS;
  let blastItems = BLAST_RADIUS_ITEMS;
  for (;;) {
    const rendered = build(message, now, note, evidenceItems, blastItems);
    if (teamsPayloadBytes(rendered) <= limits.cardBytes || (evidenceItems === 0 && blastItems === 0)) {
      return rendered;
    }
    // Evidence goes first: the title, facts and next step say what to do without it.
    if (evidenceItems > 0) evidenceItems = Math.floor(evidenceItems / 2);
    else blastItems = Math.floor(blastItems / 2);
  }
}

function build(
  message: AlertMessage,
  now: Date,
  note: CardNote | undefined,
  evidenceItems: number,
  blastItems: number,
): AdaptiveCard {
  const style = severityStyle(message.severity, message.state);
  const resolved = message.state === 'resolved';
  const banner = resolved
    ? `${style.emoji} Resolved`
    : `${style.emoji} ${style.label} · ${stateLabel(message.state)}`;
  const body: CardElement[] = [
    {
      type: 'Container',
      style: style.container,
      bleed: true,
      items: [
        label(banner, { weight: 'Bolder', ...(style.color ? { color: style.color } : {}) }),
        rich([run(message.title, { size: 'Large', weight: 'Bolder' }, limits.title)]),
      ],
    },
    fact('Cluster', message.cluster, 200, true),
    fact('Object', message.object, 500, true),
    fact('Since', formatSince(message.since, now), 100),
    fact('State', resolved ? 'Resolved' : `${style.label} · ${stateLabel(message.state)}`, 100),
  ];
  if (message.evidence.length > 0) {
    body.push(...bulletList('Evidence', message.evidence, EVIDENCE_BUDGET, evidenceItems));
  }
  if (message.blastRadius.length > 0) {
    body.push(...bulletList('Blast radius', message.blastRadius, BLAST_RADIUS_BUDGET, blastItems));
  }
  if (message.nextStep && !resolved) {
    body.push(
      label('Next step', { weight: 'Bolder', spacing: 'Medium' }),
      rich([run(message.nextStep, {}, NEXT_STEP_MAX)]),
    );
  }
  if (message.status) body.push(rich([run(message.status, { isSubtle: true }, STATUS_MAX)], 'Medium'));
  body.push(
    rich([
      run('id ', { isSubtle: true }),
      run(message.alertId, { isSubtle: true, fontType: 'Monospace' }, 64),
      run(` · ${message.check}`, { isSubtle: true }),
    ]),
  );
  if (note) body.push(noteFor(note));
  const actions = resolved ? [] : cardActions(message.actions);
  return card(body, actions, fallbackText(message, style.label));
}

/** One row of the facts: a bold label column and the untrusted value as a text run. */
function fact(name: string, value: string, max: number, monospace = false): CardElement {
  return {
    type: 'ColumnSet',
    spacing: 'Small',
    columns: [
      // Relative widths (1:4) keep the labels of every row aligned, unlike "auto".
      { type: 'Column', width: 1, items: [label(name, { weight: 'Bolder' })] },
      {
        type: 'Column',
        width: 4,
        items: [rich([run(value || '–', monospace ? { fontType: 'Monospace' } : {}, max)])],
      },
    ],
  };
}

/**
 * "Evidence" and one block per item until the budget or `maxItems` is reached, then a count of
 * the rest, so a StatefulSet with 200 blocked pods still yields a readable card.
 */
function bulletList(heading: string, items: string[], budget: number, maxItems: number): CardElement[] {
  const out: CardElement[] = [label(heading, { weight: 'Bolder', spacing: 'Medium' })];
  const reserve = 40;
  let used = heading.length;
  let shown = 0;
  for (const item of items) {
    if (shown >= maxItems) break;
    const text = `• ${plainLine(item, Math.min(1000, budget - reserve))}`;
    if (used + text.length > budget - reserve) break;
    out.push(rich([run(text)], 'None'));
    used += text.length;
    shown += 1;
  }
  const rest = items.length - shown;
  if (rest > 0) out.push(rich([run(`…and ${rest} more`, { isSubtle: true })], 'None'));
  return out;
}

function noteFor(note: CardNote): CardElement {
  const lines = note.lines.slice(0, NOTE_LINES).map((l) => rich([run(l, {}, NOTE_LINE_MAX)], 'None'));
  return {
    type: 'Container',
    style: 'emphasis',
    items: [rich([run(note.title, { weight: 'Bolder' }, 300)]), ...lines],
  };
}

function cardActions(actions: AlertAction[]): CardAction[] {
  const out: CardAction[] = [];
  for (const action of actions) {
    if (action.kind === 'ack') {
      out.push(ackAction(action.alertId));
      continue;
    }
    if (action.kind === 'chart') {
      out.push(chartAction(action.alertId));
      continue;
    }
    const choices = action.durations.filter(isActionDuration).slice(0, 5);
    if (choices.length === 0) continue;
    // One "Snooze…" button that unfolds the durations keeps the card's action row short on phones.
    out.push({
      type: 'Action.ShowCard',
      title: 'Snooze…',
      card: {
        type: 'AdaptiveCard',
        body: [label('Snooze for')],
        actions: choices.map((d) => snoozeAction(action.alertId, d)),
      },
    });
  }
  return out;
}

function fallbackText(message: AlertMessage, severity: string): string {
  const head = message.state === 'resolved' ? 'Resolved' : severity;
  const status = message.status ? ` (${message.status})` : '';
  return `${head} [${message.cluster}] ${message.title}: ${message.object}${status}`;
}

import type { types } from '@slack/bolt';
import type { AlertAction, AlertMessage } from '../chat-message.js';
import { blockKitLimits as limits } from './block-kit-limits.js';
import { durationLabel } from '../../time/duration-label.js';
import { formatSince } from '../../time/format-since.js';
import { code, escapeMrkdwn, mrkdwn, truncateMrkdwn, truncatePlain } from './mrkdwn.js';
import {
  ackActionId,
  chartActionId,
  isActionDuration,
  snoozeActionId,
  snoozeOptionValue,
} from './slack-action-ids.js';
import { severityLook, stateLabel } from './severity-look.js';

/** What chat.postMessage / chat.update / a response_url need: blocks plus the fallback text. */
export interface SlackMessagePayload {
  /** Notification and accessibility fallback; always set (Slack warns and shows nothing useful otherwise). */
  text: string;
  blocks: types.KnownBlock[];
}

// Shares of the ~10,000-character message budget (block-kit-limits.ts): the fixed parts (header,
// fields, context) take about 2,500 at most, so the lists can never push the message over.
const EVIDENCE_BUDGET = 2500;
const BLAST_RADIUS_BUDGET = 1500;
const BLAST_RADIUS_ITEMS = 10;
const NEXT_STEP_BUDGET = 1500;
const STATUS_BUDGET = 600;

/**
 * An alert as Block Kit: header with severity, the facts as fields, evidence, blast radius, next
 * step, the status line and short id, and the Acknowledge / Snooze / Chart controls while it is open. All
 * text is escaped (it comes from cluster objects and users); every limit is respected.
 */
export function renderAlertMessage(message: AlertMessage, now: Date): SlackMessagePayload {
  const look = severityLook(message.severity, message.state);
  const resolved = message.state === 'resolved';
  const blocks: types.KnownBlock[] = [
    {
      type: 'header',
      // Plain text never turns into mentions or links, so it is not escaped (it would show "&amp;").
      text: {
        type: 'plain_text',
        text: truncatePlain(oneLine(`${look.emoji} ${message.title}`), limits.headerText),
        emoji: true,
      },
    },
    {
      type: 'section',
      fields: [
        field('Cluster', code(message.cluster, 200)),
        field('Object', code(message.object, 500)),
        field('Since', escapeMrkdwn(formatSince(message.since, now))),
        field('State', resolved ? 'Resolved' : `${look.label} · ${stateLabel(message.state)}`),
      ],
    },
  ];
  if (message.evidence.length > 0) {
    blocks.push(section(bulletList('Evidence', message.evidence, EVIDENCE_BUDGET, message.evidence.length)));
  }
  if (message.blastRadius.length > 0) {
    blocks.push(
      section(bulletList('Blast radius', message.blastRadius, BLAST_RADIUS_BUDGET, BLAST_RADIUS_ITEMS)),
    );
  }
  if (message.nextStep && !resolved) {
    blocks.push(section(`*Next step*\n${mrkdwn(message.nextStep, NEXT_STEP_BUDGET)}`));
  }
  const context: types.ContextBlock['elements'] = [];
  if (message.status) context.push({ type: 'mrkdwn', text: mrkdwn(message.status, STATUS_BUDGET) });
  context.push({ type: 'mrkdwn', text: `id ${code(message.alertId, 64)} · ${escapeMrkdwn(message.check)}` });
  blocks.push({ type: 'context', elements: context });

  const controls = resolved ? [] : actionElements(message.actions);
  if (controls.length > 0)
    blocks.push({ type: 'actions', block_id: 'vigil_alert_actions', elements: controls });

  return { text: fallbackText(message, look.label), blocks };
}

function fallbackText(message: AlertMessage, severity: string): string {
  const head = message.state === 'resolved' ? 'Resolved' : severity;
  const status = message.status ? ` (${message.status})` : '';
  const plain = oneLine(`${head} [${message.cluster}] ${message.title}: ${message.object}${status}`);
  return mrkdwn(plain, limits.fallbackText);
}

function field(label: string, valueMrkdwn: string): types.MrkdwnElement {
  // Labels are ours; values arrive escaped and already short, the cap is a last guard.
  return { type: 'mrkdwn', text: truncateMrkdwn(`*${label}*\n${valueMrkdwn || '–'}`, limits.fieldText) };
}

function section(text: string): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/**
 * "*Heading*\n• a\n• b\n…and 3 more": items until the budget or `maxItems` is reached, then a
 * count of the rest, so a StatefulSet with 200 blocked pods still yields one readable section.
 */
export function bulletList(heading: string, items: string[], budget: number, maxItems: number): string {
  const lines = [`*${heading}*`];
  let used = lines[0]!.length;
  const reserve = 40; // room for the "…and N more" line
  let shown = 0;
  for (const item of items) {
    if (shown >= maxItems) break;
    const line = `• ${mrkdwn(oneLine(item), Math.min(1000, budget - reserve))}`;
    if (used + 1 + line.length > budget - reserve) break;
    lines.push(line);
    used += 1 + line.length;
    shown += 1;
  }
  const rest = items.length - shown;
  if (rest > 0) lines.push(`…and ${rest} more`);
  return lines.join('\n');
}

function actionElements(actions: AlertAction[]): types.ActionsBlockElement[] {
  const elements: types.ActionsBlockElement[] = [];
  for (const action of actions) {
    if (action.kind === 'ack') {
      elements.push({
        type: 'button',
        action_id: ackActionId(action.alertId),
        text: { type: 'plain_text', text: 'Acknowledge' },
        style: 'primary',
        value: action.alertId,
      });
    } else if (action.kind === 'chart') {
      elements.push({
        type: 'button',
        action_id: chartActionId(action.alertId),
        text: { type: 'plain_text', text: 'Chart' },
        value: action.alertId,
      });
    } else {
      const options = action.durations
        .filter(isActionDuration)
        .slice(0, limits.selectOptions)
        .map((d) => ({
          text: {
            type: 'plain_text' as const,
            text: truncatePlain(`for ${durationLabel(d)}`, limits.optionText),
          },
          value: snoozeOptionValue(action.alertId, d),
        }));
      if (options.length === 0) continue;
      elements.push({
        type: 'static_select',
        action_id: snoozeActionId(action.alertId),
        placeholder: { type: 'plain_text', text: 'Snooze…' },
        options,
      });
    }
  }
  return elements.slice(0, limits.actionsElements);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

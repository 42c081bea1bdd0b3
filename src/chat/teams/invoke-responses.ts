import type { AdaptiveCardInvokeResponse } from 'botbuilder';
import type { ReplyMessage } from '../chat-message.js';
import { plainLine, truncate, type AdaptiveCard } from './adaptive-card.js';
import { adaptiveCardContentType } from './teams-activities.js';

/**
 * The three answers a Universal Action (`adaptiveCard/action` invoke) can give. Teams shows the
 * card or message to the person who pressed the button only; everyone else sees the card as the
 * bot last posted or edited it.
 */

/** Replaces the card the presser sees. */
export function cardResponse(card: AdaptiveCard): AdaptiveCardInvokeResponse {
  return {
    statusCode: 200,
    type: adaptiveCardContentType,
    value: card as unknown as Record<string, unknown>,
  };
}

/** Shows a short message and leaves the card as it is. */
export function messageResponse(text: string): AdaptiveCardInvokeResponse {
  // The schema types `value` as an object, but for this type Teams expects the text itself.
  return {
    statusCode: 200,
    type: 'application/vnd.microsoft.activity.message',
    value: text as unknown as Record<string, unknown>,
  };
}

/** Tells Teams the action failed (shown as an error on the button). */
export function errorResponse(statusCode: number, code: string, message: string): AdaptiveCardInvokeResponse {
  return { statusCode, type: 'application/vnd.microsoft.error', value: { code, message } };
}

/** A reply as the one short text a message response can carry. */
export function textOf(reply: ReplyMessage): string {
  const parts = [reply.title, ...reply.sections.flatMap((s) => s.lines)].map((l) => plainLine(l, 400));
  return truncate(parts.filter(Boolean).join('\n'), 1000);
}

import type { Activity } from 'botbuilder';
import { plainLine } from './adaptive-card.js';
import type { AdaptiveCard } from './adaptive-card.js';
import { teamsCardLimits as limits } from './teams-card-limits.js';

export const adaptiveCardContentType = 'application/vnd.microsoft.card.adaptive';

/** A message carrying one Adaptive Card; `summary` is what Teams shows in notifications. */
export function cardActivity(card: AdaptiveCard): Partial<Activity> {
  return {
    type: 'message',
    summary: card.fallbackText,
    attachments: [{ contentType: adaptiveCardContentType, content: card }],
  };
}

/**
 * A plain text message (thread lines, short notes). `textFormat: plain` tells Teams to apply no
 * Markdown or HTML, and the text is one cleaned line, so cluster or user text cannot format itself.
 */
export function plainTextActivity(text: string): Partial<Activity> {
  return { type: 'message', textFormat: 'plain', text: plainLine(text, limits.plainText) || '(empty)' };
}

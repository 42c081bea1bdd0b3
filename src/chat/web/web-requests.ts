import type { ActionRequest, CommandRequest } from '../chat-message.js';
import type { Actor } from '../../domain/alert.js';
import { BodyError } from './read-json-body.js';
import type { WebCard } from './message-board.js';
import { webLimits } from './web-limits.js';

/** What the audit log and handlers see as "where it was asked": the web chat has no channels. */
export const webChannel = 'browser';

// Letters and digits of any script, spaces and a few joiners: a name, not markup or a path.
const namePattern = /^[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N} .'_@-]*$/u;

/**
 * The person, from the name typed on the page. Nobody vouches for it: it says who pressed the
 * button in thread lines and the audit log, never who may (handlers/permissions.ts lists no web
 * users, so a configured permission list refuses every web user).
 */
export function actorFromName(raw: unknown): Actor {
  const name = typeof raw === 'string' ? raw.replace(/\s+/g, ' ').trim() : '';
  if (!name) throw new BodyError(400, 'enter your name first: it is shown as who acknowledged or snoozed');
  if (Array.from(name).length > webLimits.nameChars || !namePattern.test(name)) {
    throw new BodyError(
      400,
      `a name is up to ${webLimits.nameChars} letters, digits, spaces and . ' _ @ - (starting with a letter or digit)`,
    );
  }
  return { kind: 'web', id: `web:${name}`, name };
}

/** `{ text, name }` from the command box. A leading `/k8s` or `@vigil` (pasted from the docs) is dropped. */
export function commandRequestFrom(body: Record<string, unknown>): Omit<CommandRequest, 'respond'> {
  const raw = body['text'];
  if (typeof raw !== 'string' || !raw.trim())
    throw new BodyError(400, 'type a command, e.g. "certs prod" or "help"');
  if (raw.length > webLimits.commandChars) {
    throw new BodyError(400, `a command is at most ${webLimits.commandChars} characters`);
  }
  const text = raw.trim().replace(/^(?:\/k8s|@vigil)(?:\s+|$)/i, '');
  return { platform: 'web', text: text || 'help', user: actorFromName(body['name']), channel: webChannel };
}

/**
 * `{ messageId, action, duration?, name }` from a button. The alert id comes from the card on the
 * board, never from the page, and only a button the card offers now is accepted: pressing Snooze on
 * a card resolved meanwhile is refused rather than guessed at.
 */
export function actionRequestFrom(
  body: Record<string, unknown>,
  find: (id: string) => WebCard | undefined,
): ActionRequest {
  const user = actorFromName(body['name']);
  const id = body['messageId'];
  const card = typeof id === 'string' ? find(id) : undefined;
  if (!card) throw new BodyError(400, 'that message is no longer on the board; reload the page');
  const kind = body['action'];
  const duration = body['duration'];
  const offered = card.actions.find((a) => a.kind === kind && (kind !== 'snooze' || a.duration === duration));
  if (!offered)
    throw new BodyError(400, `alert ${card.alertId} offers no such button now; it may have changed`);
  const action: ActionRequest['action'] =
    offered.kind === 'snooze' && offered.duration
      ? { kind: 'snooze', alertId: card.alertId, duration: offered.duration }
      : { kind: offered.kind === 'chart' ? 'chart' : 'ack', alertId: card.alertId };
  return { platform: 'web', action, user, channel: webChannel };
}

import type { ReplyMessage } from '../src/chat/chat-message.js';
import type { HandlerDeps } from './handler-deps.js';
import { buildReply } from './build-reply.js';
import type { Requester } from './permissions.js';

export function originOf(who: Requester): string {
  return `${who.platform}:${who.channel}`;
}

/**
 * A refused action: a private explanation (what, why, who can grant it) and an audit entry
 * `refused:<action>`, so an admin can see who tried what from where.
 */
export async function refuse(
  deps: HandlerDeps,
  who: Requester,
  refused: {
    action: string;
    what: string;
    reason: string;
    grant: string;
    cluster?: string;
    alertId?: string;
  },
): Promise<ReplyMessage> {
  await deps.audit.append({
    at: deps.now().toISOString(),
    actor: who.user,
    action: `refused:${refused.action}`,
    ...(refused.alertId ? { alertId: refused.alertId } : {}),
    ...(refused.cluster ? { cluster: refused.cluster } : {}),
    origin: originOf(who),
    detail: refused.reason,
  });
  return buildReply({
    title: `Not allowed: ${refused.what}`,
    sections: [{ lines: [`Why: ${refused.reason}.`, refused.grant] }],
  });
}

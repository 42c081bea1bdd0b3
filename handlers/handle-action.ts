import type { ReplyMessage } from '../src/chat/chat-message.js';
import { changeAlert } from './change-alert.js';
import { chartAction } from './chart-action.js';
import type { ActionRequest } from '../src/chat/chat-message.js';
import type { HandlerDeps } from './handler-deps.js';
import { unexpectedErrorReply } from './unexpected-error-reply.js';

/**
 * A button press on an alert message (Acknowledge, Snooze 1h/4h/24h): the same code as `/k8s ack`
 * and `/k8s snooze`. The reply is private; everyone else sees the edited alert message. Chart (on
 * certificate alerts) is `/k8s certs CLUSTER --chart`, answered in the channel like the command.
 */
export async function handleAction(request: ActionRequest, deps: HandlerDeps): Promise<ReplyMessage> {
  const { action } = request;
  try {
    if (action.kind === 'chart') return await chartAction({ ...request, action }, deps);
    return await changeAlert(
      {
        kind: action.kind,
        alertId: action.alertId,
        ...(action.kind === 'snooze' ? { duration: action.duration } : {}),
        via: 'button',
        who: request,
      },
      deps,
    );
  } catch (err) {
    return unexpectedErrorReply(err, deps, { action: action.kind, alertId: action.alertId });
  }
}

import type { ReplyMessage } from '../src/chat/chat-message.js';
import { changeAlert } from './change-alert.js';
import type { CommandRequest } from '../src/chat/chat-message.js';
import type { HandlerDeps } from './handler-deps.js';
import type { ParsedCommand } from './parse-command.js';

/** `/k8s ack ID [note]`: the same path as the Acknowledge button. */
export function ackCommand(
  cmd: ParsedCommand,
  request: CommandRequest,
  deps: HandlerDeps,
): Promise<ReplyMessage> {
  return changeAlert(
    {
      kind: 'ack',
      alertId: cmd.args[0] ?? '',
      ...(cmd.note ? { note: cmd.note } : {}),
      via: 'command',
      who: request,
    },
    deps,
  );
}

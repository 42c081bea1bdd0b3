import type { ReplyMessage } from '../src/chat/chat-message.js';
import { changeAlert } from './change-alert.js';
import type { CommandRequest } from '../src/chat/chat-message.js';
import type { HandlerDeps } from './handler-deps.js';
import type { ParsedCommand } from './parse-command.js';

/** `/k8s snooze ID DURATION`: the same path as the Snooze button. */
export function snoozeCommand(
  cmd: ParsedCommand,
  request: CommandRequest,
  deps: HandlerDeps,
): Promise<ReplyMessage> {
  return changeAlert(
    {
      kind: 'snooze',
      alertId: cmd.args[0] ?? '',
      duration: cmd.args.slice(1).join(''),
      via: 'command',
      who: request,
    },
    deps,
  );
}

import type { ReplyMessage } from '../src/chat/chat-message.js';
import type { CommandRequest } from '../src/chat/chat-message.js';
import type { HandlerDeps } from './handler-deps.js';
import { listFindings } from './list-findings.js';
import type { ParsedCommand } from './parse-command.js';

/** `/k8s registries [cluster]`: registries that would fail the next image pull, worst first. */
export function registriesCommand(
  cmd: ParsedCommand,
  request: CommandRequest,
  deps: HandlerDeps,
): Promise<ReplyMessage> {
  return listFindings(
    {
      check: 'registries',
      word: 'registries',
      noun: { one: 'registry', many: 'registries' },
      problemTitle: 'Registries with problems',
      quietTitle: 'All registries reachable',
    },
    cmd,
    request,
    deps,
  );
}

import type { ReplyMessage } from '../src/chat/chat-message.js';
import type { CommandRequest } from '../src/chat/chat-message.js';
import type { HandlerDeps } from './handler-deps.js';
import { listFindings } from './list-findings.js';
import type { ParsedCommand } from './parse-command.js';

/** `/k8s statefulsets|sts [cluster]`: StatefulSets that are not ready, worst first, with what blocks them. */
export function statefulSetsCommand(
  cmd: ParsedCommand,
  request: CommandRequest,
  deps: HandlerDeps,
): Promise<ReplyMessage> {
  return listFindings(
    {
      check: 'statefulsets',
      word: 'sts',
      noun: { one: 'StatefulSet', many: 'StatefulSets' },
      problemTitle: 'StatefulSets with problems',
      quietTitle: 'All StatefulSets ready',
    },
    cmd,
    request,
    deps,
  );
}

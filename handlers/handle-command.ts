import type { ReplyMessage } from '../src/chat/chat-message.js';
import { checkNamed } from '../src/checks/check-names.js';
import type { RunnableCheckName } from '../src/domain/finding.js';
import { ackCommand } from './ack-command.js';
import { alertsCommand } from './alerts-command.js';
import { certsCommand } from './certs-command.js';
import { checkCommand } from './check-command.js';
import { clustersCommand } from './clusters-command.js';
import { commandHint } from './command-hint.js';
import type { CommandRequest } from '../src/chat/chat-message.js';
import type { FixedVerb, Verb } from './command-specs.js';
import type { HandlerDeps } from './handler-deps.js';
import { helpReply } from './help-command.js';
import { historyCommand } from './history-command.js';
import { parseCommand, type ParsedCommand } from './parse-command.js';
import { listFindings } from './list-findings.js';
import { muteCommand, mutesCommand, unmuteCommand } from './mute-command.js';
import { snoozeCommand } from './snooze-command.js';
import { unexpectedErrorReply } from './unexpected-error-reply.js';
import { verbFor } from './command-specs.js';

type Handler = (cmd: ParsedCommand, request: CommandRequest, deps: HandlerDeps) => Promise<ReplyMessage>;

const handlers: Record<Exclude<FixedVerb, 'help'>, Handler> = {
  alerts: alertsCommand,
  ack: ackCommand,
  snooze: snoozeCommand,
  mute: muteCommand,
  mutes: mutesCommand,
  unmute: unmuteCommand,
  check: checkCommand,
  clusters: clustersCommand,
  history: historyCommand,
};

/**
 * Checks whose listing is its own command; every other check's `/k8s <word>` is the shared listing
 * (what is not ok, worst first). Certificates sort by expiry and take --expiring.
 */
const ownListings: Partial<Record<RunnableCheckName, Handler>> = { certificates: certsCommand };

function isFixed(verb: Verb): verb is keyof typeof handlers {
  return Object.hasOwn(handlers, verb);
}

function handlerFor(verb: Exclude<Verb, 'help'>): Handler {
  if (isFixed(verb)) return handlers[verb];
  return ownListings[verb] ?? ((cmd, request, deps) => listFindings(checkNamed(verb), cmd, request, deps));
}

/**
 * Answers one `/k8s …` (Slack) or `@vigil …` (Teams) command from stored state, within the 3-second
 * limit: store reads only; a check run is queued and answered later through `request.respond`.
 * Never throws: anything unexpected becomes a short private reply and a log line.
 */
export async function handleCommand(request: CommandRequest, deps: HandlerDeps): Promise<ReplyMessage> {
  const clusters = deps.config.clusters.map((c) => c.name);
  const parsed = parseCommand(request.text);
  if (!parsed.ok) {
    return helpReply(request.platform, {
      problem: parsed.problem,
      ...(parsed.verb ? { verb: parsed.verb } : {}),
      ...suggestionFor(request, parsed.unknownWord, clusters),
      clusters,
    });
  }
  const { command } = parsed;
  if (command.verb === 'help') return helpReply(request.platform, { clusters });
  try {
    return await handlerFor(command.verb)(command, request, deps);
  } catch (err) {
    return unexpectedErrorReply(err, deps, { verb: command.verb, channel: request.channel });
  }
}

/** `/k8s prod certs` is a common slip: the cluster first. Suggest the order vigil understands. */
function suggestionFor(
  request: CommandRequest,
  unknownWord: string | undefined,
  clusters: readonly string[],
): { suggestion?: string } {
  if (!unknownWord || !clusters.includes(unknownWord.toLowerCase())) return {};
  const next = request.text.trim().split(/\s+/)[1];
  const verb = next ? verbFor(next) : undefined;
  if (!verb || verb === 'help') return {};
  return { suggestion: commandHint(request.platform, next?.toLowerCase(), unknownWord.toLowerCase()) };
}

import type { ReplyMessage } from '../src/chat/chat-message.js';
import { checkNamed, resolveCheckName } from '../src/checks/check-names.js';
import { allChecks } from '../src/checks/index.js';
import { buildReply } from './build-reply.js';
import { echo } from '../src/chat/clean-text.js';
import { commandHint } from './command-hint.js';
import type { CommandRequest } from '../src/chat/chat-message.js';
import type { HandlerDeps } from './handler-deps.js';
import type { ParsedCommand } from './parse-command.js';
import { originOf } from './refuse.js';
import { selectClusters } from './select-clusters.js';

/**
 * `/k8s check CLUSTER [CHECK]` (`certs`, `sts`, ...): queues a run now and answers at once; the result
 * comes later through `request.respond`, because a run takes longer than Slack's 3 seconds.
 */
export async function checkCommand(
  cmd: ParsedCommand,
  request: CommandRequest,
  deps: HandlerDeps,
): Promise<ReplyMessage> {
  const [clusterWord, checkWord] = cmd.args;
  const check = checkWord === undefined ? undefined : resolveCheckName(checkWord);
  if (checkWord !== undefined && !check) {
    return buildReply({
      title: `Unknown check ${echo(checkWord)}`,
      sections: [
        {
          lines: [
            `Checks: ${allChecks.map((c) => c.command.short).join(', ')}; leave it out to run all: ${commandHint(request.platform, 'check', clusterWord?.toLowerCase())}`,
          ],
        },
      ],
    });
  }
  const selection = await selectClusters('check', clusterWord, request, deps);
  if (!selection.ok) return selection.reply;
  const cluster = selection.clusters[0] ?? '';
  const what = check ? `the ${checkNamed(check).label.one} check` : 'all checks';
  const { respond } = request;
  const answer = async (reply: ReplyMessage): Promise<void> => {
    if (!respond) return;
    try {
      await respond(reply);
    } catch (err) {
      // The response URL expires after 30 minutes; the result is in the snapshot store regardless.
      deps.log?.error({ err, cluster, check }, 'could not deliver the result of /k8s check');
    }
  };
  await deps.requestCheck(cluster, check, answer, request.platform);
  await deps.audit.append({
    at: deps.now().toISOString(),
    actor: request.user,
    action: 'check',
    cluster,
    origin: originOf(request),
    detail: check ?? 'all checks',
  });
  // After a run of all checks, point at the first one's listing.
  const listing = (check ? checkNamed(check) : allChecks[0]).command.short;
  const later = respond
    ? 'The result will be posted here when it finishes.'
    : `When it finishes, ${commandHint(request.platform, listing, cluster)} shows the new results.`;
  return buildReply({ title: `Running ${what} on ${cluster} now`, sections: [{ lines: [later] }] });
}

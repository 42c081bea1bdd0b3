import type { App, BlockAction, RespondArguments, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { VigilError } from '../../domain/vigil-error.js';
import type { Actor } from '../../domain/alert.js';
import { logger } from '../../logger.js';
import { answerWithin, workingOnItReply } from '../answer-within.js';
import type { ActionRequest, CommandRequest, ReplyMessage } from '../chat-message.js';
import { errorReply } from '../error-reply.js';
import { unescapeSlackText } from './mrkdwn.js';
import { renderReplyMessage, type SlackReplyPage } from './render-reply-message.js';
import { postPages, type RespondLaterOptions } from './respond-later.js';
import { alertActionIdPattern, decodeAlertAction } from './slack-action-ids.js';
import { payloadChannel, slackPayloadProblem } from './slack-inbound-body.js';
import { uploadReplyImage } from './upload-reply-image.js';

export interface SlackInboundHandlers {
  onCommand(req: CommandRequest): Promise<ReplyMessage>;
  onAction(req: ActionRequest): Promise<ReplyMessage | void>;
  /** Slack user-group ids of a user that matter for permissions (e.g. SlackGroupLookup.memberOfGroups). */
  resolveUserGroups?: (userId: string) => Promise<string[]>;
}

export interface SlackListenerOptions extends SlackInboundHandlers {
  commandName: string;
  /** How long a command may take before the ack goes out as "Working on it…" (Slack allows 3 s). */
  ackDeadlineMs: number;
  respond: RespondLaterOptions;
}

const log = logger.child({ component: 'slack-inbound' });

/** Bolt context property with the request's arrival time (ms), set by the HTTP route. */
export const arrivedAtProperty = 'vigilArrivedAt';

/**
 * The slash command and the alert buttons. Slack drops an interaction that is not acknowledged in
 * 3 seconds, so a command's answer rides on the ack only if it is ready in time; otherwise the ack
 * says "Working on it…" and the answer follows through the response_url. Buttons are acked at once
 * (Slack ignores an ack body for block_actions); their reply, if any, goes through the response_url.
 */
export function registerSlackListeners(app: App, options: SlackListenerOptions): void {
  app.command(options.commandName, async ({ command, ack, context, client }) => {
    const work = (async () => options.onCommand(await commandRequest(command, options)))();
    // Time the route spent before Bolt (its checks, a slow replay check) comes off the ack's budget.
    const arrived = typeof context[arrivedAtProperty] === 'number' ? context[arrivedAtProperty] : Date.now();
    const deadline = Math.max(0, options.ackDeadlineMs - (Date.now() - arrived));
    const answer = await answerWithin(work, deadline, {
      log,
      context: { what: 'command' },
      interim: () => ack(ackBody(renderReplyMessage(workingOnItReply)[0]!)),
      late: async (reply) => {
        await postPages(command.response_url, renderReplyMessage(reply), options.respond);
        await shareImage(reply, command.channel_id, client, command.response_url, options);
      },
    });
    if (!answer.onTime) return;
    const [first, ...rest] = renderReplyMessage(answer.reply);
    await ack(ackBody(first!));
    if (rest.length > 0) {
      await postPages(command.response_url, rest, options.respond).catch((error: unknown) =>
        log.warn({ err: error }, 'could not deliver the remaining pages of a reply'),
      );
    }
    await shareImage(answer.reply, command.channel_id, client, command.response_url, options);
  });

  app.action(alertActionIdPattern, async ({ ack, body, action, client }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    // Checked before Bolt on HTTP (create-slack-route.ts); again here for any other way in.
    const problem = slackPayloadProblem(body as unknown as Record<string, unknown>);
    if (problem) return log.warn({ problem }, 'ignored a button press vigil cannot act on');
    const value =
      'value' in action
        ? action.value
        : 'selected_option' in action
          ? action.selected_option?.value
          : undefined;
    const decoded = decodeAlertAction('action_id' in action ? action.action_id : '', value ?? undefined);
    if (!decoded) {
      log.warn({ user: body.user.id }, 'ignored an alert action whose id or value does not validate');
      return;
    }
    let reply: ReplyMessage | void;
    try {
      reply = await options.onAction(await actionRequest(body, decoded, options));
    } catch (error) {
      reply = errorReply(error, log, { what: 'action' });
    }
    if (reply) {
      await postPages(body.response_url, renderReplyMessage(reply), options.respond).catch((error: unknown) =>
        log.warn({ err: error }, 'could not deliver an action reply'),
      );
      const channel = payloadChannel(body as unknown as Record<string, unknown>);
      if (channel) await shareImage(reply, channel, client, body.response_url, options);
    }
  });
}

/**
 * A reply's picture cannot ride a response_url (it takes text and blocks only), so it is shared in
 * the channel as a file by the bot, after the text. Only public replies have one shared: a private
 * answer's picture would show the channel what only the asker may see. When Slack refuses (bot not
 * in the channel, no `files:write`), the asker is told why, privately; the text already has the data.
 */
async function shareImage(
  reply: ReplyMessage,
  channel: string,
  client: WebClient,
  responseUrl: string,
  options: SlackListenerOptions,
): Promise<void> {
  if (!reply.image || reply.private) return;
  try {
    await uploadReplyImage(client, channel, reply.image, {
      slackApiUrl: options.respond.slackApiUrl,
      ...(options.respond.timeoutMs ? { timeoutMs: options.respond.timeoutMs } : {}),
      initialComment: reply.image.title,
    });
  } catch (error) {
    log.warn({ err: error, channel }, 'could not share a reply image');
    const why = error instanceof VigilError ? error.userMessage : 'Slack refused the upload';
    const note: ReplyMessage = {
      kind: 'reply',
      private: true,
      title: 'The chart could not be posted here',
      sections: [{ lines: [why, 'The same data is in the answer above, as text.'] }],
    };
    await postPages(responseUrl, renderReplyMessage(note), options.respond).catch((e: unknown) =>
      log.warn({ err: e }, 'could not say why the image was not shared'),
    );
  }
}

async function commandRequest(command: SlashCommand, options: SlackListenerOptions): Promise<CommandRequest> {
  const userGroups = await options.resolveUserGroups?.(command.user_id);
  return {
    platform: 'slack',
    text: unescapeSlackText(command.text ?? ''),
    user: actor(command.user_id, command.user_name),
    channel: command.channel_id,
    ...(userGroups ? { userGroups } : {}),
    // Answers that take longer than the ack (`/k8s check`) go to this command's response_url.
    respond: (reply) => postPages(command.response_url, renderReplyMessage(reply), options.respond),
  };
}

async function actionRequest(
  body: BlockAction,
  action: ActionRequest['action'],
  options: SlackInboundHandlers,
): Promise<ActionRequest> {
  const userGroups = await options.resolveUserGroups?.(body.user.id);
  // `channel` is absent for messages outside conversations; the container still names it.
  const channel = payloadChannel(body as unknown as Record<string, unknown>) ?? '';
  return {
    platform: 'slack',
    action,
    user: actor(body.user.id, body.user.username ?? body.user.name),
    channel,
    ...(userGroups ? { userGroups } : {}),
  };
}

/** Slack user → Actor; the name is for display only, never for permission decisions. */
function actor(id: string, name: string | undefined): Actor {
  return { kind: 'slack', id, ...(name ? { name } : {}) };
}

function ackBody(page: SlackReplyPage): RespondArguments {
  return { response_type: page.responseType, text: page.text, blocks: page.blocks };
}

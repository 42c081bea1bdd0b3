import type { ActionRequest, CommandRequest, PostedRef, ReplyMessage } from '../../src/chat/chat-message.js';
import { createTeams, renderAlertCard, renderReplyCards } from '../../src/chat/teams/index.js';
import { cardActivity } from '../../src/chat/teams/teams-activities.js';
import {
  cardOf,
  channel,
  conversationUpdateActivity,
  executeActions,
  FakeBotConnector,
  invokeActivity,
  markdownText,
  MemoryConversationStore,
  messageActivity,
  postActivity,
  serveRoute,
  validateCard,
  visibleText,
} from '../fakes/teams/index.js';
import { withTimeout, type ChatPlatformHarness, type SeenImage } from './chat-platform-contract.js';

/**
 * Teams' side of the contract: TeamsPlatform and the /api/messages route through botbuilder's real
 * CloudAdapter against the fake Bot Connector (authentication off by the explicit dev setting).
 * Conversations are learned the real way: the bot is "added" to a channel by a conversationUpdate.
 */
export async function teamsContractHarness(): Promise<ChatPlatformHarness> {
  const connector = await FakeBotConnector.start();
  const store = new MemoryConversationStore();
  let onCommand: ((r: CommandRequest) => void) | undefined;
  let onAction: ((r: ActionRequest) => void) | undefined;
  let nextReply: ReplyMessage | undefined;
  let nextActionReply: ReplyMessage | undefined;
  const teams = createTeams({
    env: { authDisabled: true },
    conversations: store,
    adapter: { requestTimeoutMs: 1000 },
    onCommand: async (req) => {
      onCommand?.(req);
      const reply = nextReply ?? { kind: 'reply', private: true, title: 'ok', sections: [] };
      nextReply = undefined;
      return reply;
    },
    onAction: async (req) => {
      onAction?.(req);
      const reply = nextActionReply;
      nextActionReply = undefined;
      return reply;
    },
  });
  const served = await serveRoute(teams.route);
  const alerts = channel('Contract');
  const gone = channel('Gone');
  let ids = 1_900_000_000_000;
  const id = () => String(++ids);
  for (const c of [alerts, gone]) {
    const res = await postActivity(
      served.url,
      conversationUpdateActivity({ serviceUrl: connector.serviceUrl, conversation: c, id: id() }),
    );
    if (res.status !== 200) throw new Error(`installing into ${c.channelName} answered ${res.status}`);
  }
  connector.setConversationState(gone.id, 'bot-removed');
  // The welcome messages are not what the contract counts.
  const welcomes = connector.messages(alerts.id).length;
  const card = (ref: PostedRef) => cardOf(connector.activity(ref.messageId));
  /** The answer is sent to the conversation after the handler returns: a bounded wait for it. */
  const imageSince = async (before: number): Promise<SeenImage> => {
    for (let i = 0; i < 100; i++) {
      for (const activity of connector.sentTo(alerts.id).slice(before)) {
        const body = (cardOf(activity)?.['body'] ?? []) as Record<string, unknown>[];
        const image = body.find((e) => e['type'] === 'Image');
        const problem = validateCard(cardOf(activity), activity);
        if (problem) throw new Error(`Teams would refuse the picture's card: ${problem}`);
        const url = String(image?.['url'] ?? '');
        const prefix = 'data:image/png;base64,';
        if (url.startsWith(prefix)) {
          return {
            png: Buffer.from(url.slice(prefix.length), 'base64'),
            alt: String(image?.['altText'] ?? ''),
            title: visibleText(cardOf(activity)).split('\n')[0] ?? '',
          };
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return { note: 'no card with an Image reached the conversation' };
  };

  return {
    name: 'teams',
    platform: teams.platform,
    destination: 'platform-sre-contract',
    lostDestination: 'platform-sre-gone',
    canFindPosted: false,
    async seen(ref) {
      const activity = connector.activity(ref.messageId);
      if (!activity) return undefined;
      return {
        text: visibleText(cardOf(activity)),
        actions: executeActions(cardOf(activity)).map((a) => a.title),
      };
    },
    async seenDigest(ref) {
      const activity = connector.activity(ref.messageId);
      return activity && visibleText(cardOf(activity));
    },
    async noticeSeen(ref) {
      const activity = connector.activity(ref.messageId);
      return activity && visibleText(cardOf(activity));
    },
    async messageCount() {
      return connector.messages(alerts.id).length - welcomes;
    },
    async followUps(ref) {
      return connector.thread(alerts.id, ref.messageId).map((a) => a.text ?? '');
    },
    rateLimitNext(seconds) {
      connector.rateLimit({ retryAfterSeconds: seconds, times: 1 });
    },
    failNext(status) {
      connector.failStatus(status, { times: 1 });
    },
    async typeCommand(text) {
      const next = withTimeout(new Promise<CommandRequest>((resolve) => (onCommand = resolve)), 'command');
      // Teams sends message text HTML-escaped, after the bot's mention.
      const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      const res = await postActivity(
        served.url,
        messageActivity({ serviceUrl: connector.serviceUrl, conversation: alerts, text: escaped, id: id() }),
      );
      if (res.status !== 200) throw new Error(`/api/messages answered ${res.status}`);
      return next;
    },
    async press(ref, action) {
      const button = executeActions(card(ref)).find((a) =>
        action.kind === 'snooze'
          ? a.verb === 'vigil.snooze' && a.data['duration'] === action.duration
          : a.verb === `vigil.${action.kind}`,
      );
      if (!button) throw new Error(`no ${action.kind} button on the card`);
      const next = withTimeout(new Promise<ActionRequest>((resolve) => (onAction = resolve)), 'action');
      const invoke = invokeActivity({
        serviceUrl: connector.serviceUrl,
        conversation: alerts,
        verb: button.verb,
        data: button.data,
        replyToId: ref.messageId,
        id: id(),
      });
      const res = await postActivity(served.url, invoke);
      if (res.status !== 200) throw new Error(`/api/messages answered ${res.status}`);
      return next;
    },
    alertProblems(m) {
      const rendered = renderAlertCard(m, new Date());
      const problem = validateCard(rendered, cardActivity(rendered));
      return problem ? [problem] : [];
    },
    replyProblems(reply) {
      const cards = renderReplyCards(reply);
      const problems = cards
        .map((c) => validateCard(c, cardActivity(c)))
        .filter((p): p is string => p !== undefined);
      return cards.length > 5 ? [...problems, `${cards.length} cards`] : problems;
    },
    replyText(reply) {
      return renderReplyCards(reply).map(visibleText).join('\n');
    },
    async answerWithImage(reply) {
      nextReply = reply;
      const before = connector.sentTo(alerts.id).length;
      await (this as ChatPlatformHarness).typeCommand('certs prod --chart');
      return imageSince(before);
    },
    async pressChart(ref, reply) {
      nextActionReply = reply;
      const before = connector.sentTo(alerts.id).length;
      const request = await (this as ChatPlatformHarness).press(ref, { kind: 'chart' });
      return { request, seen: await imageSince(before) };
    },
    liveMarkup(m) {
      // Teams parses Markdown in TextBlocks and facts: links and <at> mentions there would be live.
      const markdown = markdownText(renderAlertCard(m, new Date()));
      return [...(markdown.match(/\[[^\]]*\]\([^)]*\)/g) ?? []), ...(markdown.match(/<at>.*?<\/at>/g) ?? [])];
    },
    async close() {
      await served.close();
      await connector.close();
    },
  };
}

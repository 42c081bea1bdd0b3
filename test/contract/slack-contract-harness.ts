import type {
  ActionRequest,
  AlertMessage,
  CommandRequest,
  PostedRef,
  ReplyMessage,
} from '../../src/chat/chat-message.js';
import {
  createSlackPlatform,
  createSlackRoute,
  renderAlertMessage,
  renderReplyMessage,
} from '../../src/chat/slack/index.js';
import { createHttpServer } from '../../src/http/create-http-server.js';
import {
  blockActionsBody,
  FakeSlackWebApi,
  postToSlackEvents,
  slashCommandBody,
} from '../fakes/slack/index.js';
import { validateBlocks } from '../fakes/slack/validate-blocks.js';
import { MemoryReplayGuard } from '../support/memory-replay-guard.js';
import { withTimeout, type ChatPlatformHarness, type SeenImage } from './chat-platform-contract.js';

const SECRET = 'contract-signing-secret';
const CHANNEL = 'C0CONTRACT';
const GONE = 'C0GONE';

type Json = Record<string, unknown>;

/**
 * Slack's side of the contract: SlackPlatform, and the Slack route (Bolt's receiver) on vigil's HTTP
 * server, against FakeSlackWebApi.
 */
export async function slackContractHarness(): Promise<ChatPlatformHarness> {
  const fake = await FakeSlackWebApi.start();
  fake.setChannel(GONE, 'not-member');
  const captured = capture();
  let nextReply: ReplyMessage | undefined;
  let nextActionReply: ReplyMessage | undefined;
  const platform = createSlackPlatform({ botToken: fake.token, apiUrl: fake.apiUrl }, { timeoutMs: 1000 });
  // As createSlack does at start-up: auth.test names the workspace the route accepts requests from.
  const workspace = await platform.installedWorkspace();
  const route = createSlackRoute({
    env: { signingSecret: SECRET, botToken: fake.token, apiUrl: fake.apiUrl },
    workspace: () => workspace,
    replayGuard: new MemoryReplayGuard(),
    onCommand: async (req) => {
      captured.command(req);
      const reply = nextReply ?? { kind: 'reply', private: true, title: 'ok', sections: [] };
      nextReply = undefined;
      return reply;
    },
    onAction: async (req) => {
      captured.action(req);
      const reply = nextActionReply;
      nextActionReply = undefined;
      return reply;
    },
  });
  const server = createHttpServer({ routes: [route], readiness: () => true });
  const { port } = await server.start(0, '127.0.0.1');
  const events = `http://127.0.0.1:${port}/slack/events`;
  /** The ack (or press) goes first; the upload follows it. Bounded wait for the file to be shared. */
  const sharedSince = async (before: number): Promise<SeenImage> => {
    for (let i = 0; i < 100; i++) {
      const file = fake
        .files()
        .slice(before)
        .find((f) => f.channel !== undefined);
      if (file?.bytes) {
        if (file.channel !== CHANNEL) throw new Error(`shared in ${file.channel}, not ${CHANNEL}`);
        return { png: file.bytes, alt: file.altTxt ?? '', title: file.title ?? '' };
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const last = fake.responses.at(-1)?.body;
    return { note: `no file shared; last response_url post: ${JSON.stringify(last)}` };
  };
  const message = (ref: PostedRef) => fake.messages(ref.destination).find((m) => m.ts === ref.messageId);

  return {
    name: 'slack',
    platform,
    destination: CHANNEL,
    lostDestination: GONE,
    canFindPosted: true,
    async seen(ref) {
      const m = message(ref);
      if (!m) return undefined;
      const blocks = (m.blocks ?? []) as Json[];
      return {
        text: [m.text ?? '', ...texts(blocks)].map(unescape).join('\n'),
        actions: actionLabels(blocks),
      };
    },
    async seenDigest(ref) {
      const m = message(ref);
      return m && [m.text ?? '', ...texts((m.blocks ?? []) as Json[])].map(unescape).join('\n');
    },
    async noticeSeen(ref) {
      const m = message(ref);
      return m && [m.text ?? '', ...texts((m.blocks ?? []) as Json[])].map(unescape).join('\n');
    },
    async messageCount() {
      return fake.messages(CHANNEL).length;
    },
    async followUps(ref) {
      return (message(ref)?.replies ?? []).map((r) => unescape(r.text ?? ''));
    },
    rateLimitNext(seconds) {
      fake.rateLimit({ retryAfterSeconds: seconds, times: 1 });
    },
    failNext(status) {
      fake.failStatus(status, { times: 1 });
    },
    async typeCommand(text) {
      const next = captured.nextCommand();
      // Slack escapes &, < and > in slash command text before sending it.
      const body = slashCommandBody({
        text: escape(text),
        response_url: fake.responseUrl(),
        channel_id: CHANNEL,
      });
      const res = await postToSlackEvents(events, body, SECRET);
      if (res.status !== 200) throw new Error(`Slack receiver answered ${res.status}`);
      return next;
    },
    async press(ref, action) {
      const blocks = (message(ref)?.blocks ?? []) as Json[];
      const elements = blocks.flatMap((b) => (b['type'] === 'actions' ? (b['elements'] as Json[]) : []));
      const prefix = { ack: 'vigil_ack:', snooze: 'vigil_snooze:', chart: 'vigil_chart:' }[action.kind];
      const element = elements.find((e) => String(e['action_id']).startsWith(prefix));
      if (!element) throw new Error(`no ${action.kind} control on the message`);
      let clicked: Json = { type: 'button', action_id: element['action_id'], value: element['value'] };
      if (action.kind === 'snooze') {
        const options = element['options'] as { value: string; text: Json }[];
        const option = options.find((o) => o.value.endsWith(` ${action.duration}`));
        if (!option) throw new Error(`no snooze option for ${action.duration}`);
        clicked = { type: 'static_select', action_id: element['action_id'], selected_option: option };
      }
      const next = captured.nextAction();
      const body = blockActionsBody({
        responseUrl: fake.responseUrl(),
        action: clicked,
        channelId: ref.destination,
        messageTs: ref.messageId,
      });
      const res = await postToSlackEvents(events, body, SECRET);
      if (res.status !== 200) throw new Error(`Slack receiver answered ${res.status}`);
      return next;
    },
    alertProblems(m: AlertMessage) {
      const problem = validateBlocks(renderAlertMessage(m, new Date()).blocks);
      return problem ? [problem] : [];
    },
    replyProblems(reply: ReplyMessage) {
      const pages = renderReplyMessage(reply);
      const problems = pages.map((p) => validateBlocks(p.blocks)).filter((p): p is string => p !== undefined);
      return pages.length > 5 ? [...problems, `${pages.length} pages`] : problems;
    },
    replyText(reply) {
      return renderReplyMessage(reply)
        .flatMap((p) => texts(p.blocks as unknown as Json[]))
        .map(unescape)
        .join('\n');
    },
    async answerWithImage(reply) {
      nextReply = reply;
      const before = fake.files().length;
      await (this as ChatPlatformHarness).typeCommand('certs prod --chart');
      return sharedSince(before);
    },
    async pressChart(ref, reply) {
      nextActionReply = reply;
      const before = fake.files().length;
      const request = await (this as ChatPlatformHarness).press(ref, { kind: 'chart' });
      return { request, seen: await sharedSince(before) };
    },
    liveMarkup(m) {
      // In mrkdwn every <…> is a link or mention; escaped text has none.
      const payload = renderAlertMessage(m, new Date());
      const mrkdwn = [payload.text, ...texts(payload.blocks as unknown as Json[], 'mrkdwn')];
      return mrkdwn.flatMap((t) => t.match(/<[^>]*>/g) ?? []);
    },
    async close() {
      await server.stop();
      await fake.close();
    },
  };
}

/** Text objects of the blocks (`type` filters plain_text / mrkdwn). */
function texts(value: unknown, type?: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Json;
      if (
        (o['type'] === 'plain_text' || o['type'] === 'mrkdwn') &&
        typeof o['text'] === 'string' &&
        (!type || o['type'] === type)
      ) {
        out.push(o['text']);
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(value);
  return out;
}

function actionLabels(blocks: Json[]): string[] {
  const labels: string[] = [];
  for (const block of blocks) {
    if (block['type'] !== 'actions') continue;
    for (const e of block['elements'] as Json[]) {
      if (e['type'] === 'button') labels.push(String((e['text'] as Json)['text']));
      for (const o of (e['options'] as { text: Json }[] | undefined) ?? [])
        labels.push(String(o.text['text']));
    }
  }
  return labels;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Hands the next command or action the adapter produced to whoever is waiting for it. */
function capture() {
  let onCommand: ((r: CommandRequest) => void) | undefined;
  let onAction: ((r: ActionRequest) => void) | undefined;
  return {
    command: (r: CommandRequest) => onCommand?.(r),
    action: (r: ActionRequest) => onAction?.(r),
    nextCommand: () =>
      withTimeout(new Promise<CommandRequest>((resolve) => (onCommand = resolve)), 'command'),
    nextAction: () => withTimeout(new Promise<ActionRequest>((resolve) => (onAction = resolve)), 'action'),
  };
}

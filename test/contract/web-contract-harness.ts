import type { ActionRequest, CommandRequest, PostedRef, ReplyMessage } from '../../src/chat/chat-message.js';
import {
  createWebChat,
  pageScript,
  renderWebCard,
  renderWebReply,
  webLimits,
  type WebCard,
  type WebReply,
} from '../../src/chat/web/index.js';
import type { WebDigest } from '../../src/chat/web/digest-board.js';
import { createHttpServer } from '../../src/http/create-http-server.js';
import { withTimeout, type ChatPlatformHarness } from './chat-platform-contract.js';
import { readEvents, type EventReader } from './web-event-reader.js';

/** Everything the page shows of a card (page-script.ts draws each of these fields). */
export function visibleCardText(card: WebCard): string {
  return [
    card.severityLabel,
    card.stateLabel,
    card.cluster,
    card.check,
    card.alertId,
    card.title,
    card.object,
    card.sinceText,
    ...card.evidence,
    ...card.blastRadius,
    card.nextStep ?? '',
    card.status ?? '',
    ...card.thread.map((l) => l.text),
  ].join('\n');
}

export function visibleReplyText(reply: WebReply): string {
  return [
    reply.title,
    ...reply.sections.flatMap((s) => [s.heading ?? '', ...s.lines]),
    reply.notShown ?? '',
    reply.footer ?? '',
  ].join('\n');
}

/**
 * Ways a string could become markup in the page: it draws everything with textContent, so the only
 * way is one of these sinks appearing in its script. Found ones are reported as live markup.
 */
const pngSinkLine = 'img.src = reply.image.src; // a data:image/png URI, checked above';

const htmlSinks = [
  /\.innerHTML\b/,
  /\.outerHTML\b/,
  /insertAdjacentHTML/,
  /document\.write/,
  /\.srcdoc\b/,
  /\.(href|src|action)\s*=/,
  /setAttribute\(/,
  /\beval\(/,
  /new Function\(/,
  /createContextualFragment/,
];

/**
 * The web chat's side of the contract: createWebChat's platform and routes on vigil's HTTP server
 * (src/http/create-http-server.ts) on loopback, read the way a page reads it: an event stream over
 * real HTTP, commands and button presses as the page posts them. The contract runs with
 * `transportFaults: false`: the platform writes to an in-process board, no network can fail it.
 */
export async function webContractHarness(): Promise<ChatPlatformHarness> {
  let onCommand: ((r: CommandRequest) => void) | undefined;
  let onAction: ((r: ActionRequest) => void) | undefined;
  let nextReply: ReplyMessage | undefined;
  let nextActionReply: ReplyMessage | undefined;
  const web = createWebChat({
    rooms: ['contract'],
    bindHost: '127.0.0.1',
    onCommand: async (req) => {
      onCommand?.(req);
      const reply = nextReply ?? { kind: 'reply', private: true, title: 'ok', sections: [] };
      nextReply = undefined;
      return reply;
    },
    onAction: async (req) => {
      onAction?.(req);
      const reply = nextActionReply ?? { kind: 'reply', private: true, title: 'ok', sections: [] };
      nextActionReply = undefined;
      return reply;
    },
  });
  const server = createHttpServer({ routes: web.routes, readiness: () => true });
  const { port } = await server.start(0, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  const stream: EventReader = await readEvents(`${base}/events`);
  const client = await stream.next('hello', (e) =>
    e.event === 'hello' ? (e.data as { client: string }).client : undefined,
  );

  const feed = async (): Promise<WebCard[]> => {
    const res = await fetch(`${base}/api/feed`);
    if (res.status !== 200) throw new Error(`/api/feed answered ${res.status}`);
    return ((await res.json()) as { messages: WebCard[] }).messages;
  };
  /** The message as the open page has it: the stream's copy once it has caught up with the board. */
  const onPage = async (ref: PostedRef): Promise<WebCard | undefined> => {
    const current = (await feed()).find((c) => c.id === ref.messageId);
    if (!current) return undefined;
    return stream.next(`message ${ref.messageId} revision ${current.revision}`, (e) => {
      if (e.event !== 'message') return undefined;
      const card = e.data as WebCard;
      return card.id === ref.messageId && card.revision >= current.revision ? card : undefined;
    });
  };
  const post = async (path: string, body: Record<string, unknown>) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  };

  return {
    name: 'web',
    platform: web.platform,
    destination: 'contract',
    lostDestination: 'no-such-room',
    canFindPosted: true,
    async seen(ref) {
      const card = await onPage(ref);
      return card && { text: visibleCardText(card), actions: card.actions.map((a) => a.label) };
    },
    async seenDigest(ref) {
      // As the open page has it: the stream's copy once it caught up with the feed.
      const res = await fetch(`${base}/api/feed`);
      const listed = ((await res.json()) as { digests: WebDigest[] }).digests.find(
        (d) => d.id === ref.messageId,
      );
      if (!listed) return undefined;
      const onStream = await stream.next(`digest ${ref.messageId} revision ${listed.revision}`, (e) => {
        if (e.event !== 'digest') return undefined;
        const d = e.data as WebDigest;
        return d.id === ref.messageId && d.revision >= listed.revision ? d : undefined;
      });
      return visibleReplyText(onStream);
    },
    async noticeSeen(ref) {
      // What the open page receives: the `notice` event, drawn like a reply (page-script.ts).
      return stream.next(`notice ${ref.messageId}`, (e) => {
        const data = e.data as { id?: string; room?: string; reply?: WebReply };
        return e.event === 'notice' && data.id === ref.messageId && data.room === 'contract' && data.reply
          ? visibleReplyText(data.reply)
          : undefined;
      });
    },
    async messageCount() {
      return (await feed()).filter((c) => c.room === 'contract').length;
    },
    async followUps(ref) {
      return (await onPage(ref))?.thread.map((l) => l.text) ?? [];
    },
    async typeCommand(text) {
      const next = withTimeout(new Promise<CommandRequest>((resolve) => (onCommand = resolve)), 'command');
      await post('/api/command', { text, name: 'Contract Tester', client });
      return next;
    },
    async press(ref, action) {
      const card = await onPage(ref);
      const button = card?.actions.find((a) =>
        action.kind === 'snooze'
          ? a.kind === 'snooze' && a.duration === action.duration
          : a.kind === action.kind,
      );
      if (!button) throw new Error(`no ${action.kind} button on the card`);
      const next = withTimeout(new Promise<ActionRequest>((resolve) => (onAction = resolve)), 'action');
      await post('/api/action', {
        messageId: ref.messageId,
        action: button.kind,
        duration: button.duration,
        name: 'Contract Tester',
      });
      return next;
    },
    alertProblems(m) {
      const body = renderWebCard(m);
      const problems: string[] = [];
      const card: WebCard = {
        ...body,
        id: 'x',
        room: 'contract',
        postedAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
        revision: 1,
        thread: Array.from({ length: webLimits.maxThreadLines }, () => ({
          at: new Date().toISOString(),
          text: 't'.repeat(webLimits.threadLineChars),
        })),
        earlierLines: 0,
      };
      const bytes = Buffer.byteLength(JSON.stringify(card));
      if (bytes > webLimits.cardBytes) problems.push(`card is ${bytes} bytes, over ${webLimits.cardBytes}`);
      if (body.title.length > webLimits.titleChars) problems.push('title too long');
      if (body.evidence.length > webLimits.evidenceLines + 1) problems.push('too many evidence lines');
      if (body.blastRadius.length > webLimits.blastRadiusItems + 1)
        problems.push('too many blast radius items');
      if (m.state === 'resolved' && body.actions.length > 0) problems.push('a resolved alert offers buttons');
      return problems;
    },
    replyProblems(reply) {
      const rendered = renderWebReply(reply);
      const lines = rendered.sections.reduce((n, s) => n + s.lines.length, 0);
      const bytes = Buffer.byteLength(JSON.stringify(rendered));
      return [
        ...(lines > webLimits.replyLines ? [`${lines} lines`] : []),
        ...(bytes > webLimits.replyBytes ? [`${bytes} bytes`] : []),
      ];
    },
    replyText(reply) {
      return visibleReplyText(renderWebReply(reply));
    },
    async answerWithImage(reply) {
      nextReply = reply;
      const res = await fetch(`${base}/api/command`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: base },
        body: JSON.stringify({ text: 'certs prod --chart', name: 'Contract Tester', client }),
      });
      const answer = (await res.json()) as { reply?: WebReply };
      const image = answer.reply?.image;
      const prefix = 'data:image/png;base64,';
      if (!image?.src.startsWith(prefix)) return { note: `no image in the answer (HTTP ${res.status})` };
      return {
        png: Buffer.from(image.src.slice(prefix.length), 'base64'),
        alt: image.alt,
        title: image.title,
      };
    },
    async pressChart(ref, reply) {
      const card = await onPage(ref);
      if (!card?.actions.some((a) => a.kind === 'chart')) throw new Error('no chart button on the card');
      nextActionReply = reply;
      const next = withTimeout(new Promise<ActionRequest>((resolve) => (onAction = resolve)), 'action');
      // As the page posts a press; the answer (with its picture) comes back in the response.
      const res = await fetch(`${base}/api/action`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: base },
        body: JSON.stringify({ messageId: ref.messageId, action: 'chart', name: 'Contract Tester' }),
      });
      const answer = (await res.json()) as { reply?: WebReply };
      const request = await next;
      const image = answer.reply?.image;
      const prefix = 'data:image/png;base64,';
      if (!image?.src.startsWith(prefix))
        return { request, seen: { note: `no image in the answer (HTTP ${res.status})` } };
      return {
        request,
        seen: {
          png: Buffer.from(image.src.slice(prefix.length), 'base64'),
          alt: image.alt,
          title: image.title,
        },
      };
    },
    liveMarkup() {
      // The chart's <img> is the one reviewed `src =`: the page sets it only to a data:image/png URI.
      const script = pageScript.replace(pngSinkLine, '');
      return htmlSinks.flatMap((sink) => script.match(sink)?.[0] ?? []);
    },
    async close() {
      stream.close();
      await server.stop();
    },
  };
}

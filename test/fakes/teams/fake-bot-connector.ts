import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { listenOnLoopback } from '../../../src/simulator/listen-on-loopback.js';
import { ConnectorActivities, type FakeActivity } from './connector-activities.js';
import {
  ConnectorFaults,
  type ConnectorFault,
  type ConnectorFaultRule,
  type ConnectorOperation,
} from './connector-faults.js';

/** A member as `GET /v3/conversations/{id}/members/{userId}` returns it (TeamsChannelAccount). */
export interface FakeTeamsMember {
  id: string;
  name: string;
  aadObjectId: string;
  userPrincipalName?: string;
  email?: string;
}

/** One call as the fake saw it; the token itself is not kept, only whether there was one. */
export interface RecordedConnectorCall {
  method: string;
  path: string;
  operation: ConnectorOperation | 'unknown';
  /** Base conversation id (without `;messageid=`). */
  conversationId: string;
  /** The `;messageid=` thread or the `/activities/{id}` of the URL. */
  threadId?: string;
  activityId?: string;
  authorized: boolean;
  status: number;
  body?: Record<string, unknown>;
}

/** `ok`, or how the connector answers for a conversation the bot can no longer write to. */
export type FakeConversationState = 'ok' | 'bot-removed' | 'deleted';

/**
 * The Bot Connector (Teams' `serviceUrl`) over real HTTP on loopback, for botbuilder's real
 * ConnectorClient: create, reply and update activities, look up a member; Teams' failure modes on
 * demand (429 with Retry-After, 412, 5xx, slowness, a bot removed from a conversation). Stored
 * conversation references point their serviceUrl here.
 */
export class FakeBotConnector {
  readonly calls: RecordedConnectorCall[] = [];
  private readonly faults = new ConnectorFaults();
  private readonly activities = new ConnectorActivities(1_700_000_000_000);
  private readonly members = new Map<string, FakeTeamsMember>();
  private readonly states = new Map<string, FakeConversationState>();

  private constructor(
    readonly origin: string,
    private readonly closeServer: () => Promise<void>,
  ) {}

  static async start(): Promise<FakeBotConnector> {
    const ref: { fake?: FakeBotConnector } = {};
    const server = createServer((req, res) => {
      ref.fake!.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(error));
      });
    });
    const listening = await listenOnLoopback(server);
    ref.fake = new FakeBotConnector(`http://127.0.0.1:${listening.port}`, listening.close);
    return ref.fake;
  }

  /** What a conversation reference's `serviceUrl` is set to (trailing slash, as Teams sends it). */
  get serviceUrl(): string {
    return `${this.origin}/`;
  }

  close(): Promise<void> {
    return this.closeServer();
  }

  // ---- test controls -------------------------------------------------------------------------

  inject(rule: ConnectorFaultRule): void {
    this.faults.add(rule);
  }

  rateLimit(
    opts: {
      retryAfterSeconds?: number | null;
      times?: number;
      operation?: ConnectorOperation;
      conversationId?: string;
    } = {},
  ): void {
    const { retryAfterSeconds = 1, ...where } = opts;
    this.inject({ ...where, fault: { kind: 'rate-limited', retryAfterSeconds } });
  }

  failStatus(
    status: number,
    opts: { times?: number; operation?: ConnectorOperation; conversationId?: string; code?: string } = {},
  ): void {
    const { code, ...where } = opts;
    this.inject({ ...where, fault: { kind: 'status', status, ...(code ? { code } : {}) } });
  }

  slow(
    delayMs: number,
    opts: { times?: number; operation?: ConnectorOperation; conversationId?: string } = {},
  ): void {
    this.inject({ ...opts, fault: { kind: 'slow', delayMs } });
  }

  clearFaults(): void {
    this.faults.clear();
  }

  setConversationState(conversationId: string, state: FakeConversationState): void {
    this.states.set(conversationId, state);
  }

  addMember(member: FakeTeamsMember): void {
    this.members.set(member.id, member);
  }

  /** Top-level messages of a conversation (not thread replies), oldest first. */
  messages(conversationId: string): FakeActivity[] {
    return this.activities.all().filter((a) => a.conversationId === conversationId && !a.threadId);
  }

  /** Replies in the thread of `rootId`, oldest first. */
  thread(conversationId: string, rootId: string): FakeActivity[] {
    return this.activities.all().filter((a) => a.conversationId === conversationId && a.threadId === rootId);
  }

  /** Everything the bot sent to a conversation, threads included, oldest first. */
  sentTo(conversationId: string): FakeActivity[] {
    return this.activities.all().filter((a) => a.conversationId === conversationId);
  }

  activity(id: string): FakeActivity | undefined {
    return this.activities.get(id);
  }

  callsTo(operation: ConnectorOperation): RecordedConnectorCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.origin).pathname;
    const raw = await readBody(req);
    const match = /^\/v3\/conversations\/([^/]+)(?:\/(activities|members)(?:\/([^/]+))?)?\/?$/.exec(path);
    const rawConversation = match ? decodeURIComponent(match[1]!) : '';
    const [conversationId, suffixThread] = splitThread(rawConversation);
    const collection = match?.[2];
    const item = match?.[3] ? decodeURIComponent(match[3]) : undefined;
    const operation = operationOf(req.method ?? '', collection, item);
    const call: RecordedConnectorCall = {
      method: req.method ?? '',
      path,
      operation,
      conversationId,
      ...(suffixThread ? { threadId: suffixThread } : {}),
      ...(item && collection === 'activities' ? { activityId: item } : {}),
      authorized: /^Bearer \S+/.test(req.headers.authorization ?? ''),
      status: 200,
    };
    let body: Record<string, unknown>;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return this.send(res, call, 400, error('BadSyntax', 'body is not JSON'));
    }
    if (operation !== 'get-member') call.body = body;
    this.calls.push(call);
    if (operation === 'unknown')
      return this.send(res, call, 404, error('NotFound', `no route ${req.method} ${path}`));
    if (await this.applyFaults(this.faults.take(operation, conversationId), call, res)) return;

    const state = this.states.get(conversationId) ?? 'ok';
    if (state === 'bot-removed')
      return this.send(
        res,
        call,
        403,
        error('BotNotInConversationRoster', 'The bot is not part of the conversation roster.'),
      );
    if (state === 'deleted')
      return this.send(res, call, 404, error('ConversationNotFound', 'Conversation not found.'));

    switch (operation) {
      case 'send': {
        const created = this.activities.create(conversationId, suffixThread, body);
        return this.send(res, call, 201, { id: created.id });
      }
      case 'reply': {
        // Replying to a message puts the answer in that message's thread (or the thread it is in).
        const root = suffixThread ?? this.activities.get(item!)?.threadId ?? item!;
        const created = this.activities.create(conversationId, root, body);
        return this.send(res, call, 201, { id: created.id });
      }
      case 'update': {
        const updated = this.activities.update(conversationId, item!, body);
        if (!updated) return this.send(res, call, 404, error('ActivityNotFound', 'Activity not found.'));
        return this.send(res, call, 200, { id: updated.id });
      }
      case 'get-member': {
        const member = this.members.get(item!);
        if (!member) return this.send(res, call, 404, error('MemberNotFound', 'Member not found.'));
        return this.send(res, call, 200, {
          ...member,
          objectId: member.aadObjectId,
          tenantId: 'fake-tenant',
        });
      }
    }
  }

  /** Returns true when a fault answered the call. */
  private async applyFaults(
    faults: ConnectorFault[],
    call: RecordedConnectorCall,
    res: ServerResponse,
  ): Promise<boolean> {
    for (const fault of faults) {
      switch (fault.kind) {
        case 'slow':
          await sleep(fault.delayMs);
          if (res.destroyed) return true;
          break;
        case 'rate-limited': {
          const headers: Record<string, string> = {};
          if (fault.retryAfterSeconds !== null) headers['retry-after'] = String(fault.retryAfterSeconds ?? 1);
          this.send(res, call, 429, error('Throttled', 'Too many requests.'), headers);
          return true;
        }
        case 'status': {
          const headers: Record<string, string> =
            fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
          this.send(
            res,
            call,
            fault.status,
            error(fault.code ?? `Http${fault.status}`, 'Injected failure.'),
            headers,
          );
          return true;
        }
      }
    }
    return false;
  }

  private send(
    res: ServerResponse,
    call: RecordedConnectorCall,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    call.status = status;
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }
}

function operationOf(method: string, collection: string | undefined, item: string | undefined) {
  if (collection === 'activities' && method === 'POST') return item ? 'reply' : 'send';
  if (collection === 'activities' && method === 'PUT' && item) return 'update';
  if (collection === 'members' && method === 'GET' && item) return 'get-member';
  return 'unknown';
}

/** `19:abc@thread.tacv2;messageid=123` → [`19:abc@thread.tacv2`, `123`]. */
function splitThread(conversationId: string): [string, string | undefined] {
  const at = conversationId.indexOf(';messageid=');
  if (at < 0) return [conversationId, undefined];
  return [conversationId.slice(0, at), conversationId.slice(at + ';messageid='.length)];
}

function error(code: string, message: string) {
  return { error: { code, message } };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

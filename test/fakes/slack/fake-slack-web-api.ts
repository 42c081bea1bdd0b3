import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { listenOnLoopback } from '../../../src/simulator/listen-on-loopback.js';
import { FakeFaults, type FakeFault, type FaultRule } from './fake-faults.js';
import { FakeFileUploads, type FakeSlackFile } from './fake-file-uploads.js';
import { FakeMessageStore, type FakeSlackMessage } from './fake-message-store.js';
import { handleWebApiMethod, type ChannelState, type MethodContext } from './fake-web-api-methods.js';
import { parseSlackArgs, readRawBody, str } from './parse-slack-body.js';

export interface FakeSlackWebApiOptions {
  /** The only bot token accepted (Authorization: Bearer, or the `token` argument). */
  token?: string;
  /** The only app-level token apps.connections.open accepts (Socket Mode). */
  appToken?: string;
  /** Clock for message timestamps, in ms. */
  now?: () => number;
}

/** One Web API call as the fake saw it. The token is not kept: tests assert on `authorized`. */
export interface RecordedSlackCall {
  method: string;
  args: Record<string, unknown>;
  authorized: boolean;
  status: number;
  /** `ok:false` error or the injected fault kind, when the call failed. */
  error?: string;
}

/** A POST to a response_url (served under /hooks/ on the same port). */
export interface RecordedResponse {
  path: string;
  body: Record<string, unknown>;
}

/** Where apps.connections.open sends clients: a fake Socket Mode endpoint (fake-socket-mode.ts). */
export interface SocketModeEndpoint {
  /** A fresh single-use `ws://127.0.0.1:PORT/link/?ticket=…` URL. */
  connectionUrl(): string;
}

/**
 * The Slack Web API over real HTTP on loopback, for the real WebClient (pointed here with
 * `slackApiUrl`) and Bolt: chat.postMessage / chat.update with metadata, conversations.history with
 * Slack's paging and newest-first order, usergroups.users.list, auth.test, the file upload flow
 * (files.getUploadURLExternal, the upload URL on this port, files.completeUploadExternal); Slack's failure modes
 * (HTTP 200 ok:false, 429 with Retry-After, 5xx, slowness) on demand; and the response_url target; with a Socket Mode endpoint attached, apps.connections.open (app-level
 * token only) hands out its WebSocket URLs.
 */
export class FakeSlackWebApi {
  readonly calls: RecordedSlackCall[] = [];
  readonly responses: RecordedResponse[] = [];
  readonly token: string;
  readonly appToken: string;
  private socketMode: SocketModeEndpoint | undefined;
  private readonly faults = new FakeFaults();
  private readonly store: FakeMessageStore;
  private readonly channels = new Map<string, ChannelState>();
  private readonly groups = new Map<string, string[]>();
  private readonly uploads = new FakeFileUploads(() => this.origin);

  private constructor(
    options: FakeSlackWebApiOptions,
    readonly origin: string,
    private readonly closeServer: () => Promise<void>,
  ) {
    this.token = options.token ?? 'xoxb-fake-token';
    this.appToken = options.appToken ?? 'xapp-1-A0VIGIL-fake-app-token';
    this.store = new FakeMessageStore(options.now ?? Date.now);
  }

  static async start(options: FakeSlackWebApiOptions = {}): Promise<FakeSlackWebApi> {
    // The handler needs the instance, which needs the port, which needs the server.
    const ref: { fake?: FakeSlackWebApi } = {};
    const server = createServer((req, res) => {
      ref.fake!.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(error));
      });
    });
    const listening = await listenOnLoopback(server);
    ref.fake = new FakeSlackWebApi(options, `http://127.0.0.1:${listening.port}`, listening.close);
    return ref.fake;
  }

  /** Value for SLACK_API_URL / `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  /** A response_url on this fake (same origin as apiUrl, which respondLater accepts). */
  responseUrl(name = 'T0FAKE/1/abc'): string {
    return `${this.origin}/hooks/${name}`;
  }

  close(): Promise<void> {
    return this.closeServer();
  }

  // ---- test controls -------------------------------------------------------------------------

  inject(rule: FaultRule): void {
    this.faults.add(rule);
  }

  rateLimit(
    opts: { retryAfterSeconds?: number | null; times?: number; method?: string; channel?: string } = {},
  ): void {
    const { retryAfterSeconds = 1, ...where } = opts;
    this.inject({ ...where, fault: { kind: 'rate-limited', retryAfterSeconds } });
  }

  failStatus(status: number, opts: { times?: number; method?: string; channel?: string } = {}): void {
    this.inject({ ...opts, fault: { kind: 'status', status } });
  }

  failWith(error: string, opts: { times?: number; method?: string; channel?: string } = {}): void {
    this.inject({ ...opts, fault: { kind: 'error', error } });
  }

  slow(delayMs: number, opts: { times?: number; method?: string; channel?: string } = {}): void {
    this.inject({ ...opts, fault: { kind: 'slow', delayMs } });
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Serves apps.connections.open from this endpoint (FakeSocketMode.start attaches itself). */
  useSocketMode(endpoint: SocketModeEndpoint | undefined): void {
    this.socketMode = endpoint;
  }

  setChannel(channel: string, state: ChannelState): void {
    this.channels.set(channel, state);
  }

  setUserGroup(groupId: string, userIds: string[]): void {
    this.groups.set(groupId, [...userIds]);
  }

  /** Puts a message in a channel directly, e.g. other people's chatter or an old vigil post. */
  seedMessage(
    message: Omit<FakeSlackMessage, 'ts' | 'replies' | 'type'> & { ts?: string },
  ): FakeSlackMessage {
    return this.store.add(message);
  }

  /** Top-level messages of a channel, oldest first. */
  messages(channel: string): FakeSlackMessage[] {
    return this.store.list(channel);
  }

  /** Files uploaded through files.getUploadURLExternal, with their bytes once POSTed. */
  files(): FakeSlackFile[] {
    return this.uploads.all();
  }

  callsTo(method: string): RecordedSlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.origin).pathname;
    const bytes = await readRawBody(req);
    if (req.method === 'POST' && path.startsWith('/upload/')) return this.handleUpload(path, bytes, req, res);
    const raw = bytes.toString('utf8');
    if (req.method === 'POST' && path.startsWith('/hooks/')) return this.handleHook(path, raw, req, res);
    if (req.method !== 'POST' || !path.startsWith('/api/')) {
      res.writeHead(404);
      res.end();
      return;
    }
    const method = path.slice('/api/'.length);
    const args = parseSlackArgs(raw, req.headers['content-type']);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? str(args['token']);
    delete args['token'];
    // apps.connections.open is the one method that takes the app-level token, and only it.
    const socketOpen = method === 'apps.connections.open';
    const expected = socketOpen ? this.appToken : this.token;
    const call: RecordedSlackCall = { method, args, authorized: bearer === expected, status: 200 };
    this.calls.push(call);

    if (await this.applyFaults(this.faults.take(method, str(args['channel'])), call, res)) return;
    if (socketOpen) return this.send(res, call, this.openConnection(bearer));
    if (bearer !== this.token)
      return this.send(res, call, { ok: false, error: bearer ? 'invalid_auth' : 'not_authed' });

    const ctx: MethodContext = {
      store: this.store,
      channelState: (c) => this.channels.get(c) ?? 'ok',
      groups: this.groups,
      uploads: this.uploads,
    };
    this.send(res, call, handleWebApiMethod(method, args, ctx));
  }

  private openConnection(bearer: string | undefined): Record<string, unknown> {
    if (!bearer) return { ok: false, error: 'not_authed' };
    // Slack's answer to a bot or user token here.
    if (bearer === this.token) return { ok: false, error: 'not_allowed_token_type' };
    if (bearer !== this.appToken) return { ok: false, error: 'invalid_auth' };
    // The fake's answer while no Socket Mode endpoint is attached (the app has Socket Mode off).
    if (!this.socketMode) return { ok: false, error: 'socket_mode_not_enabled' };
    return { ok: true, url: this.socketMode.connectionUrl() };
  }

  /** The upload URL files.getUploadURLExternal handed out (no token: the URL is the credential). */
  private async handleUpload(
    path: string,
    bytes: Buffer,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const call: RecordedSlackCall = { method: 'upload_url', args: {}, authorized: true, status: 200 };
    this.calls.push(call);
    if (await this.applyFaults(this.faults.take('upload_url', undefined), call, res)) return;
    call.status = await this.uploads.receive(
      path.slice('/upload/'.length),
      bytes,
      req.headers['content-type'],
    );
    res.writeHead(call.status, { 'content-type': 'text/plain' });
    res.end(call.status === 200 ? `OK - ${bytes.length}` : 'upload failed');
  }

  private async handleHook(
    path: string,
    raw: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const call: RecordedSlackCall = { method: 'response_url', args: {}, authorized: true, status: 200 };
    if (await this.applyFaults(this.faults.take('response_url', undefined), call, res)) return;
    this.responses.push({ path, body: parseSlackArgs(raw, req.headers['content-type']) });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  }

  /** Returns true when a fault answered the call. */
  private async applyFaults(
    faults: FakeFault[],
    call: RecordedSlackCall,
    res: ServerResponse,
  ): Promise<boolean> {
    for (const fault of faults) {
      switch (fault.kind) {
        case 'slow':
          await sleep(fault.delayMs);
          if (res.destroyed) return true; // the client gave up (timeout)
          break;
        case 'rate-limited': {
          call.status = 429;
          call.error = 'ratelimited';
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (fault.retryAfterSeconds !== null) headers['retry-after'] = String(fault.retryAfterSeconds ?? 1);
          res.writeHead(429, headers);
          res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
          return true;
        }
        case 'status':
          call.status = fault.status;
          call.error = `http_${fault.status}`;
          res.writeHead(fault.status, { 'content-type': 'text/html' });
          res.end('<html><body>Slack is having trouble</body></html>');
          return true;
        case 'error':
          this.send(res, call, { ok: false, error: fault.error });
          return true;
      }
    }
    return false;
  }

  private send(res: ServerResponse, call: RecordedSlackCall, body: Record<string, unknown>): void {
    if (body['ok'] === false) call.error = String(body['error']);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }
}

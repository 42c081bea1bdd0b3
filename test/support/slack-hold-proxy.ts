import { createServer, type IncomingMessage } from 'node:http';
import { listenOnLoopback } from '../../src/simulator/listen-on-loopback.js';

export interface HoldRule {
  /** Web API method, e.g. `chat.postMessage`. */
  method: string;
  /** Further condition on the raw request body (e.g. not a thread reply). */
  when?: (body: string) => boolean;
  /** Calls to hold; 1 when omitted. */
  times?: number;
}

/**
 * An HTTP proxy in front of the fake Slack Web API that can let a call take effect and then withhold
 * the answer, forever: the moment a worker is killed "between posting and recording". The fake
 * itself only delays before acting (its `slow` fault), which is the other half of the story.
 */
export class SlackHoldProxy {
  /** Calls that took effect upstream and whose answer was withheld, in order. */
  readonly held: { method: string; body: string }[] = [];
  private rules: (HoldRule & { left: number })[] = [];

  private constructor(
    readonly origin: string,
    private readonly closeServer: () => Promise<void>,
  ) {}

  static async start(upstreamOrigin: string): Promise<SlackHoldProxy> {
    const ref: { proxy?: SlackHoldProxy } = {};
    const server = createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        const upstream = await fetch(`${upstreamOrigin}${req.url ?? '/'}`, {
          method: req.method ?? 'POST',
          headers: pick(req, ['content-type', 'authorization']),
          ...(req.method === 'GET' ? {} : { body }),
        });
        const answer = await upstream.text();
        const method = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/api\//, '');
        if (ref.proxy?.take(method, body)) {
          ref.proxy.held.push({ method, body });
          return; // never answered: the client times out or dies waiting
        }
        const headers: Record<string, string> = {};
        for (const name of ['content-type', 'retry-after']) {
          const value = upstream.headers.get(name);
          if (value) headers[name] = value;
        }
        res.writeHead(upstream.status, headers);
        res.end(answer);
      })().catch(() => res.destroy());
    });
    const listening = await listenOnLoopback(server);
    ref.proxy = new SlackHoldProxy(`http://127.0.0.1:${listening.port}`, listening.close);
    return ref.proxy;
  }

  /** Value for SLACK_API_URL. */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  hold(rule: HoldRule): void {
    this.rules.push({ ...rule, left: rule.times ?? 1 });
  }

  close(): Promise<void> {
    return this.closeServer();
  }

  private take(method: string, body: string): boolean {
    const rule = this.rules.find((r) => r.left > 0 && r.method === method && (r.when?.(body) ?? true));
    if (!rule) return false;
    rule.left -= 1;
    return true;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function pick(req: IncomingMessage, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = req.headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FakeSlackRequest, MessageDigest } from './fake-slack-child.js';

type Request = FakeSlackRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** The fake Slack Web API running in bench/fake-slack-child.ts, driven over the IPC channel. */
export class RemoteFakeSlack {
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly apiUrl: string,
    readonly token: string,
  ) {
    child.on('message', (raw) => {
      const m = raw as { id?: number; result?: unknown };
      if (m.id === undefined) return;
      this.pending.get(m.id)?.(m.result);
      this.pending.delete(m.id);
    });
  }

  static async start(): Promise<RemoteFakeSlack> {
    const child = fork(join(import.meta.dirname, 'fake-slack-child.ts'), [], {
      execArgv: ['--import', import.meta.resolve('tsx')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<{ apiUrl: string; token: string }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the fake Slack process did not start in 30 s')),
        30_000,
      );
      child.once('exit', (code) => reject(new Error(`the fake Slack process exited (${code})`)));
      child.on('message', (m: { ready?: { apiUrl: string; token: string } }) => {
        if (!m.ready) return;
        clearTimeout(timer);
        resolve(m.ready);
      });
    });
    return new RemoteFakeSlack(child, ready.apiUrl, ready.token);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private call<T>(request: Request): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve) => {
      this.pending.set(id, resolve as (r: unknown) => void);
      this.child.send({ ...request, id });
    });
  }

  rateLimit(o: { channel: string; times: number; retryAfterSeconds: number | null; method?: string }) {
    return this.call<null>({ op: 'rateLimit', ...o });
  }

  failStatus(o: { channel: string; times: number; status: number; method?: string }) {
    return this.call<null>({ op: 'failStatus', ...o });
  }

  digest(channels: string[]): Promise<Record<string, MessageDigest[]>> {
    return this.call({ op: 'digest', channels });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await Promise.race([this.call({ op: 'close' }), exited]);
    await exited;
  }
}

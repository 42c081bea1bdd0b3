import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { NODE, REPO, VIGIL_NODE_FLAGS } from './bench-cli.js';

/** `vigil serve` as a child process for the benchmarks and soaks: start, wait for /readyz, stop. */

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export interface ServeProcess {
  child: ChildProcess;
  pid: number;
  base: string;
  logPath: string;
  stop(): Promise<void>;
}

/**
 * Starts `node <vigil flags> <nodeFlags> <program> serve --config <config>` with its log in
 * `logPath`, and resolves once /readyz answers 200 (at most 60 s). SIGTERM on stop, SIGKILL after 10 s.
 */
export async function startServe(o: {
  program: string[];
  config: string;
  env: Record<string, string>;
  logPath: string;
  nodeFlags?: string[];
}): Promise<ServeProcess> {
  const port = await freePort();
  const log = openSync(o.logPath, 'w');
  const child = spawn(
    NODE,
    [...VIGIL_NODE_FLAGS, ...(o.nodeFlags ?? []), ...o.program, 'serve', '--config', o.config],
    {
      cwd: REPO,
      env: { ...process.env, ...o.env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', log, log],
    },
  );
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    closeSync(log);
  };
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (let i = 0; Date.now() < deadline && i < 1200; i++) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${base}/readyz`)).status === 200)
        return { child, pid: child.pid ?? -1, base, logPath: o.logPath, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(
    `vigil serve did not become ready; its log:\n${readFileSync(o.logPath, 'utf8').slice(-3000)}`,
  );
}

/**
 * The live heap of a process started with `--inspect=127.0.0.1:PORT`, after a full GC, through the
 * DevTools protocol (HeapProfiler.collectGarbage, then Runtime.getHeapUsage): the figure that tells
 * retained memory from garbage V8 has not collected yet. vigil needs no debug switch for it.
 */
export class HeapProbe {
  private nextId = 1;
  private readonly pending = new Map<number, (r: Record<string, unknown>) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (e) => {
      const m = JSON.parse(String(e.data)) as { id?: number; result?: Record<string, unknown> };
      if (m.id !== undefined) {
        this.pending.get(m.id)?.(m.result ?? {});
        this.pending.delete(m.id);
      }
    });
  }

  static async connect(inspectPort: number): Promise<HeapProbe> {
    const deadline = Date.now() + 10_000;
    let url: string | undefined;
    while (!url && Date.now() < deadline) {
      try {
        const list = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as {
          webSocketDebuggerUrl: string;
        }[];
        url = list[0]?.webSocketDebuggerUrl;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    if (!url) throw new Error(`no inspector on 127.0.0.1:${inspectPort}`);
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`cannot connect to ${url}`)), { once: true });
    });
    return new HeapProbe(socket);
  }

  private send(method: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket.send(JSON.stringify({ id, method }));
    });
  }

  /** MB of heap in use after a full GC. */
  async heapAfterGcMb(): Promise<number> {
    await this.send('HeapProfiler.collectGarbage');
    const usage = await this.send('Runtime.getHeapUsage');
    return Number(usage['usedSize']) / 1024 / 1024;
  }

  close(): void {
    this.socket.close();
  }
}

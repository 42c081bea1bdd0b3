import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** `vigil serve` as a child process, as it runs in a pod: its log lines, its port, its exit. */
export interface VigilServeProcess {
  readonly base: string;
  /** Its pino log lines (stderr, JSON), parsed; other stderr output as `{ msg }`. */
  readonly logs: Record<string, unknown>[];
  /** Exit code or signal once it has exited; undefined while it runs. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** SIGTERM (a rolling update), then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** Sends SIGTERM and resolves with its exit, or undefined if it is still running after `timeoutMs`. */
  terminate(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined>;
}

const root = join(import.meta.dirname, '..', '..');
const tsxLoader = import.meta.resolve('tsx');

export interface VigilServeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Everything it wrote to stderr (pino lines and vigil's own messages), line by line. */
  stderr: string[];
  elapsedMs: number;
}

/**
 * Runs `vigil serve --config FILE` through bin/vigil.js, the executable a pod runs, until it exits by
 * itself; SIGKILL after `timeoutMs` (the result then says so with signal SIGKILL).
 */
export async function runVigilServeToExit(
  configFile: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<VigilServeRun> {
  const started = Date.now();
  const child = spawn(process.execPath, [join(root, 'bin/vigil.js'), 'serve', '--config', configFile], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', ...env },
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { code, signal, stderr, elapsedMs: Date.now() - started };
}

/** Starts `vigil serve --config FILE` with `env` on an ephemeral loopback port; resolves once it listens. */
export async function startVigilServeProcess(
  configFile: string,
  env: Record<string, string>,
  startTimeoutMs = 25_000,
): Promise<VigilServeProcess> {
  const child = spawn(
    process.execPath,
    ['--import', tsxLoader, join(root, 'src/main.ts'), 'serve', '--config', configFile],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', ...env },
    },
  );
  const logs: Record<string, unknown>[] = [];
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`vigil serve did not start in ${startTimeoutMs} ms`)),
      startTimeoutMs,
    );
    createInterface({ input: child.stderr }).on('line', (text) => {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        line = { msg: text };
      }
      logs.push(line);
      if (line['msg'] === 'vigil serve started' && typeof line['port'] === 'number') {
        clearTimeout(timer);
        resolve(line['port']);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`vigil serve exited at start: ${logs.map((l) => JSON.stringify(l)).join('\n')}`));
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  return {
    base: `http://127.0.0.1:${port}`,
    logs,
    exit: () => exit,
    async terminate(timeoutMs) {
      if (!exit) child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
      return exit;
    },
    async stop(graceMs = 10_000) {
      if (exit) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

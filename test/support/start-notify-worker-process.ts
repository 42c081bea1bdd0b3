import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { NotifyWorkerProcessOptions } from './notify-worker-process.js';

/** One notify worker in a child process (notify-worker-process.ts), as a killable replica. */
export interface NotifyWorkerProcess {
  readonly pid: number;
  /** Its stdout, parsed: `{event}` reports and log lines `{level, msg, ...fields}`. */
  readonly lines: Record<string, unknown>[];
  /** SIGKILL (a crash, an OOM kill) by default; resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

// Absolute loader URL and the running Node (24, from the `node` devDependency), as cli.test.ts does.
const tsxLoader = import.meta.resolve('tsx');
const script = join(import.meta.dirname, 'notify-worker-process.ts');

export async function startNotifyWorkerProcess(
  options: NotifyWorkerProcessOptions,
  startTimeoutMs = 20_000,
): Promise<NotifyWorkerProcess> {
  const child = spawn(process.execPath, ['--import', tsxLoader, script, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'error' },
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`notify worker process not ready in ${startTimeoutMs} ms: ${stderr}`)),
      startTimeoutMs,
    );
    createInterface({ input: child.stdout }).on('line', (text) => {
      try {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        if (line['event'] === 'ready') {
          clearTimeout(timer);
          resolve();
        }
      } catch {
        lines.push({ msg: text });
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`notify worker process exited before it was ready: ${stderr}`));
    });
  });
  try {
    await ready;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    pid: child.pid ?? -1,
    lines,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

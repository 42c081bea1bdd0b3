import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

interface Holder {
  pid: number;
  host: string;
}

function readHolder(path: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}

function removeIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the lock's holder is gone: a process on this host that died, or a lock far too old. */
function stale(path: string, holder: Holder | undefined, staleAfterMs: number): boolean {
  if (holder && holder.host === hostname()) return !alive(holder.pid);
  try {
    return Date.now() - statSync(path).mtimeMs > staleAfterMs;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL), so that parallel test
 * workers, two `npm test` runs or the demo provisioning the same cache wait for each other instead
 * of downloading twice. The wait is bounded; a lock left by a dead process is taken over.
 */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  opts: { timeoutMs: number; onWait?: (holder: string) => void },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() } satisfies Holder));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readHolder(path);
    if (stale(path, holder, opts.timeoutMs)) {
      // Re-read right before removing: another waiter may have just replaced the stale lock.
      if (JSON.stringify(readHolder(path)) === JSON.stringify(holder)) removeIfPresent(path);
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`${path} is still held by pid ${holder?.pid ?? '?'} after ${opts.timeoutMs / 1000} s`);
    }
    if (!announced) opts.onWait?.(holder ? `pid ${holder.pid} on ${holder.host}` : 'another process');
    announced = true;
    await new Promise((r) => setTimeout(r, 250));
  }
  try {
    return await fn();
  } finally {
    removeIfPresent(path);
  }
}

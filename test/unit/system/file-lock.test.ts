import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withFileLock } from '../../../src/system/file-lock.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('withFileLock', () => {
  it('runs one holder at a time and removes the lock after', async () => {
    const lock = join(dir, 'serial.lock');
    const events: string[] = [];
    const task = (name: string) =>
      withFileLock(
        lock,
        async () => {
          events.push(`${name} in`);
          await new Promise((r) => setTimeout(r, 100));
          events.push(`${name} out`);
          return name;
        },
        { timeoutMs: 5000 },
      );
    expect(await Promise.all([task('a'), task('b')])).toEqual(['a', 'b']);
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock whose process is gone', async () => {
    const lock = join(dir, 'stale.lock');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(lock, JSON.stringify({ pid: dead, host: hostname() }));
    expect(await withFileLock(lock, async () => 'ran', { timeoutMs: 2000 })).toBe('ran');
  });

  it('gives up after the timeout while a live process holds it, naming the holder', async () => {
    const lock = join(dir, 'held.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname() }));
    const waited: string[] = [];
    await expect(
      withFileLock(lock, async () => 'never', { timeoutMs: 600, onWait: (h) => waited.push(h) }),
    ).rejects.toThrow(`${lock} is still held by pid ${process.pid} after 0.6 s`);
    expect(waited).toEqual([`pid ${process.pid} on ${hostname()}`]);
    expect(existsSync(lock)).toBe(true);
  });
});

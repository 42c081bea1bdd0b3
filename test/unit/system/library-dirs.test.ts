import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { libraryDirs } from '../../../src/system/library-dirs.js';

const root = mkdtempSync(join(tmpdir(), 'vigil-libdirs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(rel: string) {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), '');
}

describe('libraryDirs', () => {
  it('finds every directory holding shared libraries, shallowest first, and nothing else', () => {
    file('usr/lib/x86_64-linux-gnu/libjemalloc.so.2');
    symlinkSync('libjemalloc.so.2', join(root, 'usr/lib/x86_64-linux-gnu/libjemalloc.so'));
    file('usr/lib/x86_64-linux-gnu/pulseaudio/libpulsecommon-16.1.so');
    file('lib/x86_64-linux-gnu/libudev.so.1.7.5');
    file('usr/lib/x86_64-linux-gnu/dri/swrast_dri.so'); // a driver, loaded by path
    file('lib/systemd/system/dbus.socket');
    file('usr/share/man/man8/ld.so.8.gz');
    file('usr/bin/redis-server');
    expect(libraryDirs(root)).toEqual([
      'lib/x86_64-linux-gnu',
      'usr/lib/x86_64-linux-gnu',
      'usr/lib/x86_64-linux-gnu/pulseaudio',
    ]);
  });
});

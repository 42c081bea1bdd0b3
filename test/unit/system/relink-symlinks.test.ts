import { mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { relinkSymlinks } from '../../../src/system/relink-symlinks.js';

const base = mkdtempSync(join(tmpdir(), 'vigil-relink-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function file(root: string, rel: string) {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), '');
}
function link(root: string, rel: string, target: string) {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  symlinkSync(target, join(root, rel));
}

describe('relinkSymlinks', () => {
  const staging = join(base, 'staging');
  const final = join(base, 'final');
  const machine = join(base, 'machine');
  file(staging, 'usr/bin/redis-check-rdb');
  link(staging, 'usr/bin/redis-check-aof', 'redis-check-rdb');
  link(staging, 'usr/bin/redis-server', 'redis-check-rdb-missing');
  file(machine, 'usr/bin/redis-check-rdb-missing');
  link(staging, 'usr/share/doc/x/copyright', '/usr/share/common-licenses/x');
  file(staging, 'usr/share/common-licenses/x');
  link(staging, 'etc/fonts/conf.d/10-x.conf', '/usr/share/fontconfig/conf.avail/10-x.conf');
  link(staging, 'usr/bin/nowhere', 'gone');
  relinkSymlinks(staging, final, machine);

  it('keeps a relative link whose target was unpacked with it', () => {
    expect(readlinkSync(join(staging, 'usr/bin/redis-check-aof'))).toBe('redis-check-rdb');
  });

  it("points a link at the machine's file when its package was not fetched (already installed)", () => {
    expect(readlinkSync(join(staging, 'usr/bin/redis-server'))).toBe(
      join(machine, 'usr/bin/redis-check-rdb-missing'),
    );
  });

  it('points an absolute link at the unpacked copy, where the directory will end up', () => {
    expect(readlinkSync(join(staging, 'usr/share/doc/x/copyright'))).toBe(
      join(final, 'usr/share/common-licenses/x'),
    );
  });

  it('leaves links that lead nowhere better as they are', () => {
    expect(readlinkSync(join(staging, 'etc/fonts/conf.d/10-x.conf'))).toBe(
      '/usr/share/fontconfig/conf.avail/10-x.conf',
    );
    expect(readlinkSync(join(staging, 'usr/bin/nowhere'))).toBe('gone');
  });
});

import { mkdirSync, mkdtempSync, readlinkSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkMachineSiblings } from '../../../src/system/link-machine-siblings.js';

const base = mkdtempSync(join(tmpdir(), 'vigil-siblings-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function file(root: string, rel: string) {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), rel);
}

describe('linkMachineSiblings', () => {
  const staging = join(base, 'staging');
  const machine = join(base, 'machine');
  file(staging, 'usr/lib/chromium/chromium');
  file(machine, 'usr/lib/chromium/chromium'); // the machine's own copy stays out of the unpack
  file(machine, 'usr/lib/chromium/icudtl.dat'); // from chromium-common, installed, so not fetched
  file(machine, 'usr/lib/chromium/resources.pak');
  file(staging, 'usr/bin/redis-server');
  file(machine, 'usr/bin/ls');

  it("links the machine's files next to the executable that the unpack lacks", () => {
    expect(linkMachineSiblings(staging, 'usr/lib/chromium/chromium', machine)).toBe(2);
    expect(readdirSync(join(staging, 'usr/lib/chromium')).sort()).toEqual([
      'chromium',
      'icudtl.dat',
      'resources.pak',
    ]);
    expect(readlinkSync(join(staging, 'usr/lib/chromium/icudtl.dat'))).toBe(
      join(machine, 'usr/lib/chromium/icudtl.dat'),
    );
  });

  it('leaves shared program directories such as usr/bin alone', () => {
    expect(linkMachineSiblings(staging, 'usr/bin/redis-server', machine)).toBe(0);
    expect(readdirSync(join(staging, 'usr/bin'))).toEqual(['redis-server']);
  });

  it('does nothing when the machine lacks the directory (a fresh machine)', () => {
    expect(linkMachineSiblings(staging, 'usr/lib/other/prog', machine)).toBe(0);
  });
});

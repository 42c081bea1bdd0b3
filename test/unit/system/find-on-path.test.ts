import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath } from '../../../src/system/find-on-path.js';

const base = mkdtempSync(join(tmpdir(), 'vigil-path-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('findOnPath', () => {
  const [a, b, c] = ['a', 'b', 'c'].map((d) => join(base, d)) as [string, string, string];
  for (const d of [a, b, c]) mkdirSync(d);
  writeFileSync(join(a, 'tool'), 'not executable');
  mkdirSync(join(b, 'tool')); // a directory, even an executable one, is not a program
  writeFileSync(join(c, 'tool'), '#!/bin/sh\n');
  chmodSync(join(c, 'tool'), 0o755);

  it('returns the first executable file, skipping plain files and directories', () => {
    expect(findOnPath('tool', [a, b, c].join(':'))).toBe(join(c, 'tool'));
  });

  it('ignores empty and relative entries (the current directory) and an unset PATH', () => {
    expect(findOnPath('tool', `:.:c:${a}`)).toBeUndefined();
    expect(findOnPath('tool', undefined)).toBeUndefined();
  });
});

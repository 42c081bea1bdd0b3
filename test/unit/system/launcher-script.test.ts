import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launcherScript } from '../../../src/system/launcher-script.js';

// A directory whose name needs quoting in sh: space, single quote, dollar.
const dir = mkdtempSync(join(tmpdir(), "vigil launcher 'q' $x-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a launcher for a program that prints its argv[0], arguments and environment, and runs it. */
function run(env: Record<string, string>, ...args: string[]) {
  const program = join(dir, 'prog');
  writeFileSync(
    program,
    '#!/bin/sh\nprintf "%s\\n" "$0" "$@" "LD=${LD_LIBRARY_PATH:-}" "FC=${FONTCONFIG_FILE:-}"\n',
  );
  chmodSync(program, 0o755);
  const libs = [join(dir, 'usr/lib/x86_64-linux-gnu'), join(dir, 'usr/lib/x86_64-linux-gnu/pulseaudio')];
  for (const l of libs) mkdirSync(l, { recursive: true });
  const launcher = join(dir, 'launcher');
  writeFileSync(
    launcher,
    launcherScript({
      executable: program,
      libraryPath: libs,
      defaults: { FONTCONFIG_FILE: join(dir, 'fonts.conf') },
      comment: 'test launcher\nsecond line',
    }),
  );
  chmodSync(launcher, 0o755);
  const out = execFileSync(launcher, args, { env: { PATH: '/usr/bin:/bin', ...env }, encoding: 'utf8' });
  return { out: out.split('\n').slice(0, -1), libs };
}

describe('launcherScript', () => {
  it('execs the program with its arguments intact and the unpacked libraries first', () => {
    const { out, libs } = run({ LD_LIBRARY_PATH: '/opt/other' }, 'a b', "it's", '$HOME', '');
    expect(out).toEqual([
      join(dir, 'prog'),
      'a b',
      "it's",
      '$HOME',
      '',
      `LD=${libs.join(':')}:/opt/other`,
      `FC=${join(dir, 'fonts.conf')}`,
    ]);
  });

  it('adds no empty LD_LIBRARY_PATH entry, and keeps a default the caller already set', () => {
    const { out, libs } = run({ FONTCONFIG_FILE: '/etc/mine.conf' });
    expect(out.slice(-2)).toEqual([`LD=${libs.join(':')}`, 'FC=/etc/mine.conf']);
  });

  it('refuses a variable name the shell would not take', () => {
    expect(() =>
      launcherScript({ executable: '/bin/true', libraryPath: [], defaults: { 'A;rm': 'x' }, comment: '' }),
    ).toThrow(/not an environment variable name/);
  });
});

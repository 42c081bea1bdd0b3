import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath } from '../../../src/system/find-on-path.js';
import { hostPlatform } from '../../../src/system/host-platform.js';
import { resolveSystemBinary, SystemBinaryMissingError } from '../../../src/system/resolve-system-binary.js';
import { systemCacheDir } from '../../../src/system/system-cache-dir.js';

const base = mkdtempSync(join(tmpdir(), 'vigil-resolve-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A PATH holding only symlinks to the given machine programs: no htpasswd on it, whatever is installed. */
function pathWith(name: string, programs: string[]): string {
  const dir = join(base, name);
  mkdirSync(dir);
  for (const p of programs) {
    const found = findOnPath(p, process.env.PATH);
    if (found) symlinkSync(found, join(dir, p));
  }
  return dir;
}

function executable(path: string): string {
  writeFileSync(path, '#!/bin/sh\necho fake\n');
  chmodSync(path, 0o755);
  return path;
}

const quiet = () => {};

describe('resolveSystemBinary: where a program comes from', () => {
  it('its environment variable first, which must name an executable', async () => {
    const fake = executable(join(base, 'my-htpasswd'));
    await expect(
      resolveSystemBinary('htpasswd', { env: { VIGIL_HTPASSWD: fake, PATH: '/usr/bin' } }),
    ).resolves.toEqual({
      name: 'htpasswd',
      path: fake,
      source: 'env',
    });
    const wrong = resolveSystemBinary('htpasswd', {
      env: { VIGIL_HTPASSWD: join(base, 'nope'), PATH: '/usr/bin' },
    });
    await expect(wrong).rejects.toBeInstanceOf(SystemBinaryMissingError);
    await expect(wrong).rejects.toThrow(`VIGIL_HTPASSWD=${join(base, 'nope')} is not an executable file`);
  });

  it('then PATH', async () => {
    const dir = join(base, 'path-dir');
    mkdirSync(dir);
    const fake = executable(join(dir, 'docker-registry'));
    await expect(resolveSystemBinary('docker-registry', { env: { PATH: dir } })).resolves.toMatchObject({
      path: fake,
      source: 'path',
    });
  });

  it('without it and without provisioning: an error naming the install command', async () => {
    const env = { PATH: pathWith('bare', []), VIGIL_SYSTEM_CACHE: join(base, 'empty-cache') };
    const err = await resolveSystemBinary('htpasswd', { env, provision: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SystemBinaryMissingError);
    expect((err as Error).message).toMatch(
      /^htpasswd not found: VIGIL_HTPASSWD is unset, htpasswd is not on PATH, and it is not in .*empty-cache.* \(provisioning off\)\. Install it: .*(apache2-utils|httpd)/,
    );
  });

  it('without apt-get on PATH it cannot fetch one, and says how to install it', async () => {
    const env = { PATH: pathWith('no-apt', []), VIGIL_SYSTEM_CACHE: join(base, 'no-apt-cache') };
    await expect(resolveSystemBinary('htpasswd', { env, log: quiet })).rejects.toThrow(
      /only where apt-get and dpkg-deb exist \(Debian, Ubuntu\)\. Install it: /,
    );
  });
});

/*
 * The real thing, every run: apt-get download into a fresh cache, dpkg-deb -x, the launcher, then
 * bcrypt through the unpacked htpasswd. Needs Debian or Ubuntu, the platform the suite runs on
 * (.ci/run). The package indexes are shared with the suite's cache (an `apt-get update` per run
 * would fetch ~10 MB for nothing); everything else starts empty.
 */
describe('resolveSystemBinary: fetching a Debian package', () => {
  it('unpacks apache2-utils once, for concurrent callers, and runs htpasswd from it', async () => {
    const cacheRoot = join(base, 'fetch-cache');
    const env = { PATH: pathWith('apt-only', ['apt-get', 'dpkg-deb']), VIGIL_SYSTEM_CACHE: cacheRoot };
    const host = hostPlatform();
    const sharedApt = join(systemCacheDir(process.env, host), 'apt');
    const platformCache = systemCacheDir(env, host);
    mkdirSync(platformCache, { recursive: true });
    if (existsSync(sharedApt)) symlinkSync(sharedApt, join(platformCache, 'apt'));

    const logs: string[] = [];
    const [a, b] = await Promise.all([
      resolveSystemBinary('htpasswd', { env, log: (l) => logs.push(l) }),
      resolveSystemBinary('htpasswd', { env, log: (l) => logs.push(l) }),
    ]);
    expect(a).toEqual({
      name: 'htpasswd',
      path: join(platformCache, 'apache2-utils/bin/htpasswd'),
      source: 'provisioned',
    });
    expect(b).toEqual(a);
    expect(logs.filter((l) => l.startsWith('htpasswd is not installed; fetching'))).toHaveLength(1);

    const line = execFileSync(a.path, ['-Bbn', 'ci', 'Corr3ct'], { encoding: 'utf8' });
    expect(line).toMatch(/^ci:\$2y\$05\$[./A-Za-z0-9]{53}\n*$/);
    const manifest = JSON.parse(readFileSync(join(platformCache, 'apache2-utils/vigil-system.json'), 'utf8'));
    expect(manifest.packages).toEqual(expect.arrayContaining([expect.stringMatching(/^apache2-utils/)]));

    await expect(resolveSystemBinary('htpasswd', { env, log: quiet })).resolves.toMatchObject({
      source: 'cache',
    });
  }, 180_000);
});

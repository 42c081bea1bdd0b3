import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { withFileLock } from './file-lock.js';
import { findOnPath, isExecutableFile } from './find-on-path.js';
import { hostPlatform } from './host-platform.js';
import { installHint } from './install-hint.js';
import { cachedLauncher, provisionDeb } from './provision-deb.js';
import { systemCacheDir } from './system-cache-dir.js';
import { systemBinaries, type SystemBinaryName } from './system-binaries.js';

export interface ResolvedSystemBinary {
  readonly name: SystemBinaryName;
  /** What to spawn: the program itself, or the launcher of a copy unpacked into the project's cache. */
  readonly path: string;
  /** `env`: the binary's environment variable; `path`: found on PATH; `cache`: fetched earlier; `provisioned`: fetched now. */
  readonly source: 'env' | 'path' | 'cache' | 'provisioned';
}

export interface ResolveSystemBinaryOptions {
  /** Fetch the Debian package when nothing else has the program (default true). */
  provision?: boolean;
  /** Where VIGIL_* variables, PATH and VIGIL_SYSTEM_CACHE are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Progress while fetching (default: stderr); silent when nothing needs fetching. */
  log?: (line: string) => void;
}

/** The program cannot be found or fetched; the message names the install command for this machine. */
export class SystemBinaryMissingError extends Error {
  override readonly name = 'SystemBinaryMissingError';
}

const provisionLockTimeoutMs = 20 * 60_000;

/**
 * Finds a program vigil runs as a real process (src/system/system-binaries.ts), in order:
 * 1. its environment variable (VIGIL_REDIS_SERVER, VIGIL_DOCKER_REGISTRY, ...), which must name an
 *    executable file: a wrong value is an error, not a reason to look elsewhere;
 * 2. PATH;
 * 3. a copy the project unpacked earlier into its cache (src/system/system-cache-dir.ts);
 * 4. on Debian/Ubuntu, a copy it unpacks now (src/system/provision-deb.ts): no root, nothing
 *    installed system-wide; concurrent callers wait on one lock instead of downloading twice.
 * Otherwise a SystemBinaryMissingError that says how to install it here.
 */
export async function resolveSystemBinary(
  name: SystemBinaryName,
  opts: ResolveSystemBinaryOptions = {},
): Promise<ResolvedSystemBinary> {
  const binary = systemBinaries[name];
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line: string) => process.stderr.write(`vigil: ${line}\n`));

  const fromEnv = env[binary.envVar];
  if (fromEnv) {
    if (isExecutableFile(fromEnv)) return { name, path: fromEnv, source: 'env' };
    throw new SystemBinaryMissingError(`${binary.envVar}=${fromEnv} is not an executable file`);
  }
  for (const command of binary.commands) {
    const found = findOnPath(command, env['PATH']);
    if (found) return { name, path: found, source: 'path' };
  }
  const host = hostPlatform();
  const cache = systemCacheDir(env, host);
  const launcher = cachedLauncher(binary, cache);
  if (isExecutableFile(launcher)) return { name, path: launcher, source: 'cache' };

  const missing = (reason: string) =>
    new SystemBinaryMissingError(
      `${name} not found: ${binary.envVar} is unset, ${binary.commands.join('/')} is not on PATH, and ${reason}. ` +
        `Install it: ${installHint(binary, host)} (or set ${binary.envVar} to the executable)`,
    );
  if (opts.provision === false) throw missing(`it is not in ${cache} (provisioning off)`);
  const aptHere =
    host.os === 'linux' && findOnPath('apt-get', env['PATH']) && findOnPath('dpkg-deb', env['PATH']);
  if (!aptHere) {
    throw missing('vigil fetches it itself only where apt-get and dpkg-deb exist (Debian, Ubuntu)');
  }
  try {
    mkdirSync(cache, { recursive: true });
    await withFileLock(
      join(cache, '.provision.lock'),
      async () => {
        // Another process may have provisioned it while this one waited for the lock.
        if (!isExecutableFile(launcher)) {
          log(`${name} is not installed; fetching Debian package ${binary.deb} into ${cache} (once)`);
          await provisionDeb(binary, cache, log);
        }
      },
      {
        timeoutMs: provisionLockTimeoutMs,
        onWait: (holder) => log(`waiting for ${holder} to finish provisioning ${cache}`),
      },
    );
  } catch (err) {
    throw missing(`fetching ${binary.deb} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { name, path: launcher, source: 'provisioned' };
}

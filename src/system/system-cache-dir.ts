import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostPlatform } from './host-platform.js';

/** The project's node_modules/.cache (the usual home of tool caches), found from this file upwards. */
function projectCache(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules', '.cache', 'vigil-system');
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Where unpacked packages live: $VIGIL_SYSTEM_CACHE, else node_modules/.cache/vigil-system (removed
 * with node_modules, so a fresh install starts clean), else ~/.cache/vigil-system. One subdirectory
 * per distribution release and architecture, so a cache copied elsewhere is never used there.
 */
export function systemCacheDir(env: NodeJS.ProcessEnv, host: HostPlatform): string {
  const base =
    env['VIGIL_SYSTEM_CACHE'] ||
    projectCache() ||
    join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'vigil-system');
  return join(base, `${host.distro[0] ?? host.os}-${host.release}-${host.arch}`);
}

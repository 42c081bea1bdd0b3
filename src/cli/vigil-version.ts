import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version in vigil's package.json, found from `moduleUrl` upwards: src/main.ts in a checkout,
 * dist/src/main.js in the container image (/app/package.json, Dockerfile) or after `npm run build`.
 * The nearest package.json named "vigil" wins; a build without one says so instead of guessing.
 */
export function vigilVersion(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'vigil' && typeof pkg.version === 'string') return pkg.version;
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown (no package.json named vigil above this build)';
    dir = parent;
  }
}

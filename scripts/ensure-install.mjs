// Runs before `npm run demo` and `npm test` so the README's two Quick start commands work on a
// fresh clone. Plain JavaScript on purpose: on a fresh machine this runs under the system Node
// (maybe 20), before the project's own Node 24 (the `node` devDependency) is installed.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const marker = 'node_modules/.package-lock.json';
const installed = existsSync('node_modules/.bin/node') && existsSync(marker);
const stale = installed && statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs + 1000;
if (!installed || stale) {
  console.error(
    `vigil: ${installed ? 'package-lock.json changed' : 'first run'}; installing dependencies (includes Node 24)...`,
  );
  // `npm install`, not `npm ci`: the lock cannot list msgpackr-extract's prebuilt binaries for other
  // platforms (the registry here lacks them), and `npm ci` rejects such a lock; install keeps the
  // locked versions and leaves package-lock.json unchanged.
  execSync('npm install --no-audit --no-fund', { stdio: 'inherit' });
}

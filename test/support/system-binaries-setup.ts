import { provisionSystemBinaries } from '../../src/system/provision-system-binaries.js';

/**
 * vitest globalSetup: finds or fetches (src/system/resolve-system-binary.ts) every program the
 * suite runs as a real process, once, before any test file starts, so parallel workers find them in
 * the cache instead of racing to download. A binary that cannot be had fails the run here, with the
 * command that installs it; no test is skipped for want of one.
 */
const suiteSystemBinaries = [
  'redis-server',
  'redis-cli',
  'docker-registry',
  'htpasswd',
  'chromium',
  'promtool',
] as const;

export default async function setup(): Promise<void> {
  await provisionSystemBinaries(suiteSystemBinaries, {
    log: (line) => process.stderr.write(`vigil test setup: ${line}\n`),
  });
}

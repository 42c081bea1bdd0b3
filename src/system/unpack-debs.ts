import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { relinkSymlinks } from './relink-symlinks.js';
import { runTool } from './run-tool.js';

/**
 * Unpacked as root, a helper such as dbus-daemon-launch-helper keeps its setuid bit; nothing here
 * needs one, and a setuid-root file in a cache directory is a hazard.
 */
function dropSetId(root: string): void {
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const { mode } = lstatSync(path);
    if (mode & 0o6000) chmodSync(path, mode & 0o1777);
  }
}

/**
 * Unpacks each .deb into `stagingRoot` with `dpkg-deb -x`: files only, no maintainer scripts, no
 * dpkg database, no root. Then fixes the symlinks for the directory's final place (`finalRoot`).
 */
export async function unpackDebs(
  debFiles: readonly string[],
  stagingRoot: string,
  finalRoot: string,
): Promise<void> {
  const queue = [...debFiles];
  // Two at a time: dpkg-deb is mostly decompression, and the machine may be small.
  const worker = async () => {
    for (let deb = queue.shift(); deb; deb = queue.shift()) {
      await runTool('dpkg-deb', ['-x', deb, stagingRoot], { timeoutMs: 120_000 });
    }
  };
  await Promise.all([worker(), worker()]);
  relinkSymlinks(stagingRoot, finalRoot);
  dropSetId(stagingRoot);
}

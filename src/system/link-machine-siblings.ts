import { existsSync, lstatSync, readdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Directories every package shares: completing one from the machine would copy the whole system in. */
const sharedDirs = new Set(['bin', 'sbin', 'usr/bin', 'usr/sbin', 'usr/local/bin', 'usr/local/sbin']);

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Programs read files next to their executable: Chromium loads icudtl.dat and its .pak resources from
 * its own directory, and Debian ships those in chromium-common. When the machine has that sibling
 * package installed (at the version apt wanted, or apt would have planned it), only `chromium` is
 * fetched, so its unpacked directory lacks them. This links each file the machine has in the
 * executable's directory (`machineRoot`, / but in tests) and the unpack lacks. Returns how many.
 */
export function linkMachineSiblings(stagingRoot: string, executable: string, machineRoot = '/'): number {
  const dir = dirname(executable);
  const onMachine = join(machineRoot, dir);
  if (sharedDirs.has(dir) || !existsSync(onMachine)) return 0;
  let linked = 0;
  for (const name of readdirSync(onMachine)) {
    const target = join(stagingRoot, dir, name);
    if (exists(target)) continue;
    symlinkSync(join(onMachine, name), target);
    linked++;
  }
  return linked;
}

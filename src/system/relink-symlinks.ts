import { existsSync, lstatSync, readdirSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Repoints the symlinks of packages unpacked into `stagingRoot` that would otherwise lead out of it:
 * - an absolute link (/usr/share/x -> /etc/alternatives/x) whose target was unpacked too is pointed
 *   at that copy, under `finalRoot`, the directory `stagingRoot` is renamed to once complete;
 * - a relative link whose target is not in this unpack (usr/bin/redis-server -> redis-check-rdb when
 *   redis-tools is already installed, so only redis-server was fetched) is pointed at the machine's
 *   file, when the machine (`machineRoot`, / but in tests) has it.
 * Other links are left alone: an absolute one still reaches the machine's file.
 */
export function relinkSymlinks(stagingRoot: string, finalRoot: string, machineRoot = '/'): void {
  for (const entry of readdirSync(stagingRoot, { recursive: true, withFileTypes: true })) {
    if (!entry.isSymbolicLink()) continue;
    const link = join(entry.parentPath, entry.name);
    const target = readlinkSync(link);
    let repointed: string | undefined;
    if (isAbsolute(target)) {
      if (exists(join(stagingRoot, target))) repointed = join(finalRoot, target);
    } else {
      const inStaging = resolve(dirname(link), target);
      const inside = inStaging.startsWith(stagingRoot + sep);
      if (!inside || !exists(inStaging)) {
        const onMachine = join(machineRoot, resolve(dirname(`/${relative(stagingRoot, link)}`), target));
        if (existsSync(onMachine)) repointed = onMachine;
      }
    }
    if (repointed) {
      unlinkSync(link);
      symlinkSync(repointed, link);
    }
  }
}

import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** libfoo.so, libfoo.so.6, libfoo.so.6.0.3: the names the dynamic loader looks for. */
const sharedLibrary = /^lib.+\.so(\.\d+)*$/;

/**
 * The directories under `root` that hold shared libraries (as paths relative to it), shallowest
 * first: what LD_LIBRARY_PATH must list for programs unpacked there. Found by looking rather than
 * by a fixed list, because packages also keep libraries in private directories (pulseaudio's
 * libpulsecommon sits in usr/lib/<triplet>/pulseaudio, reached through an absolute RUNPATH).
 */
export function libraryDirs(root: string): string[] {
  const dirs = new Set<string>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if ((entry.isFile() || entry.isSymbolicLink()) && sharedLibrary.test(entry.name)) {
      dirs.add(relative(root, entry.parentPath));
    }
  }
  return [...dirs].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
}

/** Absolute form of libraryDirs() for a root that will live at `finalRoot`. */
export function libraryPath(stagingRoot: string, finalRoot: string): string[] {
  return libraryDirs(stagingRoot).map((d) => join(finalRoot, d));
}

import {
  resolveSystemBinary,
  SystemBinaryMissingError,
  type ResolvedSystemBinary,
  type ResolveSystemBinaryOptions,
} from './resolve-system-binary.js';
import type { SystemBinaryName } from './system-binaries.js';

/**
 * Resolves each binary, fetching the missing ones one after the other (they share apt's indexes and
 * one lock), and fails once at the end with every binary that could not be had and how to install
 * it, rather than at the first.
 */
export async function provisionSystemBinaries(
  names: readonly SystemBinaryName[],
  opts: ResolveSystemBinaryOptions = {},
): Promise<ResolvedSystemBinary[]> {
  const resolved: ResolvedSystemBinary[] = [];
  const failures: string[] = [];
  for (const name of names) {
    try {
      resolved.push(await resolveSystemBinary(name, opts));
    } catch (err) {
      if (!(err instanceof SystemBinaryMissingError)) throw err;
      failures.push(err.message);
    }
  }
  if (failures.length > 0) throw new SystemBinaryMissingError(failures.join('\n'));
  return resolved;
}

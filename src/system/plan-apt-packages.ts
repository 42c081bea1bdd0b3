import type { AptIndexes } from './apt-indexes.js';
import { runTool } from './run-tool.js';

/** One package `apt-get download` fetches, pinned to the version apt planned. */
export interface PlannedPackage {
  readonly name: string;
  readonly version: string | undefined;
}

/**
 * The dynamic loader and the C library come from the machine, always: a newer libc6 unpacked next to
 * the system's ld.so would break every program started with it, so it is never fetched.
 */
const neverFetched = new Set(['libc6', 'libc-bin']);

/**
 * Reads `apt-get -s install` output: `Inst name [installed] (version origin [arch])`. Those are the
 * packages the machine lacks (or has too old) for the requested one, with alternatives and virtual
 * packages already resolved against what is installed: what `apt-cache depends --recurse` filtered
 * by `dpkg -s` approximates, minus its guesswork.
 */
export function parseAptSimulation(stdout: string): PlannedPackage[] {
  const planned: PlannedPackage[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^Inst (\S+) (?:\[[^\]]*\] )?\((\S+) /.exec(line);
    if (m?.[1] && !neverFetched.has(m[1].replace(/:.*$/, ''))) planned.push({ name: m[1], version: m[2] });
  }
  return planned;
}

/**
 * What to download so that `deb` runs here: the package itself (always, even when dpkg lists it as
 * installed but its program is missing from PATH) and each dependency the machine lacks, no
 * Recommends. `apt-get -s` only simulates, so it runs without root.
 */
export async function planAptPackages(deb: string, indexes: AptIndexes): Promise<PlannedPackage[]> {
  const stdout = await runTool(
    'apt-get',
    ['-s', 'install', '--no-install-recommends', ...indexes.options, deb],
    {
      timeoutMs: 120_000,
    },
  );
  const planned = parseAptSimulation(stdout);
  if (!planned.some((p) => p.name === deb)) planned.push({ name: deb, version: undefined });
  return planned;
}

import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTool } from './run-tool.js';

/** apt `-o` settings that point apt-get at a set of package indexes it may read without root. */
export interface AptIndexes {
  readonly options: readonly string[];
  /** True when the indexes are the project's own (not /var/lib/apt/lists). */
  readonly private: boolean;
  /** True when this call ran `apt-get update`: refreshing again would not help. */
  readonly updated: boolean;
}

const systemLists = '/var/lib/apt/lists';
const privateListsMaxAgeMs = 24 * 60 * 60 * 1000;

function hasPackageIndexes(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => /_Packages(\.[a-z0-9]+)?$/.test(f));
  } catch {
    return false;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * The machine's package indexes when `apt-get update` has run on it; otherwise (a fresh container
 * ships an empty /var/lib/apt/lists, and filling it needs root) the project's own in `cacheDir`,
 * fetched by an unprivileged `apt-get update` with Dir::State::Lists moved there. Dir::Cache moves too,
 * so apt writes no lock or binary cache under /var. `refresh` skips the system indexes and updates the
 * private ones: system indexes can be stale enough that the mirror no longer has the versions they name.
 */
export async function aptIndexes(
  cacheDir: string,
  opts: { refresh?: boolean; log: (line: string) => void },
): Promise<AptIndexes> {
  const aptCache = join(cacheDir, 'apt', 'cache');
  mkdirSync(join(aptCache, 'archives', 'partial'), { recursive: true });
  // The binary caches are named explicitly because Debian's container images switch them off
  // (/etc/apt/apt.conf.d/docker-clean); without them every apt-get call re-parses all indexes.
  const cacheOptions = [
    '-o',
    `Dir::Cache=${aptCache}`,
    '-o',
    'Dir::Cache::pkgcache=pkgcache.bin',
    '-o',
    'Dir::Cache::srcpkgcache=srcpkgcache.bin',
  ];
  if (!opts.refresh && hasPackageIndexes(systemLists)) {
    return { options: cacheOptions, private: false, updated: false };
  }
  const lists = join(cacheDir, 'apt', 'lists');
  const stamp = join(lists, '.vigil-updated');
  const options = [...cacheOptions, '-o', `Dir::State::Lists=${lists}`];
  if (!opts.refresh && hasPackageIndexes(lists) && ageMs(stamp) < privateListsMaxAgeMs) {
    return { options, private: true, updated: false };
  }
  // apt-get update refuses to start without the partial directory.
  mkdirSync(join(lists, 'partial'), { recursive: true });
  opts.log(`apt-get update into ${lists} (own package indexes; no root needed)`);
  await runTool('apt-get', ['update', ...options], { timeoutMs: 180_000 });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  return { options, private: true, updated: true };
}

import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { aptIndexes, type AptIndexes } from './apt-indexes.js';
import { launcherScript } from './launcher-script.js';
import { libraryPath } from './library-dirs.js';
import { linkMachineSiblings } from './link-machine-siblings.js';
import { planAptPackages, type PlannedPackage } from './plan-apt-packages.js';
import { runTool } from './run-tool.js';
import type { SystemBinary } from './system-binaries.js';
import { unpackDebs } from './unpack-debs.js';

/** The launcher a provisioned binary is run through: `<cache>/<deb>/bin/<command>`. */
export function cachedLauncher(binary: SystemBinary, platformCache: string): string {
  return join(platformCache, binary.deb, 'bin', binary.commands[0] ?? binary.deb);
}

async function download(deb: string, indexes: AptIndexes, dir: string): Promise<PlannedPackage[]> {
  const planned = await planAptPackages(deb, indexes);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await runTool(
    'apt-get',
    ['download', ...indexes.options, ...planned.map((p) => (p.version ? `${p.name}=${p.version}` : p.name))],
    { cwd: dir, timeoutMs: 600_000 },
  );
  return planned;
}

/** A fontconfig file that adds the fonts unpacked alongside to the machine's configuration (if any). */
function fontsConf(finalRoot: string): string {
  const base = existsSync('/etc/fonts/fonts.conf')
    ? '/etc/fonts/fonts.conf'
    : join(finalRoot, 'etc/fonts/fonts.conf');
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
    '<fontconfig>',
    `  <include ignore_missing="yes">${base}</include>`,
    `  <dir>${join(finalRoot, 'usr/share/fonts')}</dir>`,
    `  <cachedir>${join(finalRoot, 'var/cache/fontconfig')}</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n');
}

/**
 * Fetches `binary.deb` and the libraries this machine lacks with `apt-get download` (no root, the
 * system untouched), unpacks them into `<platformCache>/<deb>/root` and writes a launcher that runs
 * the program with LD_LIBRARY_PATH pointing there. Everything is built in a temporary directory that
 * is renamed into place last, so a cache directory that exists is complete. Returns the launcher.
 * The caller holds the cache's provisioning lock (src/system/resolve-system-binary.ts).
 */
export async function provisionDeb(
  binary: SystemBinary,
  platformCache: string,
  log: (line: string) => void,
): Promise<string> {
  const finalDir = join(platformCache, binary.deb);
  const finalRoot = join(finalDir, 'root');
  const launcher = cachedLauncher(binary, platformCache);
  const launcherName = binary.commands[0] ?? binary.deb;
  mkdirSync(platformCache, { recursive: true });
  // Left by a run that was killed midway; callers hold the provisioning lock, so none is in use.
  for (const leftover of readdirSync(platformCache).filter((f) => f.startsWith(`.${binary.deb}-`))) {
    rmSync(join(platformCache, leftover), { recursive: true, force: true });
  }
  const staging = mkdtempSync(join(platformCache, `.${binary.deb}-`));
  const started = Date.now();
  try {
    const debsDir = join(staging, 'debs');
    let indexes = await aptIndexes(platformCache, { log });
    let planned: PlannedPackage[];
    try {
      planned = await download(binary.deb, indexes, debsDir);
    } catch (err) {
      if (indexes.updated) throw err;
      log(
        `${binary.deb}: ${err instanceof Error ? err.message : String(err)}; retrying with fresh package indexes`,
      );
      indexes = await aptIndexes(platformCache, { refresh: true, log });
      planned = await download(binary.deb, indexes, debsDir);
    }
    const debFiles = readdirSync(debsDir)
      .filter((f) => f.endsWith('.deb'))
      .map((f) => join(debsDir, f));
    log(`${binary.deb}: unpacking ${debFiles.length} package(s) into ${finalDir}`);
    const stagingRoot = join(staging, 'root');
    mkdirSync(stagingRoot);
    await unpackDebs(debFiles, stagingRoot, finalRoot);
    if (!existsSync(join(stagingRoot, binary.debPath))) {
      throw new Error(`${binary.deb} unpacked, but it has no /${binary.debPath}`);
    }
    linkMachineSiblings(stagingRoot, binary.debPath);
    const libs = libraryPath(stagingRoot, finalRoot);
    const defaults: Record<string, string> = {};
    if (existsSync(join(stagingRoot, 'usr/share/fonts'))) {
      writeFileSync(join(staging, 'fonts.conf'), fontsConf(finalRoot));
      defaults['FONTCONFIG_FILE'] = join(finalDir, 'fonts.conf');
    }
    mkdirSync(join(staging, 'bin'));
    const stagingLauncher = join(staging, 'bin', launcherName);
    writeFileSync(
      stagingLauncher,
      launcherScript({
        executable: join(finalRoot, binary.debPath),
        libraryPath: libs,
        defaults,
        comment: `${binary.deb} unpacked by src/system/provision-deb.ts (apt-get download + dpkg-deb -x).\nDelete ${finalDir} to fetch it again.`,
      }),
    );
    chmodSync(stagingLauncher, 0o755);
    writeFileSync(
      join(staging, 'vigil-system.json'),
      `${JSON.stringify(
        {
          deb: binary.deb,
          executable: join(finalRoot, binary.debPath),
          launcher,
          packages: planned.map((p) => (p.version ? `${p.name}=${p.version}` : p.name)),
          libraryPath: libs,
          indexes: indexes.private ? 'private' : 'system',
          provisionedAt: new Date().toISOString(),
        },
        null,
        2,
      )}\n`,
    );
    rmSync(debsDir, { recursive: true, force: true });
    renameSync(staging, finalDir);
    log(`${binary.deb}: ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${launcher})`);
    return launcher;
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

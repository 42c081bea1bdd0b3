import { resolveSystemBinary, SystemBinaryMissingError } from './resolve-system-binary.js';
import { isSystemBinaryName, systemBinaries } from './system-binaries.js';

const usage = `usage: node scripts/provision-system.mjs [--no-provision] <binary>...
binaries: ${Object.keys(systemBinaries).join(', ')}
Prints where each binary comes from, fetching missing ones (Debian/Ubuntu: apt-get download, no root).`;

/** `node scripts/provision-system.mjs redis-server docker-registry`: resolves each, exit 1 if any is missing. */
export async function runProvisionSystem(
  argv: readonly string[],
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  const provision = !argv.includes('--no-provision');
  const names = argv.filter((a) => a !== '--no-provision');
  const unknown = names.filter((n) => !isSystemBinaryName(n));
  if (names.length === 0 || unknown.length > 0 || names.some((n) => n.startsWith('-'))) {
    if (unknown.length > 0) err(`unknown binary: ${unknown.join(', ')}`);
    err(usage);
    return 2;
  }
  let code = 0;
  for (const name of names.filter(isSystemBinaryName)) {
    try {
      const r = await resolveSystemBinary(name, { provision, log: (line) => err(`vigil: ${line}`) });
      out(`${r.name}: ${r.path} (${r.source})`);
    } catch (e) {
      if (!(e instanceof SystemBinaryMissingError)) throw e;
      err(e.message);
      code = 1;
    }
  }
  return code;
}

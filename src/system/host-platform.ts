import { readFileSync } from 'node:fs';

/** What src/system needs to know about the machine: which install command fits, which cache to use. */
export interface HostPlatform {
  /** process.platform: 'linux', 'darwin', ... */
  readonly os: NodeJS.Platform;
  /** /etc/os-release ID and ID_LIKE ('debian', 'ubuntu', 'fedora', ...); empty off Linux. */
  readonly distro: readonly string[];
  /** /etc/os-release VERSION_CODENAME ('bookworm'), or VERSION_ID when there is none. */
  readonly release: string;
  /** Debian's name for the CPU architecture ('amd64', 'arm64'), which apt and .deb files use. */
  readonly arch: string;
  readonly isRoot: boolean;
}

const debianArch: Partial<Record<string, string>> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'armhf',
  ia32: 'i386',
  ppc64: 'ppc64el',
  s390x: 's390x',
  riscv64: 'riscv64',
};

/** Parses os-release(5): KEY=value lines, values optionally quoted. */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m?.[1] || m[2] === undefined) continue;
    fields[m[1]] = m[2].replace(/^(["'])(.*)\1$/, '$2');
  }
  return fields;
}

export function hostPlatform(): HostPlatform {
  let osRelease: Record<string, string> = {};
  if (process.platform === 'linux') {
    for (const file of ['/etc/os-release', '/usr/lib/os-release']) {
      try {
        osRelease = parseOsRelease(readFileSync(file, 'utf8'));
        break;
      } catch {
        // try the next location os-release(5) names
      }
    }
  }
  const distro = [osRelease['ID'], ...(osRelease['ID_LIKE'] ?? '').split(/\s+/)].filter((d): d is string =>
    Boolean(d),
  );
  return {
    os: process.platform,
    distro,
    release: osRelease['VERSION_CODENAME'] || osRelease['VERSION_ID'] || 'unknown',
    arch: debianArch[process.arch] ?? process.arch,
    isRoot: process.getuid?.() === 0,
  };
}

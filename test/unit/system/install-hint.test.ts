import { describe, expect, it } from 'vitest';
import type { HostPlatform } from '../../../src/system/host-platform.js';
import { parseOsRelease } from '../../../src/system/host-platform.js';
import { installHint } from '../../../src/system/install-hint.js';
import { systemBinaries } from '../../../src/system/system-binaries.js';

const linux = (distro: string[], isRoot = false): HostPlatform => ({
  os: 'linux',
  distro,
  release: 'x',
  arch: 'amd64',
  isRoot,
});

describe('installHint', () => {
  it('names the package manager command of the machine, with sudo unless root', () => {
    expect(installHint(systemBinaries['redis-server'], linux(['debian']))).toBe(
      'sudo apt-get install redis-server',
    );
    expect(installHint(systemBinaries.htpasswd, linux(['debian'], true))).toBe(
      'apt-get install apache2-utils',
    );
    expect(installHint(systemBinaries.htpasswd, linux(['fedora']))).toBe('sudo dnf install httpd-tools');
    expect(installHint(systemBinaries['redis-cli'], linux(['alpine']))).toBe('sudo apk add redis');
    expect(installHint(systemBinaries['redis-server'], { ...linux([]), os: 'darwin' })).toBe(
      'brew install redis',
    );
  });

  it("knows Ubuntu's chromium is a snap, and that derivatives follow their parent", () => {
    expect(installHint(systemBinaries.chromium, linux(['ubuntu', 'debian']))).toBe(
      'sudo snap install chromium',
    );
    expect(installHint(systemBinaries['docker-registry'], linux(['pop', 'ubuntu', 'debian']))).toBe(
      'sudo apt-get install docker-registry',
    );
    expect(
      installHint(systemBinaries['docker-registry'], linux(['rocky', 'rhel', 'centos', 'fedora'])),
    ).toMatch(/^sudo dnf install docker-distribution, then set VIGIL_DOCKER_REGISTRY=\/usr\/bin\/registry$/);
  });
});

describe('parseOsRelease', () => {
  it('reads quoted and bare values', () => {
    const text =
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_CODENAME=bookworm\n# c\nID_LIKE=\'rhel fedora\'\n';
    expect(parseOsRelease(text)).toEqual({
      PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)',
      ID: 'debian',
      VERSION_CODENAME: 'bookworm',
      ID_LIKE: 'rhel fedora',
    });
  });
});

import type { HostPlatform } from './host-platform.js';
import type { SystemBinary } from './system-binaries.js';

/** The command a person runs to install `binary` on this machine, e.g. `sudo apt-get install redis-server`. */
export function installHint(binary: SystemBinary, host: HostPlatform): string {
  const sudo = host.isRoot ? '' : 'sudo ';
  const has = (d: string) => host.distro.includes(d);
  if (host.os === 'darwin') return binary.install.brew;
  if (host.os !== 'linux') return `install the ${binary.deb} program for ${host.os}`;
  if (has('ubuntu') && binary.install.ubuntu) return sudo + binary.install.ubuntu;
  if (has('debian') || has('ubuntu')) return sudo + binary.install.apt;
  if (has('fedora') || has('rhel') || has('centos')) return sudo + binary.install.dnf;
  if (has('alpine')) return sudo + binary.install.apk;
  return `install it with your package manager (Debian: ${binary.install.apt}, Fedora: ${binary.install.dnf})`;
}

import { describe, expect, it } from 'vitest';
import { parseAptSimulation } from '../../../src/system/plan-apt-packages.js';

// What `apt-get -s install --no-install-recommends redis-server` prints on Debian 12 (trimmed).
const simulation = `NOTE: This is only a simulation!
      apt-get needs root privileges for real execution.
Reading package lists...
The following NEW packages will be installed:
  libjemalloc2 liblzf1 redis-server redis-tools
Inst libjemalloc2 (5.3.0-1 Debian:12.15/oldstable [amd64])
Inst liblzf1 (3.6-3 Debian:12.15/oldstable [amd64])
Inst libudev1 [252.38-1~deb12u1] (252.39-1~deb12u1 Debian:12.15/oldstable [amd64])
Inst libc6 [2.36-9+deb12u9] (2.36-9+deb12u10 Debian:12.15/oldstable [amd64])
Inst libgcc-s1:i386 (12.2.0-14 Debian:12.15/oldstable [i386])
Inst redis-tools (5:7.0.15-1~deb12u10 Debian-Security:12/oldstable-security [amd64])
Conf libjemalloc2 (5.3.0-1 Debian:12.15/oldstable [amd64])
Remv old-thing [1.0]
`;

describe('parseAptSimulation', () => {
  it('lists each package apt would install or upgrade, pinned to the planned version', () => {
    expect(parseAptSimulation(simulation)).toEqual([
      { name: 'libjemalloc2', version: '5.3.0-1' },
      { name: 'liblzf1', version: '3.6-3' },
      { name: 'libudev1', version: '252.39-1~deb12u1' },
      { name: 'libgcc-s1:i386', version: '12.2.0-14' },
      { name: 'redis-tools', version: '5:7.0.15-1~deb12u10' },
    ]);
  });

  it('never plans the C library: the machine loader must match the libc it loads', () => {
    expect(parseAptSimulation(simulation).map((p) => p.name)).not.toContain('libc6');
  });

  it('plans nothing when everything is installed', () => {
    expect(parseAptSimulation('redis-server is already the newest version (5:7.0.15-1~deb12u10).\n')).toEqual(
      [],
    );
  });
});

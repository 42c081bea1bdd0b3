/**
 * The programs vigil's tests (and the demo) run as real processes, and where each comes from: an
 * environment variable naming the executable, the command on PATH, or the Debian package the project
 * unpacks into its own cache (src/system/resolve-system-binary.ts). `install` is what to tell a person
 * when none of that works, per package manager.
 */
export interface SystemBinary {
  /** Environment variable that names the executable, checked first. */
  readonly envVar: string;
  /** Command names looked up on PATH, in order. */
  readonly commands: readonly string[];
  /** Debian/Ubuntu package that ships it. */
  readonly deb: string;
  /** Path of the executable inside that package (what `dpkg -L` lists, without the leading slash). */
  readonly debPath: string;
  /** Install commands a person can run (no sudo prefix; src/system/install-hint.ts adds it). */
  readonly install: {
    readonly apt: string;
    readonly brew: string;
    readonly dnf: string;
    readonly apk: string;
    /** Ubuntu, when its apt package differs from Debian's. */
    readonly ubuntu?: string;
  };
}

export const systemBinaries = {
  'redis-server': {
    envVar: 'VIGIL_REDIS_SERVER',
    commands: ['redis-server'],
    deb: 'redis-server',
    // A symlink to redis-check-rdb (package redis-tools, a dependency): redis picks its role from argv[0].
    debPath: 'usr/bin/redis-server',
    install: {
      apt: 'apt-get install redis-server',
      brew: 'brew install redis',
      dnf: 'dnf install redis',
      apk: 'apk add redis',
    },
  },
  'redis-cli': {
    envVar: 'VIGIL_REDIS_CLI',
    commands: ['redis-cli'],
    deb: 'redis-tools',
    debPath: 'usr/bin/redis-cli',
    install: {
      apt: 'apt-get install redis-tools',
      brew: 'brew install redis',
      dnf: 'dnf install redis',
      apk: 'apk add redis',
    },
  },
  'docker-registry': {
    envVar: 'VIGIL_DOCKER_REGISTRY',
    commands: ['docker-registry'],
    // The CNCF distribution registry 2.8 (`docker-registry serve config.yml`).
    deb: 'docker-registry',
    debPath: 'usr/bin/docker-registry',
    install: {
      apt: 'apt-get install docker-registry',
      brew: 'go install github.com/distribution/distribution/v3/cmd/registry@latest, then set VIGIL_DOCKER_REGISTRY to $(go env GOPATH)/bin/registry',
      dnf: 'dnf install docker-distribution, then set VIGIL_DOCKER_REGISTRY=/usr/bin/registry',
      apk: 'apk add docker-registry',
    },
  },
  htpasswd: {
    envVar: 'VIGIL_HTPASSWD',
    commands: ['htpasswd'],
    deb: 'apache2-utils',
    debPath: 'usr/bin/htpasswd',
    install: {
      apt: 'apt-get install apache2-utils',
      brew: 'brew install httpd',
      dnf: 'dnf install httpd-tools',
      apk: 'apk add apache2-utils',
    },
  },
  chromium: {
    envVar: 'VIGIL_CHROMIUM',
    commands: ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'],
    deb: 'chromium',
    // The browser itself: /usr/bin/chromium is a wrapper script that reads /etc/chromium.d.
    debPath: 'usr/lib/chromium/chromium',
    install: {
      apt: 'apt-get install chromium',
      // Ubuntu's chromium-browser deb only installs the snap.
      ubuntu: 'snap install chromium',
      brew: 'brew install --cask chromium',
      dnf: 'dnf install chromium',
      apk: 'apk add chromium',
    },
  },
  promtool: {
    envVar: 'VIGIL_PROMTOOL',
    commands: ['promtool'],
    // Debian ships promtool inside the Prometheus server package; only the binary is used.
    deb: 'prometheus',
    debPath: 'usr/bin/promtool',
    install: {
      apt: 'apt-get install prometheus',
      brew: 'brew install prometheus',
      dnf: 'dnf install golang-github-prometheus, or a Prometheus release tarball, then set VIGIL_PROMTOOL',
      apk: 'apk add prometheus',
    },
  },
} as const satisfies Record<string, SystemBinary>;

export type SystemBinaryName = keyof typeof systemBinaries;

export function isSystemBinaryName(name: string): name is SystemBinaryName {
  return Object.hasOwn(systemBinaries, name);
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '../../..');
export const readRepoFile = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

/**
 * Every environment variable the app reads, found in src/, handlers/ and jobs/: `env.NAME` and
 * `env['NAME']` (process.env or an injected env object), and, in files that take an environment
 * (`process.env` or `NodeJS.ProcessEnv`), every string literal shaped like a variable name, since
 * readers such as src/config/teams-env.ts look names up through a helper (`read('MicrosoftAppId')`)
 * or a list of keys. Lower-case property reads such as `env.botToken` are fields of vigil's own
 * parsed env objects, not variables. src/system is left out: it finds redis-server, chromium and
 * the like for the tests and the demo (src/system/resolve-system-binary.ts), and a deployment never
 * configures it. src/agent is the node agent, which the DaemonSet configures (envVarsReadByAgent).
 */
export function envVarsReadByApp(): Map<string, string[]> {
  return envVarsReadIn(['src', 'handlers', 'jobs'], (path) => !/^src\/(system|agent)\//.test(path));
}

/**
 * Every environment variable `vigil agent` reads (src/agent, and the Redis settings it reads through
 * src/config/redis-env.ts as serve does), found as envVarsReadByApp finds them.
 */
export function envVarsReadByAgent(): Map<string, string[]> {
  return envVarsReadIn(
    ['src/agent', 'src/config'],
    (path) => path.startsWith('src/agent/') || path === 'src/config/redis-env.ts',
  );
}

function envVarsReadIn(dirs: readonly string[], keep: (path: string) => boolean): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (name: string, file: string) => {
    const files = found.get(name) ?? [];
    if (!files.includes(file)) found.set(name, [...files, file]);
  };
  for (const dir of dirs) {
    const files = readdirSync(join(repoRoot, dir), { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && keep(`${dir}/${f}`),
    );
    for (const file of files) {
      const path = `${dir}/${file}`;
      const text = readRepoFile(path);
      for (const m of text.matchAll(/\benv(?:\.([A-Za-z_]\w*)|\[\s*['"]([A-Za-z_]\w*)['"]\s*\])/g)) {
        const name = m[1] ?? m[2] ?? '';
        if (/^[A-Z]/.test(name)) add(name, path);
      }
      if (!/process\.env|NodeJS\.ProcessEnv/.test(text)) continue;
      // SCREAMING_SNAKE_CASE with an underscore, or the Bot Framework's own Microsoft* names.
      for (const m of text.matchAll(/['"]([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|Microsoft[A-Z][A-Za-z]+)['"]/g)) {
        add(m[1] as string, path);
      }
    }
  }
  return found;
}

/** Variables the app reads that a deployment does not set, and why. */
export const notSetByDeployments: Readonly<Record<string, string>> = {
  KUBERNETES_SERVICE_HOST: 'set by the kubelet in every pod (inCluster)',
  KUBERNETES_SERVICE_PORT: 'set by the kubelet in every pod (inCluster)',
  HOME: 'only locates ~/.kube/config; in a pod kubeconfigs are named in vigil.yaml',
  KUBECONFIG: 'in a pod kubeconfigs are named in vigil.yaml (clusters[].kubeconfig)',
  NO_COLOR: "colours of `vigil check`'s table; serve prints no table",
  VIGIL_DEMO_PORT: '`vigil demo` only',
  VIGIL_WEB:
    'the web chat keeps its messages per replica and the chart runs two; a one-replica install turns it on with extraEnv (README "The web chat")',
  VIGIL_WEB_TOKEN: 'with VIGIL_WEB, from a Secret through extraEnv',
};

/**
 * Variables the chart sets only with their `redis.mode`, which exclude each other (vigil refuses the
 * settings of another mode): test/unit/deploy/chart-redis.test.ts renders each mode.
 */
export const setPerRedisMode: Readonly<Record<string, 'cluster' | 'sentinel'>> = {
  REDIS_CLUSTER_NODES: 'cluster',
  REDIS_SENTINELS: 'sentinel',
  REDIS_SENTINEL_MASTER: 'sentinel',
  REDIS_SENTINEL_PASSWORD: 'sentinel',
};

/**
 * Variables the chart sets for vigil features whose reading side is being added to the app; each is
 * allowed to be set before the app reads it (an unread variable changes nothing). None today: add
 * one here with the chart change, and remove it when the app reads it.
 */
export const setAheadOfApp: Readonly<Record<string, string>> = {};

/**
 * Variables the chart sets only when the feature they configure is on, with values that turn it on:
 * the tests render with these so that every variable the app reads must appear.
 */
export const optionalFeatureValues = {
  // VIGIL_RBAC_NAMESPACES: with rbac.mode namespaced only.
  rbac: { mode: 'namespaced', namespaces: ['apps', 'payments'] },
  // VIGIL_HEARTBEAT_URL and VIGIL_HEARTBEAT_METHOD: with a heartbeat only.
  heartbeat: { url: 'https://hc.example.com/ping/abc' },
} as const;

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '../../..');
export const readRepoFile = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

/**
 * Every environment variable the app reads, found in src/, handlers/ and jobs/ as `env.NAME` or
 * `env['NAME']` (process.env or an injected env object). Lower-case property reads such as
 * `env.botToken` are fields of vigil's own parsed env objects, not variables.
 */
export function envVarsReadByApp(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const dir of ['src', 'handlers', 'jobs']) {
    const files = readdirSync(join(repoRoot, dir), { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.ts'),
    );
    for (const file of files) {
      const text = readRepoFile(`${dir}/${file}`);
      for (const m of text.matchAll(/\benv(?:\.([A-Za-z_]\w*)|\[\s*['"]([A-Za-z_]\w*)['"]\s*\])/g)) {
        const name = m[1] ?? m[2] ?? '';
        if (!/^[A-Z]/.test(name)) continue;
        found.set(name, [...(found.get(name) ?? []), `${dir}/${file}`]);
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
  PATH: 'where `vigil demo` looks for redis-server; the image never runs the demo',
  VIGIL_DEMO_PORT: '`vigil demo` only',
  VIGIL_WEB:
    'the web chat keeps its messages per replica and the chart runs two; a one-replica install turns it on with extraEnv (README "The web chat")',
  VIGIL_WEB_TOKEN: 'with VIGIL_WEB, from a Secret through extraEnv',
};

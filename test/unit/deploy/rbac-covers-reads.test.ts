import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readRepoFile as read, repoRoot as root } from './app-env.js';
import {
  describePermission,
  grantsOf,
  isCovered,
  permissionOf,
  samePermission,
  scanKubeSource,
  type ApiCall,
  type PolicyRule,
} from './kube-api-calls.js';

const readVerbs = new Set(['get', 'list', 'watch']);

const chartRulesPath = 'deploy/helm/vigil/files/clusterrole-rules.yaml';
const manifestPath = 'deploy/rbac/clusterrole.yaml';

function kubeCalls(): { calls: ApiCall[]; problems: string[] } {
  const dir = 'src/kube';
  const calls: ApiCall[] = [];
  const problems: string[] = [];
  for (const name of readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    const found = scanKubeSource(`${dir}/${name}`, read(`${dir}/${name}`));
    calls.push(...found.calls);
    problems.push(...found.problems);
  }
  return { calls, problems };
}

/** Every `.ts` file under a folder of the repository, as [path, text]. */
function sources(dir: string): [string, string][] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => [`${dir}/${f}`, read(`${dir}/${f}`)]);
}

/**
 * Names of objects read by a name the check passes in (the call itself says `{ namespace, name }`):
 * a rule limited by resourceNames must list all of them.
 */
function nameSources(): Record<string, string[]> {
  const configmaps = new Set<string>();
  for (const [, text] of sources('src')) {
    for (const m of text.matchAll(/getConfigMapData\(\s*[^,]+,\s*'([^']+)'\s*\)/g))
      configmaps.add(m[1] as string);
  }
  return { configmaps: [...configmaps].sort() };
}

function manifestDocs(): Record<string, unknown>[] {
  return parseAllDocuments(read(manifestPath)).map((d) => d.toJS() as Record<string, unknown>);
}

const chartRules = parse(read(chartRulesPath)) as PolicyRule[];
const manifestRole = manifestDocs().find((d) => d['kind'] === 'ClusterRole') as { rules: PolicyRule[] };

describe('method names map to RBAC permissions', () => {
  it.each([
    ['AppsV1Api', 'listStatefulSetForAllNamespaces', 'apps/statefulsets/list'],
    ['AppsV1Api', 'listNamespacedControllerRevision', 'apps/controllerrevisions/list'],
    ['CoreV1Api', 'readNamespacedPersistentVolumeClaim', 'core/persistentvolumeclaims/get'],
    ['CoreV1Api', 'readNamespacedEndpoints', 'core/endpoints/get'],
    ['CoreV1Api', 'readNode', 'core/nodes/get'],
    ['CoreV1Api', 'readNamespacedPodLog', 'core/pods/log/get'],
    ['CoreV1Api', 'replaceNamespacedSecret', 'core/secrets/update'],
    ['BatchV1Api', 'listCronJobForAllNamespaces', 'batch/cronjobs/list'],
    ['DiscoveryV1Api', 'listNamespacedEndpointSlice', 'discovery.k8s.io/endpointslices/list'],
    ['NetworkingV1Api', 'listNetworkPolicyForAllNamespaces', 'networking.k8s.io/networkpolicies/list'],
    ['VersionApi', 'getCode', 'get /version'],
  ])('%s.%s needs %s', (cls, method, expected) => {
    expect(describePermission(permissionOf(cls, method))).toBe(expected);
  });

  it('reads group and plural of custom objects from the call', () => {
    const p = permissionOf(
      'CustomObjectsApi',
      'listClusterCustomObject',
      "{ group: 'cert-manager.io', plural: 'certificates' }",
    );
    expect(describePermission(p)).toBe('cert-manager.io/certificates/list');
  });
});

describe('the ClusterRole covers every Kubernetes API call in src/kube', () => {
  const { calls, problems } = kubeCalls();
  const names = nameSources();

  it('finds every call it needs to judge', () => {
    expect(problems).toEqual([]);
    // A scan that silently found nothing would pass everything below.
    const seen = new Set(calls.map((c) => describePermission(c.permission)));
    for (const p of [
      'core/secrets/list',
      'apps/statefulsets/list',
      'core/persistentvolumeclaims/get',
      'batch/cronjobs/list',
      'get /version',
    ]) {
      expect(seen, p).toContain(p);
    }
    expect(names.configmaps).toEqual(['extension-apiserver-authentication', 'kube-root-ca.crt']);
  });

  it('grants every call', () => {
    const missing = calls
      .filter((c) => !isCovered(chartRules, c, names))
      .map((c) => `${c.file}:${c.line} ${c.apiClass}.${c.method} needs ${describePermission(c.permission)}`);
    expect(missing, `add rules to ${chartRulesPath} and ${manifestPath}`).toEqual([]);
  });

  it('grants nothing that no call uses', () => {
    const unused = chartRules
      .flatMap(grantsOf)
      .filter((g) => !calls.some((c) => samePermission(c.permission, g)))
      .map(describePermission);
    expect(unused, 'least privilege: drop rules no code needs').toEqual([]);
  });

  it('fails when a new read has no rule', () => {
    const extra = scanKubeSource(
      'new-reader.ts',
      `import { CoreV1Api } from '@kubernetes/client-node';
       this.core = makeApiClient(kc, CoreV1Api, 1000);
       await this.core.listNamespacedConfigMap({ namespace });
       await this.core.readNamespacedConfigMap({ namespace, name: 'some-other-map' });`,
    );
    expect(extra.problems).toEqual([]);
    expect(extra.calls.filter((c) => !isCovered(chartRules, c, names)).map((c) => c.method)).toEqual([
      'listNamespacedConfigMap',
      'readNamespacedConfigMap',
    ]);
  });

  it('grants read verbs only, never wildcards', () => {
    for (const rule of chartRules) {
      for (const verb of rule.verbs) expect(readVerbs, JSON.stringify(rule)).toContain(verb);
      const all = [
        ...rule.verbs,
        ...(rule.apiGroups ?? []),
        ...(rule.resources ?? []),
        ...(rule.nonResourceURLs ?? []),
      ];
      expect(
        all.filter((v) => v.includes('*')),
        JSON.stringify(rule),
      ).toEqual([]);
    }
  });
});

describe('plain manifests and the Helm chart share the rules', () => {
  it('deploy/rbac/clusterrole.yaml has exactly the chart rules', () => {
    expect(manifestRole.rules).toEqual(chartRules);
  });

  it('deploy/rbac/clusterrole.yaml copies the rules file verbatim, comments included', () => {
    // The rules file's first paragraph is its own header; the rest is indented under `rules:`.
    const source = read(chartRulesPath);
    const body = source.slice(source.indexOf('\n\n') + 2).trimEnd();
    const manifest = read(manifestPath);
    const block = manifest.slice(manifest.indexOf('\nrules:\n') + 8, manifest.indexOf('\n---\n'));
    const dedented = block
      .split('\n')
      .map((l) => l.replace(/^ {2}/, ''))
      .join('\n');
    expect(dedented.trimEnd()).toBe(body);
  });

  it('binds the ClusterRole to the ServiceAccount it declares', () => {
    const docs = manifestDocs();
    const role = docs.find((d) => d['kind'] === 'ClusterRole') as { metadata: { name: string } };
    const sa = docs.find((d) => d['kind'] === 'ServiceAccount') as {
      metadata: { name: string; namespace: string };
    };
    const binding = docs.find((d) => d['kind'] === 'ClusterRoleBinding') as {
      roleRef: { kind: string; name: string };
      subjects: { kind: string; name: string; namespace: string }[];
    };
    expect(binding.roleRef).toMatchObject({ kind: 'ClusterRole', name: role.metadata.name });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace },
    ]);
  });

  it("the chart's ClusterRole template includes the rules file and nothing else by default", () => {
    const template = read('deploy/helm/vigil/templates/clusterrole.yaml');
    expect(template).toContain('.Files.Get "files/clusterrole-rules.yaml"');
    // Only the opt-in extraRules may add to it.
    const ruleLines = template
      .split('\n')
      .filter((l) => /^\s*-\s*(apiGroups|nonResourceURLs|verbs|resources)\b/.test(l));
    expect(ruleLines).toEqual([]);
  });
});

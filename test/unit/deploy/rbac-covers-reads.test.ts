import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readRepoFile as read, repoRoot as root } from './app-env.js';
import { combination, rbacModes, secretNamespaces, type RbacMode } from './chart-combinations.js';
import { only, renderChart, type K8sObject } from './render-chart.js';
import {
  describePermission,
  grantsOf,
  isCovered,
  permissionOfPath,
  samePermission,
  scanKubeSource,
  type ApiCall,
  type PolicyRule,
} from './kube-api-calls.js';

const readVerbs = new Set(['get', 'list', 'watch']);

const clusterRulesPath = 'deploy/helm/vigil/files/clusterrole-rules.yaml';
const secretRulesPath = 'deploy/helm/vigil/files/secret-rules.yaml';
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

const clusterRules = parse(read(clusterRulesPath)) as PolicyRule[];
const secretRules = parse(read(secretRulesPath)) as PolicyRule[];
const manifestRole = manifestDocs().find((d) => d['kind'] === 'ClusterRole') as { rules: PolicyRule[] };

const isSecretCall = (c: ApiCall) =>
  c.permission.kind === 'resource' && c.permission.group === '' && c.permission.resource === 'secrets';
const rulesOf = (o: K8sObject) => (o['rules'] ?? []) as PolicyRule[];
const describeCall = (c: ApiCall) =>
  `${c.file}:${c.line} GET ${c.path} needs ${describePermission(c.permission)}`;

/** The RBAC objects the chart renders in one mode (release vigil in namespace vigil). */
function rendered(mode: RbacMode) {
  const objects = renderChart(combination(mode, 'slack'));
  return {
    clusterRole: only(objects, 'ClusterRole'),
    clusterRoleBinding: only(objects, 'ClusterRoleBinding'),
    roles: objects.filter((o) => o.kind === 'Role'),
    roleBindings: objects.filter((o) => o.kind === 'RoleBinding'),
    serviceAccount: only(objects, 'ServiceAccount'),
  };
}

describe('REST paths map to RBAC permissions', () => {
  it.each([
    ['/apis/apps/v1/statefulsets', 'apps/statefulsets/list', 'cluster'],
    ['/apis/apps/v1/namespaces/${ns}/controllerrevisions', 'apps/controllerrevisions/list', 'namespace'],
    [
      '/api/v1/namespaces/${ns}/persistentvolumeclaims/${name}',
      'core/persistentvolumeclaims/get',
      'namespace',
    ],
    ['/api/v1/namespaces/default/endpoints/kubernetes', 'core/endpoints/get', 'namespace'],
    ['/api/v1/nodes/${name}', 'core/nodes/get', 'cluster'],
    ['/api/v1/namespaces/${ns}/pods/${name}/log', 'core/pods/log/get', 'namespace'],
    ['/api/v1/secrets', 'core/secrets/list', 'cluster'],
    ['/api/v1/namespaces/${ns}/secrets', 'core/secrets/list', 'namespace'],
    ['/apis/batch/v1/cronjobs', 'batch/cronjobs/list', 'cluster'],
    [
      '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices',
      'discovery.k8s.io/endpointslices/list',
      'namespace',
    ],
    ['/apis/cert-manager.io/v1/certificates', 'cert-manager.io/certificates/list', 'cluster'],
    ['/version', 'get /version', 'cluster'],
  ])('GET %s needs %s (%s scope)', (path, expected, scope) => {
    const p = permissionOfPath(path);
    expect(describePermission(p.permission)).toBe(expected);
    expect(p.scope).toBe(scope);
  });

  it('names the object a path reads by a fixed name', () => {
    expect(permissionOfPath('/api/v1/namespaces/default/endpoints/kubernetes').literalName).toBe(
      'kubernetes',
    );
    expect(permissionOfPath('/api/v1/nodes/${name}').literalName).toBeUndefined();
  });

  it("a Role's rules never grant a call beyond its namespace", () => {
    const rules: PolicyRule[] = [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }];
    const { calls } = scanKubeSource(
      'x.ts',
      `for await (const p of listAll(this.kube, '/api/v1/secrets', {}, 500)) {}
       for await (const p of listAll(this.kube, \`/api/v1/namespaces/\${encodeURIComponent(namespace)}/secrets\`, {}, 500)) {}`,
    );
    expect(calls.map((c) => [c.path, isCovered(rules, c, {}), isCovered(rules, c, {}, 'Role')])).toEqual([
      ['/api/v1/secrets', true, false],
      ['/api/v1/namespaces/${namespace}/secrets', true, true],
    ]);
  });

  it('reads the paths a file names for a variable path, and flags a file that names none', () => {
    const { calls, problems } = scanKubeSource(
      'x.ts',
      `const path = all ? '/api/v1/secrets' : \`/api/v1/namespaces/\${encodeURIComponent(ns)}/secrets\`;
       await this.kube.get(path, { limit: 500 });
       const other = '/apis/apps/v1/statefulsets';`,
    );
    expect(problems).toEqual([]);
    expect(calls.map((c) => `${describePermission(c.permission)} ${c.scope}`)).toEqual([
      'core/secrets/list cluster',
      'core/secrets/list namespace',
      'apps/statefulsets/list cluster',
    ]);
    expect(scanKubeSource('y.ts', 'await this.kube.get(pathFromSomewhere, {});').problems).toHaveLength(1);
    expect(
      scanKubeSource('z.ts', 'for await (const p of listAll(this.kube, path, {}, 1)) {}').problems,
    ).toHaveLength(1);
  });
});

describe('the RBAC rules match the Kubernetes API calls in src/kube', () => {
  const { calls, problems } = kubeCalls();
  const names = nameSources();
  const secretCalls = calls.filter(isSecretCall);
  const otherCalls = calls.filter((c) => !isSecretCall(c));
  // rbac.mode namespaced: vigil reads Secrets namespace by namespace, which a Role there grants; the
  // cluster-wide list is made in rbac.mode full only (test/integration/secret-access-modes.test.ts
  // records the requests vigil sends in each mode).
  const namespacedSecretCalls = secretCalls.filter((c) => c.scope === 'namespace');
  const clusterSecretCalls = secretCalls.filter((c) => c.scope === 'cluster');
  const unusedBy = (rules: readonly PolicyRule[], by: readonly ApiCall[]) =>
    rules
      .flatMap(grantsOf)
      .filter((g) => !by.some((c) => samePermission(c.permission, g)))
      .map(describePermission);

  it('finds every call it needs to judge', () => {
    expect(problems).toEqual([]);
    // A scan that silently found nothing would pass everything below.
    const seen = new Set(calls.map((c) => describePermission(c.permission)));
    for (const p of [
      'core/secrets/list',
      'core/secrets/get',
      'apps/statefulsets/list',
      'core/persistentvolumeclaims/get',
      'batch/cronjobs/list',
      'get /version',
    ]) {
      expect(seen, p).toContain(p);
    }
    expect(names.configmaps).toEqual(['extension-apiserver-authentication', 'kube-root-ca.crt']);
    // TLS Secrets across all namespaces (full) and in one namespace (namespaced); pull secrets by name.
    expect(secretCalls.map((c) => `${c.method} ${c.scope}`).sort()).toEqual([
      'get namespace',
      'list cluster',
      'list namespace',
    ]);
  });

  it(`${secretRulesPath} holds exactly the Secret rules, ${clusterRulesPath} none`, () => {
    expect(
      secretRules.flatMap(grantsOf).every((g) => g.kind === 'resource' && g.resource === 'secrets'),
    ).toBe(true);
    expect(
      clusterRules.flatMap(grantsOf).filter((g) => g.kind === 'resource' && g.resource === 'secrets'),
    ).toEqual([]);
  });

  describe('rbac.mode=full', () => {
    const { clusterRole, roles } = rendered('full');

    it('the ClusterRole grants every call', () => {
      const missing = calls.filter((c) => !isCovered(rulesOf(clusterRole), c, names)).map(describeCall);
      expect(missing, `add rules to ${clusterRulesPath} or ${secretRulesPath}`).toEqual([]);
    });

    it('and nothing that no call uses; no Role', () => {
      expect(unusedBy(rulesOf(clusterRole), calls), 'least privilege: drop rules no code needs').toEqual([]);
      expect(roles).toEqual([]);
    });

    it('grants the cluster-wide TLS Secret list', () => {
      expect(clusterSecretCalls.map((c) => c.path)).toEqual(['/api/v1/secrets']);
      expect(clusterSecretCalls.every((c) => isCovered(rulesOf(clusterRole), c, names))).toBe(true);
    });

    it('is the rules files, in order', () => {
      expect(rulesOf(clusterRole)).toEqual([...clusterRules, ...secretRules]);
    });
  });

  describe('rbac.mode=namespaced', () => {
    const { clusterRole, roles, roleBindings, serviceAccount } = rendered('namespaced');

    it('the ClusterRole grants every call but the Secret ones, and no Secret at all', () => {
      const missing = otherCalls.filter((c) => !isCovered(rulesOf(clusterRole), c, names)).map(describeCall);
      expect(missing, `add rules to ${clusterRulesPath}`).toEqual([]);
      expect(secretCalls.filter((c) => isCovered(rulesOf(clusterRole), c, names)).map(describeCall)).toEqual(
        [],
      );
      expect(unusedBy(rulesOf(clusterRole), otherCalls)).toEqual([]);
    });

    it('a Role in each listed namespace grants exactly the namespaced Secret calls: list and get', () => {
      expect(roles.map((r) => r.metadata.namespace)).toEqual(secretNamespaces);
      expect(
        namespacedSecretCalls.map((c) => c.permission.kind === 'resource' && c.permission.verb).sort(),
      ).toEqual(['get', 'list']);
      for (const role of roles) {
        const rules = rulesOf(role);
        expect(rules).toEqual(secretRules);
        expect(
          namespacedSecretCalls.filter((c) => !isCovered(rules, c, names, 'Role')).map(describeCall),
        ).toEqual([]);
        expect(otherCalls.filter((c) => isCovered(rules, c, names, 'Role')).map(describeCall)).toEqual([]);
        expect(unusedBy(rules, namespacedSecretCalls)).toEqual([]);
      }
    });

    it('and nothing grants the cluster-wide Secret list, which vigil does not make in this mode', () => {
      const granted = clusterSecretCalls.filter(
        (c) =>
          isCovered(rulesOf(clusterRole), c, names) ||
          roles.some((role) => isCovered(rulesOf(role), c, names, 'Role')),
      );
      expect(clusterSecretCalls).not.toEqual([]);
      expect(granted.map(describeCall)).toEqual([]);
    });

    it("binds each Role to the release's ServiceAccount", () => {
      expect(roleBindings.map((b) => b.metadata.namespace)).toEqual(secretNamespaces);
      for (const [i, binding] of roleBindings.entries()) {
        expect(binding['roleRef']).toEqual({
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Role',
          name: roles[i]?.metadata.name,
        });
        expect(binding['subjects']).toEqual([
          { kind: 'ServiceAccount', name: serviceAccount.metadata.name, namespace: 'vigil' },
        ]);
      }
    });
  });

  describe('rbac.mode=noSecrets', () => {
    const { clusterRole, roles, roleBindings } = rendered('noSecrets');

    it('the ClusterRole grants every call but the Secret ones', () => {
      const missing = otherCalls.filter((c) => !isCovered(rulesOf(clusterRole), c, names)).map(describeCall);
      expect(missing, `add rules to ${clusterRulesPath}`).toEqual([]);
      expect(unusedBy(rulesOf(clusterRole), otherCalls)).toEqual([]);
    });

    it('and nothing anywhere grants a Secret: vigil makes no Secret call in this mode', () => {
      expect(secretCalls.filter((c) => isCovered(rulesOf(clusterRole), c, names)).map(describeCall)).toEqual(
        [],
      );
      expect([...roles, ...roleBindings]).toEqual([]);
    });
  });

  it('fails when a new read has no rule', () => {
    const extra = scanKubeSource(
      'new-reader.ts',
      `for await (const p of listAll(this.kube, \`/api/v1/namespaces/\${namespace}/configmaps\`, {}, 100)) {}
       await this.kube.get(\`/api/v1/namespaces/\${namespace}/configmaps/some-other-map\`);`,
    );
    expect(extra.problems).toEqual([]);
    const { clusterRole } = rendered('full');
    expect(
      extra.calls.filter((c) => !isCovered(rulesOf(clusterRole), c, names)).map((c) => c.method),
    ).toEqual(['list', 'get']);
  });

  it.each(rbacModes)('rbac.mode=%s grants read verbs only, never wildcards', (mode) => {
    const { clusterRole, roles } = rendered(mode);
    for (const rule of [clusterRole, ...roles].flatMap(rulesOf)) {
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

  it('rbac.create=false renders no RBAC object', () => {
    const objects = renderChart({ rbac: { create: false, mode: 'namespaced', namespaces: ['apps'] } });
    expect(objects.filter((o) => /Role/.test(o.kind)).map((o) => o.kind)).toEqual([]);
  });
});

describe('deploy/rbac/clusterrole.yaml is the chart in rbac.mode=full', () => {
  const { clusterRole, clusterRoleBinding, serviceAccount } = rendered('full');
  const docs = manifestDocs();
  const ofKind = (kind: string) => docs.find((d) => d['kind'] === kind) as K8sObject;

  it('has exactly the rendered rules', () => {
    expect(manifestRole.rules).toEqual(rulesOf(clusterRole));
  });

  it('copies the rules files verbatim, comments included', () => {
    // Each rules file's first paragraph is its own header; the rest is indented under `rules:`.
    const body = (path: string) => {
      const source = read(path);
      return source.slice(source.indexOf('\n\n') + 2).trimEnd();
    };
    const manifest = read(manifestPath);
    const block = manifest.slice(manifest.indexOf('\nrules:\n') + 8, manifest.indexOf('\n---\n'));
    const dedented = block
      .split('\n')
      .map((l) => l.replace(/^ {2}/, ''))
      .join('\n');
    expect(dedented.trimEnd()).toBe(`${body(clusterRulesPath)}\n\n${body(secretRulesPath)}`);
  });

  it('names and binds its objects as the chart does for release vigil in namespace vigil', () => {
    expect(ofKind('ClusterRole').metadata.name).toBe(clusterRole.metadata.name);
    expect(ofKind('ServiceAccount').metadata).toMatchObject({
      name: serviceAccount.metadata.name,
      namespace: 'vigil',
    });
    const binding = ofKind('ClusterRoleBinding');
    expect(binding.metadata.name).toBe(clusterRoleBinding.metadata.name);
    expect(binding['roleRef']).toEqual(clusterRoleBinding['roleRef']);
    expect(binding['subjects']).toEqual(clusterRoleBinding['subjects']);
  });
});

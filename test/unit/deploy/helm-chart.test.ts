import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { secretAccessOf } from '../../../src/checks/secret-access.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { readRepoFile, repoRoot } from './app-env.js';
import {
  combination,
  combinations,
  everythingOn,
  rbacModes,
  secretNamespaces,
} from './chart-combinations.js';
import {
  chartDir as chartDirPath,
  envOf,
  lintChart,
  only,
  renderChart,
  runHelm,
  vigilContainer,
  type K8sObject,
} from './render-chart.js';
import { k8sObjectProblems } from './validate-k8s-object.js';

/*
 * The chart rendered by a real helm (test/support/helm-binary.ts) for each rbac.mode with Slack,
 * Teams and both, linted strictly, and every object checked against the Kubernetes schemas.
 */

const chartDir = 'deploy/helm/vigil';
type Json = Record<string, unknown>;
const values = parse(readRepoFile(`${chartDir}/values.yaml`)) as Json;
const chart = parse(readRepoFile(`${chartDir}/Chart.yaml`)) as Json;

function at(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Json | undefined)?.[k], obj);
}

const kinds = (objects: readonly K8sObject[]) => objects.map((o) => o.kind).sort();

describe('Helm chart: files', () => {
  it('Chart.yaml is a v2 application chart whose appVersion is package.json version', () => {
    const pkg = JSON.parse(readRepoFile('package.json')) as { version: string };
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'vigil', type: 'application' });
    expect(chart['appVersion']).toBe(pkg.version);
    expect(String(chart['version'])).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('files/ parse as YAML', () => {
    for (const name of readdirSync(join(repoRoot, chartDir, 'files'))) {
      const doc = parseAllDocuments(readRepoFile(`${chartDir}/files/${name}`));
      for (const d of doc) expect(d.errors, name).toEqual([]);
    }
  });

  it('keeps secrets out of values by default', () => {
    expect(at(values, 'slack.createSecret')).toBe(false);
    expect(at(values, 'slack.botToken')).toBe('');
    expect(at(values, 'slack.signingSecret')).toBe('');
    expect(at(values, 'slack.appToken')).toBe('');
    expect(at(values, 'slack.existingSecret')).toBeTruthy();
    expect(at(values, 'teams.createSecret')).toBe(false);
    expect(at(values, 'teams.appPassword')).toBe('');
    expect(at(values, 'teams.insecureDevMode')).toBe(false);
  });
});

/** What vigil makes of each rbac.mode (src/checks/secret-access.ts). */
const accessOfMode = {
  full: { mode: 'all', namespaces: [], setBy: 'env' },
  namespaced: { mode: 'namespaces', namespaces: secretNamespaces, setBy: 'env' },
  noSecrets: { mode: 'none', namespaces: [], setBy: 'env' },
} as const;

describe.each(combinations)('helm template, rbac.mode=$mode with $platform', ({ mode, values: v }) => {
  it('passes helm lint --strict', () => {
    const lint = lintChart(v);
    expect(lint.stdout + lint.stderr, 'helm lint --strict').toMatch(
      /1 chart\(s\) linted, 0 chart\(s\) failed/,
    );
    expect(lint.ok).toBe(true);
  });

  it('renders only objects valid against the Kubernetes schemas', () => {
    const objects = renderChart(v);
    expect(kinds(objects)).toEqual(
      expect.arrayContaining(['ConfigMap', 'Deployment', 'Service', 'ServiceAccount']),
    );
    for (const o of objects) expect(k8sObjectProblems(o), `${o.kind} ${o.metadata.name}`).toEqual([]);
  });

  it("renders a vigil.yaml that passes vigil's config schema, with the pod's own cluster", () => {
    const cm = only(renderChart(v), 'ConfigMap');
    const text = (cm['data'] as Record<string, string>)['vigil.yaml'] as string;
    const config = parseConfig(parse(text), 'rendered ConfigMap', '/etc/vigil');
    expect(config.clusters).toEqual([expect.objectContaining({ inCluster: true })]);
  });

  it('and, with the plain env values it sets, a vigil that reads Secrets as far as the mode grants', () => {
    const objects = renderChart(v);
    const text = (only(objects, 'ConfigMap')['data'] as Record<string, string>)['vigil.yaml'] as string;
    const env = Object.fromEntries(
      [...envOf(objects).values()].flatMap((e) => (e.value !== undefined ? [[e.name, e.value]] : [])),
    );
    const config = parseConfig(parse(text), 'rendered ConfigMap', '/etc/vigil', { env });
    expect(config.clusters.map((c) => secretAccessOf(c))).toEqual([accessOfMode[mode]]);
  });
});

describe.each(rbacModes)('helm template with every optional template on, rbac.mode=%s', (mode) => {
  const objects = renderChart(everythingOn(mode));

  it('passes helm lint --strict', () => {
    const lint = lintChart(everythingOn(mode));
    expect(lint.stdout + lint.stderr).toMatch(/0 chart\(s\) failed/);
    expect(lint.ok).toBe(true);
  });

  it('renders every kind, each valid', () => {
    const expected = [
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'DaemonSet',
      'Deployment',
      'Ingress',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'PrometheusRule',
      'Secret',
      'Secret',
      'Service',
      'ServiceAccount',
      'ServiceMonitor',
      ...(mode === 'namespaced' ? secretNamespaces.flatMap(() => ['Role', 'RoleBinding']) : []),
    ];
    expect(kinds(objects)).toEqual(expected.sort());
    for (const o of objects) expect(k8sObjectProblems(o), `${o.kind} ${o.metadata.name}`).toEqual([]);
  });
});

describe('the Deployment', () => {
  const objects = renderChart();
  const container = vigilContainer(objects);

  it('runs `vigil serve` with the config the ConfigMap renders, on the probed port', () => {
    expect(container['args']).toEqual(['serve', '--config', '/etc/vigil/vigil.yaml']);
    expect(container['ports']).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
    expect(envOf(objects).get('PORT')?.value).toBe('3000');
    expect(container['volumeMounts']).toContainEqual({
      name: 'config',
      mountPath: '/etc/vigil',
      readOnly: true,
    });
    const cm = only(objects, 'ConfigMap');
    const volumes = at(only(objects, 'Deployment'), 'spec.template.spec.volumes') as Json[];
    expect(volumes).toContainEqual({
      name: 'config',
      projected: { sources: [{ configMap: { name: cm.metadata.name } }] },
    });
    expect(parse((cm['data'] as Record<string, string>)['vigil.yaml'] as string)).toEqual(values['config']);
  });

  it('is hardened and probed as values.yaml says, two replicas behind a PodDisruptionBudget', () => {
    const deployment = only(objects, 'Deployment');
    expect(at(deployment, 'spec.replicas')).toBe(2);
    expect(at(only(objects, 'PodDisruptionBudget'), 'spec.minAvailable')).toBe(1);
    expect(at(deployment, 'spec.template.spec.securityContext')).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container['securityContext']).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(at(container, 'livenessProbe.httpGet')).toEqual({ path: '/healthz', port: 'http' });
    expect(at(container, 'startupProbe.httpGet')).toEqual({ path: '/healthz', port: 'http' });
    expect(at(container, 'readinessProbe.httpGet')).toEqual({ path: '/readyz', port: 'http' });
    expect(at(only(objects, 'Service'), 'spec.ports')).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
    ]);
  });

  it('rolls the pods when the config or a chart-made Secret changes', () => {
    const checksums = (v: object) =>
      at(only(renderChart(v), 'Deployment'), 'spec.template.metadata.annotations') as Record<string, string>;
    const base = checksums(everythingOn('full'));
    expect(Object.keys(base).sort()).toEqual([
      'checksum/config',
      'checksum/slack-secret',
      'checksum/teams-secret',
    ]);
    const changed = everythingOn('full') as { teams: Json };
    changed.teams['appPassword'] = 'rotated';
    expect(checksums(changed)['checksum/teams-secret']).not.toBe(base['checksum/teams-secret']);
    expect(checksums(changed)['checksum/config']).toBe(base['checksum/config']);
  });
});

describe('names', () => {
  it('include the release namespace for cluster-scoped objects and Secret Roles, so two releases never collide', () => {
    const a = renderChart(combination('namespaced', 'slack'), { release: 'vigil', namespace: 'team-a' });
    const b = renderChart(combination('namespaced', 'slack'), { release: 'vigil', namespace: 'team-b' });
    const outside = (objects: K8sObject[], releaseNamespace: string) =>
      objects
        .filter((o) => o.metadata.namespace !== undefined && o.metadata.namespace !== releaseNamespace)
        .concat(objects.filter((o) => o.kind.startsWith('Cluster')))
        .map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    const fromA = outside(a, 'team-a');
    const fromB = outside(b, 'team-b');
    expect(fromA).toHaveLength(2 + 2 * secretNamespaces.length);
    expect(fromA.filter((id) => fromB.includes(id))).toEqual([]);
    expect(only(a, 'ClusterRole').metadata.name).toBe('vigil-team-a');
    const binding = only(a, 'ClusterRoleBinding') as K8sObject & { roleRef: Json; subjects: Json[] };
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'vigil-team-a',
    });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'vigil', namespace: 'team-a' }]);
  });

  it('use release-name-vigil when the release name does not say vigil, and fullnameOverride when set', () => {
    const objects = renderChart({}, { release: 'alerts', namespace: 'ops' });
    expect(only(objects, 'Deployment').metadata.name).toBe('alerts-vigil');
    expect(only(objects, 'ClusterRole').metadata.name).toBe('alerts-vigil-ops');
    const override = renderChart({ fullnameOverride: 'watcher' }, { release: 'x', namespace: 'ops' });
    expect(only(override, 'ClusterRoleBinding').metadata.name).toBe('watcher-ops');
  });
});

describe('the Ingress', () => {
  const paths = (v: object) => {
    const ingress = only(renderChart({ ...v, ingress: { enabled: true } }), 'Ingress');
    return (at(ingress, 'spec.rules') as { http: { paths: { path: string }[] } }[]).flatMap((r) =>
      r.http.paths.map((p) => p.path),
    );
  };

  it('exposes only the request paths of the platforms that are on', () => {
    expect(paths(combination('full', 'slack'))).toEqual(['/slack/events']);
    expect(paths(combination('full', 'teams'))).toEqual(['/api/messages']);
    expect(paths(combination('full', 'both'))).toEqual(['/slack/events', '/api/messages']);
    expect(at(values, 'ingress.enabled')).toBe(false);
  });

  it('on the host the Slack manifest names', () => {
    const manifest = parse(readRepoFile('deploy/slack/manifest.yaml')) as Json;
    const urls = [
      at(manifest, 'settings.interactivity.request_url'),
      ...(at(manifest, 'features.slash_commands') as Json[]).map((c) => c['url']),
    ];
    const ingress = only(renderChart({ ingress: { enabled: true } }), 'Ingress');
    const host = at(ingress, 'spec.rules.0.host');
    for (const url of urls) expect(url).toBe(`https://${String(host)}/slack/events`);
  });
});

describe('the object checks themselves', () => {
  const deployment = only(renderChart(), 'Deployment');

  it('report a schema error, a bad name and an unknown kind', () => {
    const broken = structuredClone(deployment) as K8sObject & { spec: { replicas: unknown } };
    broken.spec.replicas = 'two';
    expect(k8sObjectProblems(broken).join('\n')).toContain('replicas');
    expect(k8sObjectProblems({ ...deployment, metadata: { name: 'Vigil_1' } })).toEqual([
      'metadata.name "Vigil_1" is not a valid object name',
    ]);
    expect(k8sObjectProblems({ ...deployment, apiVersion: 'example.com/v1', kind: 'Widget' })).toEqual([
      'example.com/v1/Widget has no schema in validate-k8s-object.ts',
    ]);
  });

  it('report a malformed ServiceMonitor and PrometheusRule', () => {
    const metrics = renderChart(everythingOn('full'));
    const monitor = structuredClone(only(metrics, 'ServiceMonitor')) as K8sObject & { spec: Json };
    (monitor.spec['endpoints'] as Json[])[0] = {
      port: 80,
      path: 'metrics',
      interval: '30 seconds',
      honourLabels: true,
    };
    expect(k8sObjectProblems(monitor)).toEqual([
      'spec.endpoints[0].honourLabels is not a field',
      'spec.endpoints[0].port must be a port name',
      'spec.endpoints[0].path must start with /',
      'spec.endpoints[0].interval must be a Prometheus duration',
    ]);
    const rule = structuredClone(only(metrics, 'PrometheusRule')) as K8sObject & {
      spec: { groups: { rules: Json[] }[] };
    };
    rule.spec.groups[0]?.rules.push({ alert: 'A', record: 'b', expr: '' });
    expect(k8sObjectProblems(rule)).toEqual([
      `spec.groups[0].rules[${(rule.spec.groups[0]?.rules.length ?? 0) - 1}] needs exactly one of alert and record`,
      `spec.groups[0].rules[${(rule.spec.groups[0]?.rules.length ?? 0) - 1}].expr must be a PromQL string`,
    ]);
  });
});

describe('the post-install notes', () => {
  const notes = (v: object) => {
    const run = runHelm(['install', 'vigil', chartDirPath, '--dry-run=client', '--namespace', 'vigil'], v);
    expect(run.ok, run.stderr).toBe(true);
    return run.stdout.slice(run.stdout.indexOf('NOTES:'));
  };

  it("give each platform's request URL and Secret, only for the platforms that are on", () => {
    const slack = notes({ ingress: { enabled: true } });
    expect(slack).toContain('https://vigil.example.com/slack/events');
    expect(slack).toContain('Secret vigil-slack must hold SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET');
    expect(slack).not.toContain('/api/messages');
    const teams = notes({ ...combination('noSecrets', 'teams'), ingress: { enabled: true } });
    expect(teams).toContain('https://vigil.example.com/api/messages');
    expect(teams).toContain('Secret vigil-teams must hold MicrosoftAppId');
    expect(teams).toContain('rbac.mode=noSecrets');
    expect(teams).not.toContain('slack');
  });
});

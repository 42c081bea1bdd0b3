import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { resolveSystemBinary } from '../../../src/system/resolve-system-binary.js';
import { readRepoFile, repoRoot } from './app-env.js';
import { only, renderChart } from './render-chart.js';

/*
 * deploy/prometheus/vigil-rules.yaml: promtool checks it and runs its unit tests
 * (vigil-rules.test.yaml); the chart's PrometheusRule carries exactly its groups and the
 * ServiceMonitor scrapes what the rules expect.
 */

const rulesPath = 'deploy/prometheus/vigil-rules.yaml';
const rulesTestPath = 'deploy/prometheus/vigil-rules.test.yaml';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
}
const groups = (parse(readRepoFile(rulesPath)) as { groups: { name: string; rules: Rule[] }[] }).groups;

/** promtool: VIGIL_PROMTOOL, PATH, or Debian's `prometheus` package unpacked into the project's cache. */
const promtool = async () => (await resolveSystemBinary('promtool')).path;

async function runPromtool(args: string[]) {
  const run = spawnSync(await promtool(), args, { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw run.error;
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

describe('Prometheus rules (promtool)', () => {
  it(`${rulesPath} passes promtool check rules`, async () => {
    const run = await runPromtool(['check', 'rules', rulesPath]);
    expect(run.output).toContain('SUCCESS');
    expect(run.ok).toBe(true);
  });

  it(`${rulesTestPath} passes promtool test rules`, async () => {
    const run = await runPromtool(['test', 'rules', rulesTestPath]);
    expect(run.output).toContain('SUCCESS');
    expect(run.ok).toBe(true);
  });

  it('the unit tests exercise every alert', () => {
    const tested = new Set(
      [...readRepoFile(rulesTestPath).matchAll(/^\s+alertname: (\w+)$/gm)].map((m) => m[1] as string),
    );
    const alerts = new Set(groups.flatMap((g) => g.rules.map((r) => r.alert ?? '')));
    expect([...alerts].filter((a) => !tested.has(a))).toEqual([]);
  });
});

describe('the metrics the rules expect from vigil', () => {
  it('are these, and every rule has a severity', () => {
    const metrics = new Set(
      groups.flatMap((g) =>
        g.rules.flatMap((r) => [...r.expr.matchAll(/\b(vigil_\w+|up)\b/g)].map((m) => m[1])),
      ),
    );
    expect([...metrics].sort()).toEqual([
      'up',
      'vigil_cert_not_after_timestamp_seconds',
      'vigil_check_last_success_timestamp_seconds',
      'vigil_outbox_depth',
      'vigil_outbox_oldest_age_seconds',
    ]);
    for (const rule of groups.flatMap((g) => g.rules)) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.['severity']);
    }
  });
});

describe('the chart with metrics on', () => {
  const objects = renderChart({
    metrics: { serviceMonitor: { enabled: true }, prometheusRule: { enabled: true } },
  });

  it('renders the PrometheusRule with exactly the groups of the rules file', () => {
    expect(only(objects, 'PrometheusRule')['spec']).toEqual({ groups });
  });

  it('scrapes /metrics on the Service port, as job vigil, keeping the series own labels', () => {
    const service = only(objects, 'Service') as unknown as {
      metadata: { labels: Record<string, string> };
      spec: { ports: { name: string }[] };
    };
    const monitor = only(objects, 'ServiceMonitor')['spec'] as {
      selector: { matchLabels: Record<string, string> };
      namespaceSelector: { matchNames: string[] };
      endpoints: Record<string, unknown>[];
    };
    expect(service.metadata.labels).toMatchObject(monitor.selector.matchLabels);
    expect(monitor.namespaceSelector.matchNames).toEqual(['vigil']);
    expect(monitor.endpoints).toHaveLength(1);
    const [endpoint] = monitor.endpoints;
    expect(service.spec.ports.map((p) => p.name)).toContain(endpoint?.['port']);
    expect(endpoint).toMatchObject({
      path: '/metrics',
      honorLabels: true,
      relabelings: [{ targetLabel: 'job', replacement: 'vigil' }],
    });
    expect(groups.flatMap((g) => g.rules).some((r) => r.expr.includes('up{job="vigil"}'))).toBe(true);
  });

  it('adds the labels a Prometheus selects by, and renders neither object by default', () => {
    const labelled = renderChart({
      metrics: {
        serviceMonitor: { enabled: true, labels: { release: 'kube-prometheus-stack' } },
        prometheusRule: { enabled: true, labels: { release: 'kube-prometheus-stack' } },
      },
    });
    expect(only(labelled, 'ServiceMonitor').metadata.labels?.['release']).toBe('kube-prometheus-stack');
    expect(only(labelled, 'PrometheusRule').metadata.labels?.['release']).toBe('kube-prometheus-stack');
    expect(renderChart().filter((o) => o.apiVersion.startsWith('monitoring.coreos.com'))).toEqual([]);
  });
});

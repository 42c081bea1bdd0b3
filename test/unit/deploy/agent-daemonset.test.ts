import { describe, expect, it } from 'vitest';
import { readAgentEnv } from '../../../src/agent/agent-env.js';
import { hostCertificatesConfigSchema } from '../../../src/checks/host-certificates/host-certificates-config.js';
import { envVarsReadByAgent, notSetByDeployments, setPerRedisMode } from './app-env.js';
import { everythingOn } from './chart-combinations.js';
import {
  envOf,
  lintChart,
  only,
  renderChart,
  renderError,
  type EnvVar,
  type K8sObject,
} from './render-chart.js';
import { k8sObjectProblems } from './validate-k8s-object.js';

/* The node agent's DaemonSet (agent.enabled), rendered by a real helm. */

type Json = Record<string, unknown>;

interface PodSpec {
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  securityContext: Json;
  containers: { name: string; args: string[]; env: EnvVar[]; securityContext: Json; volumeMounts: Json[] }[];
  volumes: { name: string; hostPath?: { path: string; type?: string } }[];
  tolerations?: Json[];
  nodeSelector?: Json;
  affinity?: Json;
  hostNetwork?: boolean;
  hostPID?: boolean;
}

const on = { agent: { enabled: true } };
const daemonSet = (values: object = on) => only(renderChart(values), 'DaemonSet');
const podOf = (ds: K8sObject) => (ds['spec'] as { template: { spec: PodSpec } }).template.spec;
const agentContainer = (ds: K8sObject) => {
  const c = podOf(ds).containers.find((x) => x.name === 'agent');
  if (!c) throw new Error('no agent container');
  return c;
};
const agentEnv = (ds: K8sObject) => new Map(agentContainer(ds).env.map((e) => [e.name, e]));

describe('the node agent DaemonSet', () => {
  it('is off by default', () => {
    expect(renderChart().filter((o) => o.kind === 'DaemonSet')).toEqual([]);
  });

  it('passes helm lint --strict and the Kubernetes schema', () => {
    const lint = lintChart(on);
    expect(lint.stdout + lint.stderr).toMatch(/0 chart\(s\) failed/);
    expect(k8sObjectProblems(daemonSet())).toEqual([]);
  });

  it('has no Kubernetes credentials: no token, no ServiceAccount of vigil, no RBAC of its own', () => {
    const pod = podOf(daemonSet());
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBeUndefined();
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.hostPID).toBeUndefined();
    // Enabling it adds no Role, ClusterRole or binding: the API calls src/kube makes are serve's.
    const rbac = (v: object) =>
      renderChart(v)
        .filter((o) => o.kind.includes('Role'))
        .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(rbac(on)).toEqual(rbac({}));
  });

  it('runs as root without any capability, cannot escalate and writes nothing', () => {
    const ds = daemonSet();
    expect(podOf(ds).securityContext).toEqual({
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(agentContainer(ds).securityContext).toEqual({
      runAsUser: 0,
      runAsNonRoot: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('mounts the node directories read-only under /host, and nothing else', () => {
    const ds = daemonSet();
    const pod = podOf(ds);
    expect(pod.volumes.map((v) => v.hostPath)).toEqual([
      { path: '/etc/kubernetes', type: 'DirectoryOrCreate' },
      { path: '/var/lib/kubelet/pki', type: 'DirectoryOrCreate' },
      { path: '/var/lib/rancher', type: 'DirectoryOrCreate' },
    ]);
    expect(agentContainer(ds).volumeMounts).toEqual([
      { name: 'host-0', mountPath: '/host/etc/kubernetes', readOnly: true },
      { name: 'host-1', mountPath: '/host/var/lib/kubelet/pki', readOnly: true },
      { name: 'host-2', mountPath: '/host/var/lib/rancher', readOnly: true },
    ]);
    const custom = podOf(daemonSet({ agent: { enabled: true, hostPaths: ['/etc/kubernetes', '/opt/tls'] } }));
    expect(custom.volumes.map((v) => v.hostPath?.path)).toEqual(['/etc/kubernetes', '/opt/tls']);
    expect(renderError({ agent: { enabled: true, hostPaths: ['etc/kubernetes'] } })).toContain(
      "at '/agent/hostPaths/0'",
    );
  });

  it('runs on control-plane nodes, where nodeSelector and affinity allow', () => {
    expect(podOf(daemonSet()).tolerations).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] },
          ],
        },
      },
    };
    const pod = podOf(
      daemonSet({
        agent: {
          enabled: true,
          tolerateControlPlane: false,
          tolerations: [{ operator: 'Exists' }],
          nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
          affinity,
        },
      }),
    );
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(pod.nodeSelector).toEqual({ 'node-role.kubernetes.io/control-plane': '' });
    expect(pod.affinity).toEqual(affinity);
  });

  it('selects pods that no Service, Deployment, PodDisruptionBudget or NetworkPolicy of serve selects', () => {
    const objects = renderChart(everythingOn('full'));
    const ds = only(objects, 'DaemonSet');
    const labels = (ds['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template
      .metadata.labels;
    const selects = (selector: Record<string, string>) =>
      Object.entries(selector).every(([k, v]) => labels[k] === v);
    const selectors: Record<string, string>[] = [
      (only(objects, 'Service')['spec'] as { selector: Record<string, string> }).selector,
      (only(objects, 'Deployment')['spec'] as { selector: { matchLabels: Record<string, string> } }).selector
        .matchLabels,
      (only(objects, 'PodDisruptionBudget')['spec'] as { selector: { matchLabels: Record<string, string> } })
        .selector.matchLabels,
      (only(objects, 'NetworkPolicy')['spec'] as { podSelector: { matchLabels: Record<string, string> } })
        .podSelector.matchLabels,
    ];
    for (const s of selectors) expect(selects(s), JSON.stringify(s)).toBe(false);
    expect(labels['app.kubernetes.io/component']).toBe('agent');
  });
});

describe('the agent environment', () => {
  it('runs `vigil agent` with every variable it reads, Redis as serve has it', () => {
    const ds = daemonSet();
    expect(agentContainer(ds).args).toEqual(['agent']);
    const env = agentEnv(ds);
    const read = [...envVarsReadByAgent().keys()].filter((v) => !(v in notSetByDeployments));
    // The scan found the agent's own variables (a scan that found nothing would pass everything).
    expect(read).toEqual(
      expect.arrayContaining(['NODE_NAME', 'VIGIL_CLUSTER', 'VIGIL_HOST_ROOT', 'REDIS_URL']),
    );
    const optional = ['VIGIL_AGENT_SCHEDULE', 'VIGIL_HOST_CERTIFICATES', ...Object.keys(setPerRedisMode)];
    expect(read.filter((v) => !env.has(v) && !optional.includes(v))).toEqual([]);
    expect([...env.keys()].filter((v) => !read.includes(v))).toEqual([]);
    expect(env.get('NODE_NAME')).toEqual({
      name: 'NODE_NAME',
      valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } },
    });
    expect(env.get('VIGIL_HOST_ROOT')?.value).toBe('/host');
    expect(env.get('VIGIL_CLUSTER')?.value).toBe('local');
    for (const values of [on, { ...on, redis: { existingSecret: 'redis-url', prefix: 'team-a' } }]) {
      const objects = renderChart(values);
      const serve = envOf(objects);
      const agent = agentEnv(only(objects, 'DaemonSet'));
      expect(agent.get('REDIS_URL')).toEqual(serve.get('REDIS_URL'));
      expect(agent.get('VIGIL_REDIS_PREFIX')).toEqual(serve.get('VIGIL_REDIS_PREFIX'));
    }
  });

  it('passes config.hostCertificates and agent.schedule, and the agent accepts what it is given', () => {
    const hostCertificates = { layouts: ['kubeadm', 'kubelet'], extraPaths: ['/opt/tls/*.crt'] };
    const env = agentEnv(
      daemonSet({
        config: { clusters: [{ name: 'prod', inCluster: true }], hostCertificates },
        agent: { enabled: true, schedule: '*/30 * * * *' },
      }),
    );
    const json = env.get('VIGIL_HOST_CERTIFICATES')?.value ?? '';
    expect(hostCertificatesConfigSchema.parse(JSON.parse(json))).toEqual(hostCertificates);
    const plain = Object.fromEntries([...env].map(([k, e]) => [k, e.value ?? '']));
    expect(readAgentEnv({ ...plain, NODE_NAME: 'cp-1' })).toMatchObject({
      cluster: 'prod',
      node: 'cp-1',
      hostRoot: '/host',
      schedule: '*/30 * * * *',
      settings: hostCertificates,
    });
  });

  it('files the reports under a configured cluster, and refuses one vigil serve does not know', () => {
    const named = (agent: object, clusters: object[]) =>
      agentEnv(daemonSet({ config: { clusters }, agent: { enabled: true, ...agent } })).get('VIGIL_CLUSTER')
        ?.value;
    expect(
      named({}, [
        { name: 'remote', kubeconfig: 'r.kubeconfig' },
        { name: 'prod', inCluster: true },
      ]),
    ).toBe('prod');
    expect(named({ cluster: 'remote' }, [{ name: 'remote', kubeconfig: 'r' }])).toBe('remote');
    expect(renderError({ agent: { enabled: true, cluster: 'prdo' } })).toContain(
      'agent.cluster "prdo" names no cluster under config.clusters (local)',
    );
    expect(
      renderError({ config: { clusters: [{ name: 'remote', kubeconfig: 'r' }] }, agent: { enabled: true } }),
    ).toContain('agent.enabled: set agent.cluster');
  });
});

import { DaemonSet, Deployment } from 'kubernetes-models/apps/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { K8sObject } from './render-chart.js';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

/** Built-in kinds the chart renders, checked against the Kubernetes OpenAPI schemas (kubernetes-models). */
const models: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apps/v1/DaemonSet': DaemonSet,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
};

const dnsSubdomain = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const duration =
  /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringMap = (v: unknown) => isObject(v) && Object.values(v).every((x) => typeof x === 'string');

function unknownKeys(where: string, obj: Record<string, unknown>, allowed: readonly string[]): string[] {
  return Object.keys(obj)
    .filter((k) => !allowed.includes(k))
    .map((k) => `${where}.${k} is not a field`);
}

/*
 * monitoring.coreos.com/v1 is not in kubernetes-models, and @kubernetes-models/prometheus-operator is
 * not a dependency: the two Prometheus Operator kinds are checked structurally, against the fields of
 * the CRDs that the chart uses (names, types and required fields as the operator's CRDs define them).
 */
function serviceMonitorProblems(o: K8sObject): string[] {
  const problems: string[] = [];
  const spec = o['spec'];
  if (!isObject(spec)) return ['spec must be an object'];
  problems.push(
    ...unknownKeys('spec', spec, [
      'selector',
      'namespaceSelector',
      'endpoints',
      'jobLabel',
      'targetLabels',
      'podTargetLabels',
      'sampleLimit',
      'attachMetadata',
    ]),
  );
  if (!isObject(spec['selector']) || !isStringMap(spec['selector']['matchLabels'])) {
    problems.push('spec.selector.matchLabels must be a map of strings');
  }
  const ns = spec['namespaceSelector'];
  if (ns !== undefined && !(isObject(ns) && Array.isArray(ns['matchNames']))) {
    problems.push('spec.namespaceSelector.matchNames must be a list');
  }
  const endpoints = spec['endpoints'];
  if (!Array.isArray(endpoints) || endpoints.length === 0)
    return [...problems, 'spec.endpoints must be a non-empty list'];
  endpoints.forEach((e: unknown, i) => {
    const at = `spec.endpoints[${i}]`;
    if (!isObject(e)) return problems.push(`${at} must be an object`);
    problems.push(
      ...unknownKeys(at, e, [
        'port',
        'targetPort',
        'path',
        'scheme',
        'interval',
        'scrapeTimeout',
        'honorLabels',
        'honorTimestamps',
        'relabelings',
        'metricRelabelings',
        'tlsConfig',
        'bearerTokenSecret',
      ]),
    );
    if (typeof e['port'] !== 'string') problems.push(`${at}.port must be a port name`);
    if (typeof e['path'] !== 'string' || !e['path'].startsWith('/'))
      problems.push(`${at}.path must start with /`);
    for (const d of ['interval', 'scrapeTimeout']) {
      if (e[d] !== undefined && !(typeof e[d] === 'string' && duration.test(e[d]))) {
        problems.push(`${at}.${d} must be a Prometheus duration`);
      }
    }
    if (e['honorLabels'] !== undefined && typeof e['honorLabels'] !== 'boolean')
      problems.push(`${at}.honorLabels must be a boolean`);
    const relabelings = e['relabelings'] ?? [];
    if (!Array.isArray(relabelings)) problems.push(`${at}.relabelings must be a list`);
    else {
      relabelings.forEach((r: unknown, j) => {
        if (!isObject(r)) return problems.push(`${at}.relabelings[${j}] must be an object`);
        problems.push(
          ...unknownKeys(`${at}.relabelings[${j}]`, r, [
            'sourceLabels',
            'separator',
            'targetLabel',
            'regex',
            'modulus',
            'replacement',
            'action',
          ]),
        );
        return undefined;
      });
    }
    return undefined;
  });
  return problems;
}

function prometheusRuleProblems(o: K8sObject): string[] {
  const problems: string[] = [];
  const spec = o['spec'];
  if (!isObject(spec)) return ['spec must be an object'];
  problems.push(...unknownKeys('spec', spec, ['groups']));
  const groups = spec['groups'];
  if (!Array.isArray(groups) || groups.length === 0)
    return [...problems, 'spec.groups must be a non-empty list'];
  const names = new Set<string>();
  groups.forEach((g: unknown, i) => {
    const at = `spec.groups[${i}]`;
    if (!isObject(g)) return problems.push(`${at} must be an object`);
    problems.push(...unknownKeys(at, g, ['name', 'interval', 'rules', 'partial_response_strategy', 'limit']));
    if (typeof g['name'] !== 'string' || g['name'] === '') problems.push(`${at}.name is required`);
    else if (names.has(g['name'])) problems.push(`${at}.name ${g['name']} is not unique`);
    else names.add(g['name']);
    const rules = g['rules'];
    if (!Array.isArray(rules)) return problems.push(`${at}.rules must be a list`);
    rules.forEach((r: unknown, j) => {
      const rat = `${at}.rules[${j}]`;
      if (!isObject(r)) return problems.push(`${rat} must be an object`);
      problems.push(
        ...unknownKeys(rat, r, [
          'alert',
          'record',
          'expr',
          'for',
          'keep_firing_for',
          'labels',
          'annotations',
        ]),
      );
      if ((typeof r['alert'] === 'string') === (typeof r['record'] === 'string')) {
        problems.push(`${rat} needs exactly one of alert and record`);
      }
      if (typeof r['expr'] !== 'string' || r['expr'] === '')
        problems.push(`${rat}.expr must be a PromQL string`);
      if (r['for'] !== undefined && !(typeof r['for'] === 'string' && duration.test(r['for']))) {
        problems.push(`${rat}.for must be a Prometheus duration`);
      }
      for (const m of ['labels', 'annotations']) {
        if (r[m] !== undefined && !isStringMap(r[m])) problems.push(`${rat}.${m} must be a map of strings`);
      }
      return undefined;
    });
    return undefined;
  });
  return problems;
}

const structural: Record<string, (o: K8sObject) => string[]> = {
  'monitoring.coreos.com/v1/ServiceMonitor': serviceMonitorProblems,
  'monitoring.coreos.com/v1/PrometheusRule': prometheusRuleProblems,
};

/**
 * What is wrong with a rendered object: schema errors of its kind, a name that is not a DNS
 * subdomain, or a kind the tests do not know (a new template must be added above, not pass unseen).
 */
export function k8sObjectProblems(o: K8sObject): string[] {
  const id = `${o.apiVersion}/${o.kind}`;
  const problems: string[] = [];
  if (!o.metadata?.name || o.metadata.name.length > 253 || !dnsSubdomain.test(o.metadata.name)) {
    problems.push(`metadata.name ${JSON.stringify(o.metadata?.name)} is not a valid object name`);
  }
  const Model = models[id];
  const check = structural[id];
  if (Model) {
    try {
      new Model(o as never).validate();
    } catch (err) {
      problems.push((err as Error).message);
    }
  } else if (check) {
    problems.push(...check(o));
  } else {
    problems.push(`${id} has no schema in validate-k8s-object.ts`);
  }
  return problems;
}

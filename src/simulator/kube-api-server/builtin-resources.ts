import type { ResourceType } from './resource-type.js';

/**
 * The built-in types vigil reads. Verbs, singular and short names follow a real v1.32 server so that
 * kubectl resolves `kubectl get sts` / `kubectl get secret x` exactly as it would against a cluster.
 */
function r(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  shortNames?: string[],
): ResourceType {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    ...(shortNames ? { shortNames } : {}),
  };
}

export const builtinResources: readonly ResourceType[] = [
  r('', 'v1', 'Namespace', 'namespaces', false, ['ns']),
  r('', 'v1', 'Node', 'nodes', false, ['no']),
  r('', 'v1', 'Secret', 'secrets', true),
  r('', 'v1', 'ConfigMap', 'configmaps', true, ['cm']),
  r('', 'v1', 'Endpoints', 'endpoints', true, ['ep']),
  r('', 'v1', 'Service', 'services', true, ['svc']),
  r('', 'v1', 'Pod', 'pods', true, ['po']),
  r('', 'v1', 'Event', 'events', true, ['ev']),
  r('', 'v1', 'ServiceAccount', 'serviceaccounts', true, ['sa']),
  r('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, ['pvc']),
  r('', 'v1', 'PersistentVolume', 'persistentvolumes', false, ['pv']),
  r('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true),
  r('apps', 'v1', 'StatefulSet', 'statefulsets', true, ['sts']),
  r('apps', 'v1', 'Deployment', 'deployments', true, ['deploy']),
  r('apps', 'v1', 'DaemonSet', 'daemonsets', true, ['ds']),
  r('apps', 'v1', 'ReplicaSet', 'replicasets', true, ['rs']),
  r('apps', 'v1', 'ControllerRevision', 'controllerrevisions', true),
  r('batch', 'v1', 'CronJob', 'cronjobs', true, ['cj']),
  r('batch', 'v1', 'Job', 'jobs', true),
  r(
    'admissionregistration.k8s.io',
    'v1',
    'ValidatingWebhookConfiguration',
    'validatingwebhookconfigurations',
    false,
  ),
  r(
    'admissionregistration.k8s.io',
    'v1',
    'MutatingWebhookConfiguration',
    'mutatingwebhookconfigurations',
    false,
  ),
  r('apiregistration.k8s.io', 'v1', 'APIService', 'apiservices', false),
  r('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, [
    'crd',
    'crds',
  ]),
];

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueCa, issueLeaf } from '../simulator/cert-factory.js';
import { sampleManifest, startFakeRegistry } from '../simulator/fake-registry.js';
import type { RegistriesConfig } from '../checks/registries/registries-config.js';

export interface DemoRegistries {
  /** Pods, workloads, pull secrets and events to load into the prod cluster. */
  objects: Record<string, unknown>[];
  /** The `registries:` section of the demo's embedded config. */
  config: Partial<RegistriesConfig>;
  hosts: { shop: string; payments: string };
  stop(): Promise<void>;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const minutesAgo = (now: Date, m: number) => new Date(now.getTime() - m * 60_000).toISOString();

/** The registry that does not resolve: `.invalid` never does (RFC 6761), and fails fast. */
const unresolvable = 'registry.corp.invalid';

/**
 * Starts the demo's registries on loopback (DOMAIN.md section 4): a healthy one (shop), one that
 * rejects the credentials in its pull secret (payments, whose pod is already in ImagePullBackOff),
 * and one whose name does not resolve (platform agents). `dir` is a private temp dir.
 */
export async function startDemoRegistries(now: Date, dir: string): Promise<DemoRegistries> {
  const ca = issueCa('registry-ca', now, { ageDays: 400 });
  const caFile = join(dir, 'registry-ca.pem');
  writeFileSync(caFile, ca.certPem);
  const tls = () => {
    const leaf = issueLeaf('registry.demo.local', now, 200, { issuer: ca, sans: ['127.0.0.1', 'localhost'] });
    return { certPem: leaf.chainPem, keyPem: leaf.keyPem };
  };
  const shop = await startFakeRegistry({
    tls: tls(),
    auth: { scheme: 'bearer', users: { 'shop-ci': 'demo-shop-pull-token' } },
    manifests: {
      'shop/web:1.4.2': sampleManifest('shop/web'),
      'shop/worker:2.0.1': sampleManifest('shop/worker'),
    },
  });
  const payments = await startFakeRegistry({
    tls: tls(),
    auth: { scheme: 'bearer', users: { 'payments-ci': 'demo-current-password' } },
    manifests: { 'payments/api:3.2.0': sampleManifest('payments/api') },
  }).catch(async (err: unknown) => {
    await shop.stop();
    throw err;
  });

  const shopImage = (repo: string) => `${shop.registry}/${repo}`;
  const paymentsImage = `${payments.registry}/payments/api:3.2.0`;
  const objects: Record<string, unknown>[] = [
    pullSecret('shop', 'shop-registry', { [shop.registry]: { auth: b64('shop-ci:demo-shop-pull-token') } }),
    // Rotated on the registry last week, never updated here.
    pullSecret('payments', 'payments-registry', {
      [`https://${payments.registry}`]: { username: 'payments-ci', password: 'demo-rotated-last-week' },
    }),
    // Pods of shop get their pull secret from the namespace's default ServiceAccount.
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { namespace: 'shop', name: 'default' },
      imagePullSecrets: [{ name: 'shop-registry' }],
    },
    deployment('shop', 'web', { containers: [{ name: 'web', image: shopImage('shop/web:1.4.2') }] }),
    deployment('shop', 'worker', {
      initContainers: [{ name: 'migrate', image: shopImage('shop/web:1.4.2') }],
      containers: [{ name: 'worker', image: shopImage('shop/worker:2.0.1') }],
    }),
    pod('shop', 'web-5d8f7c9b6-x2k4q', 'web-5d8f7c9b6', '5d8f7c9b6', {
      spec: {
        imagePullSecrets: [{ name: 'shop-registry' }],
        containers: [{ name: 'web', image: shopImage('shop/web:1.4.2') }],
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'ContainersReady', status: 'True', lastTransitionTime: minutesAgo(now, 4000) }],
        containerStatuses: [
          {
            name: 'web',
            image: shopImage('shop/web:1.4.2'),
            imageID: '',
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: minutesAgo(now, 4000) } },
          },
        ],
      },
    }),
    deployment('payments', 'api', {
      imagePullSecrets: [{ name: 'payments-registry' }],
      containers: [{ name: 'api', image: paymentsImage }],
    }),
    // The rollout 47 minutes ago created a pod that cannot pull: the outage has started.
    pod('payments', 'api-7c9d8f6b5-qw7rt', 'api-7c9d8f6b5', '7c9d8f6b5', {
      spec: {
        imagePullSecrets: [{ name: 'payments-registry' }],
        containers: [{ name: 'api', image: paymentsImage }],
      },
      status: {
        phase: 'Pending',
        conditions: [{ type: 'ContainersReady', status: 'False', lastTransitionTime: minutesAgo(now, 47) }],
        containerStatuses: [
          {
            name: 'api',
            image: paymentsImage,
            imageID: '',
            ready: false,
            restartCount: 0,
            state: {
              waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${paymentsImage}"` },
            },
          },
        ],
      },
    }),
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: 'payments', name: 'api-7c9d8f6b5-qw7rt.1797a1b2c3d4e5f6' },
      involvedObject: { kind: 'Pod', namespace: 'payments', name: 'api-7c9d8f6b5-qw7rt', apiVersion: 'v1' },
      reason: 'Failed',
      type: 'Warning',
      source: { component: 'kubelet', host: 'node-a' },
      message: `Failed to pull image "${paymentsImage}": failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://${payments.registry}/token: 401 Unauthorized`,
      firstTimestamp: minutesAgo(now, 47),
      lastTimestamp: minutesAgo(now, 2),
      count: 12,
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { namespace: 'monitoring', name: 'node-agent' },
      spec: {
        selector: { matchLabels: { app: 'node-agent' } },
        template: {
          metadata: { labels: { app: 'node-agent' } },
          spec: { containers: [{ name: 'agent', image: `${unresolvable}/platform/node-agent:1.8.0` }] },
        },
      },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { namespace: 'monitoring', name: 'usage-report' },
      spec: {
        schedule: '0 6 * * *',
        jobTemplate: {
          spec: {
            template: {
              spec: {
                restartPolicy: 'OnFailure',
                containers: [{ name: 'report', image: `${unresolvable}/platform/usage-report:2.1.0` }],
              },
            },
          },
        },
      },
    },
  ];

  return {
    objects,
    hosts: { shop: shop.registry, payments: payments.registry },
    config: {
      caFiles: { [shop.registry]: caFile, [payments.registry]: caFile },
      // The demo never leaves the machine: public registries, and the documentation domain the
      // StatefulSet fixtures use (example.com resolves publicly, RFC 2606), are not probed here.
      ignore: [
        'docker.io',
        'quay.io',
        'ghcr.io',
        'registry.k8s.io',
        'gcr.io',
        'mcr.microsoft.com',
        'public.ecr.aws',
        'example.com',
        '*.example.com',
      ],
      probeTimeoutSeconds: 3,
    },
    stop: async () => {
      await Promise.allSettled([shop.stop(), payments.stop()]);
    },
  };
}

/**
 * payments after the fix (the live demo's recovery, at `now`): the password rotated on the registry
 * last week is finally in the pull secret, and `kubectl rollout restart deployment/api` replaced the
 * pod stuck in ImagePullBackOff with one that pulled and runs. The old pod and its Failed event are
 * gone (the fake API server does not age events out as a real one does after an hour).
 */
export function recoveredPaymentsObjects(
  now: Date,
  paymentsRegistry: string,
): {
  upsert: Record<string, unknown>[];
  remove: { apiVersion: string; kind: string; namespace: string; name: string }[];
} {
  const image = `${paymentsRegistry}/payments/api:3.2.0`;
  return {
    upsert: [
      pullSecret('payments', 'payments-registry', {
        [`https://${paymentsRegistry}`]: { username: 'payments-ci', password: 'demo-current-password' },
      }),
      pod('payments', 'api-7c9d8f6b5-m4x8p', 'api-7c9d8f6b5', '7c9d8f6b5', {
        spec: { imagePullSecrets: [{ name: 'payments-registry' }], containers: [{ name: 'api', image }] },
        status: {
          phase: 'Running',
          conditions: [{ type: 'ContainersReady', status: 'True', lastTransitionTime: now.toISOString() }],
          containerStatuses: [
            {
              name: 'api',
              image,
              imageID: '',
              ready: true,
              restartCount: 0,
              state: { running: { startedAt: now.toISOString() } },
            },
          ],
        },
      }),
    ],
    remove: [
      { apiVersion: 'v1', kind: 'Pod', namespace: 'payments', name: 'api-7c9d8f6b5-qw7rt' },
      {
        apiVersion: 'v1',
        kind: 'Event',
        namespace: 'payments',
        name: 'api-7c9d8f6b5-qw7rt.1797a1b2c3d4e5f6',
      },
    ],
  };
}

function pullSecret(namespace: string, name: string, auths: Record<string, Record<string, string>>) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { namespace, name },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': b64(JSON.stringify({ auths })) },
  };
}

function deployment(namespace: string, name: string, spec: Record<string, unknown>) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { namespace, name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec },
    },
  };
}

function pod(
  namespace: string,
  name: string,
  replicaSet: string,
  hash: string,
  body: { spec: Record<string, unknown>; status: Record<string, unknown> },
) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace,
      name,
      labels: { 'pod-template-hash': hash },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: replicaSet,
          uid: `uid-${replicaSet}`,
          controller: true,
        },
      ],
    },
    spec: body.spec,
    status: body.status,
  };
}

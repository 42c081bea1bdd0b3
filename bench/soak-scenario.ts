import type { FakeKubeApiServer } from '../src/simulator/kube-api-server/index.js';
import type { FakeRegistryOptions } from '../src/simulator/fake-registry.js';
import { issueLeaf, type IssuedCert } from '../src/simulator/cert-factory.js';
import { StatefulSetFixture } from '../src/simulator/statefulset-fixture.js';
import { prng } from './bench-stats.js';

/**
 * The soak's clusters over a simulated day (bench/soak-replicas.ts): per cluster some TLS Secrets
 * whose certificates enter the warning window, turn critical and are renewed; a StatefulSet that
 * breaks (mongo-0 NotReady, mongo-2 missing) and recovers; a registry that flaps (503) and comes
 * back. Each object alternates healthy and broken phases, every phase long enough (in ticks) to be
 * seen by several runs, so the incidents the scenario causes are known in advance: the ground truth.
 */
export type SoakObjectKind = 'certificate' | 'statefulset' | 'registry';

export interface SoakObject {
  cluster: string;
  kind: SoakObjectKind;
  /** What the alert's `object` contains. */
  name: string;
}

/** One change applied at a tick. */
export interface SoakChange {
  tick: number;
  object: SoakObject;
  to: 'healthy' | 'warning' | 'critical' | 'broken';
}

/** A broken phase: from the tick it broke to the tick it was healthy again (exclusive). */
export interface SoakEpisode {
  object: SoakObject;
  fromTick: number;
  toTick: number;
  escalates: boolean;
}

export interface QuietWindow {
  cluster: string;
  fromTick: number;
  toTick: number;
}

export interface ScenarioPlan {
  changes: SoakChange[];
  episodes: SoakEpisode[];
}

/**
 * A deterministic timeline for `objects` over `ticks` ticks: phases of `minPhase`..`maxPhase` ticks,
 * nothing changes on a cluster inside its quiet windows (API outages, with margins), and every object
 * is healthy for the last `tailTicks` so the run ends with every incident resolved.
 */
export function planScenario(
  objects: readonly SoakObject[],
  opts: {
    ticks: number;
    minPhase: number;
    maxPhase: number;
    tailTicks: number;
    quiet: QuietWindow[];
    seed: number;
  },
): ScenarioPlan {
  const rand = prng(opts.seed);
  const span = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const changes: SoakChange[] = [];
  const episodes: SoakEpisode[] = [];
  const lastChangeTick = opts.ticks - opts.tailTicks;
  const inQuiet = (cluster: string, from: number, to: number) =>
    opts.quiet.some((q) => q.cluster === cluster && from < q.toTick && to > q.fromTick);
  for (const object of objects) {
    // Start healthy for a while, staggered, so the first runs see a calm cluster.
    let t = span(opts.minPhase, opts.maxPhase);
    for (;;) {
      const broken = span(opts.minPhase, opts.maxPhase);
      const healthy = span(opts.minPhase, opts.maxPhase);
      if (t + broken > lastChangeTick) break;
      if (inQuiet(object.cluster, t - 2, t + broken + 2)) {
        t += span(2, opts.minPhase);
        continue;
      }
      const escalates = object.kind === 'certificate' && broken >= 2 * Math.ceil(opts.minPhase / 2);
      changes.push({ tick: t, object, to: object.kind === 'certificate' ? 'warning' : 'broken' });
      if (escalates) changes.push({ tick: t + Math.floor(broken / 2), object, to: 'critical' });
      changes.push({ tick: t + broken, object, to: 'healthy' });
      episodes.push({ object, fromTick: t, toTick: t + broken, escalates });
      t += broken + healthy;
    }
  }
  changes.sort((a, b) => a.tick - b.tick);
  return { changes, episodes };
}

/** Days left on each certificate state: 28 and 14 are the default warning and critical thresholds. */
const daysLeft = { healthy: 200, warning: 20, critical: 5 } as const;

export interface SoakCluster {
  name: string;
  api: FakeKubeApiServer;
  /** The options object the fake registry reads on every request: setting `v2`/`manifest` flaps it. */
  registryOptions: FakeRegistryOptions;
  registryHost: string;
}

export function tlsSecret(name: string, days: number, ca: IssuedCert, now: Date): Record<string, unknown> {
  const leaf = issueLeaf(`${name}.shop.example.com`, now, days, {
    issuer: ca,
    sans: [`${name}.shop.example.com`],
  });
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { namespace: 'shop', name },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': Buffer.from(leaf.certPem).toString('base64') },
  };
}

/** db/mongo: healthy (3 of 3 Ready) or stuck (mongo-0 NotReady for 47 min, mongo-2 never created). */
export function statefulSetObjects(state: 'healthy' | 'broken', now: Date): Record<string, unknown>[] {
  const mongo = new StatefulSetFixture({
    namespace: 'db',
    name: 'mongo',
    replicas: 3,
    now,
    container: 'mongod',
    ageMinutes: 120 * 24 * 60,
    statusWrittenMinutesAgo: state === 'broken' ? 31 : 0,
  });
  const pods =
    state === 'broken'
      ? [
          mongo.pod({ ordinal: 0, node: 'node-a', ready: false, readyChangedMinutesAgo: 47 }),
          mongo.pod({ ordinal: 1, node: 'node-b', ageMinutes: 2 * 24 * 60 }),
        ]
      : [
          mongo.pod({ ordinal: 0, node: 'node-a', ageMinutes: 50 }),
          mongo.pod({ ordinal: 1, node: 'node-b', ageMinutes: 2 * 24 * 60 }),
          mongo.pod({ ordinal: 2, node: 'node-b', ageMinutes: 10 }),
        ];
  const objects = [mongo.statefulSet(pods), ...pods, mongo.revision(mongo.currentRevision, 3)];
  // One uid for every version, so pods written later still belong to the StatefulSet listed earlier.
  return JSON.parse(JSON.stringify(objects).replaceAll(mongo.uid, 'uid-statefulset-db-mongo')) as Record<
    string,
    unknown
  >[];
}

/** Applies one change to its cluster (the fake API server, or the fake registry's answers). */
export function applyChange(change: SoakChange, cluster: SoakCluster, ca: IssuedCert): void {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  switch (change.object.kind) {
    case 'certificate': {
      const state = change.to === 'broken' ? 'warning' : change.to;
      cluster.api.upsert(tlsSecret(change.object.name, daysLeft[state], ca, now));
      return;
    }
    case 'statefulset':
      if (change.to !== 'healthy') cluster.api.delete('v1', 'Pod', 'db', 'mongo-2');
      cluster.api.upsertMany(statefulSetObjects(change.to === 'healthy' ? 'healthy' : 'broken', now));
      return;
    case 'registry':
      if (change.to === 'healthy') {
        delete cluster.registryOptions.v2;
        delete cluster.registryOptions.manifest;
      } else {
        const down = { status: 503, body: '{"errors":[{"code":"UNAVAILABLE","message":"backend down"}]}' };
        cluster.registryOptions.v2 = down;
        cluster.registryOptions.manifest = down;
      }
      return;
  }
}

/** Everything a cluster holds at the start, all healthy. */
export function initialObjects(
  objects: readonly SoakObject[],
  cluster: SoakCluster,
  ca: IssuedCert,
  now: Date,
) {
  const port = cluster.api.port;
  const out: Record<string, unknown>[] = [
    // Where the certificate check finds the API server to handshake with (as in src/demo/demo-scenario.ts).
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { namespace: 'default', name: 'kubernetes' },
      subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port, protocol: 'TCP' }] }],
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        namespace: 'default',
        name: 'kubernetes',
        labels: { 'kubernetes.io/service-name': 'kubernetes' },
      },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
      ports: [{ name: 'https', port, protocol: 'TCP' }],
    },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'db' } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { namespace: 'shop', name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'main', image: `${cluster.registryHost}/shop/web:1.0` }] },
        },
      },
    },
    ...statefulSetObjects('healthy', now),
  ];
  for (const o of objects)
    if (o.cluster === cluster.name && o.kind === 'certificate')
      out.push(tlsSecret(o.name, daysLeft.healthy, ca, now));
  return out;
}

/** What one cluster holds: `certs` TLS Secrets, db/mongo and the registry of shop/web. */
export function soakObjects(clusters: readonly string[], certs: number): SoakObject[] {
  return clusters.flatMap((cluster) => [
    ...Array.from({ length: certs }, (_, i) => ({
      cluster,
      kind: 'certificate' as const,
      name: `cert-${i}`,
    })),
    { cluster, kind: 'statefulset' as const, name: 'db/mongo' },
    { cluster, kind: 'registry' as const, name: 'registry' },
  ]);
}

import type { X509Certificate } from 'node:crypto';
import type { AlertStore } from '../src/alerts/alert-store.js';
import type { CheckSnapshot, SnapshotStore } from '../src/alerts/snapshot-store.js';
import {
  certificateFinding,
  type CertificateLocation,
} from '../src/checks/certificates/certificate-finding.js';
import { evaluateBundle, type BundleEvaluation } from '../src/checks/certificates/evaluate-bundle.js';
import { defaultThresholds } from '../src/checks/certificates/expiry-thresholds.js';
import type { Finding, Unobserved } from '../src/domain/finding.js';
import { fingerprint } from '../src/domain/fingerprint.js';
import type { Severity } from '../src/domain/severity.js';
import { issueCa, issueLeaf } from '../src/simulator/cert-factory.js';
import { opened } from '../test/support/alert-fixtures.js';
import { prng } from './bench-stats.js';

/**
 * The slash-command benchmark's fleet: `clusters` clusters whose latest check runs hold `findings`
 * findings in all, shaped like what vigil's checks store (80 % certificates, 15 % StatefulSets, 5 %
 * registries), and one open alert per finding that is not ok, as the alert lifecycle would have
 * opened them. Certificate findings are made by vigil's own `evaluateBundle` + `certificateFinding`
 * from real X.509 certificates, so their facts, summaries and next steps are the real ones.
 */

const DAY_MS = 86_400_000;
const REGIONS = ['eu-west', 'eu-central', 'us-east', 'us-west', 'ap-south'];
const ENVS = ['prod', 'stage', 'dev', 'edge', 'data'];
const NAMESPACES = ['shop', 'payments', 'search', 'identity', 'monitoring', 'ingress', 'data', 'platform'];

export interface Fleet {
  clusters: string[];
  snapshots: CheckSnapshot[];
  /** Findings that are not ok: each gets an open alert. */
  problems: Finding[];
  counts: Record<'certificates' | 'statefulsets' | 'registries', Record<Severity, number>>;
}

/** `prod-eu-west-01`, `stage-us-east-07`…: DNS labels, as vigil.yaml requires. */
export function clusterNames(n: number): string[] {
  return Array.from(
    { length: n },
    (_, i) =>
      `${ENVS[i % ENVS.length]}-${REGIONS[Math.floor(i / ENVS.length) % REGIONS.length]}-${String(i + 1).padStart(2, '0')}`,
  );
}

// Days left of the pooled leaf certificates and how often each group is drawn: about 89 % ok,
// 6 % warning (15-28 days), 4 % critical (under 14 days) and 1 % expired, with default thresholds.
const LEAF_GROUPS: { share: number; days: number[] }[] = [
  { share: 0.01, days: [-9, -4, -1] },
  { share: 0.04, days: [2, 4, 6, 8, 10, 12, 13] },
  { share: 0.06, days: [15, 17, 19, 21, 23, 25, 27] },
  {
    share: 0.89,
    days: [
      31, 36, 42, 48, 55, 61, 68, 74, 80, 87, 95, 103, 112, 120, 131, 142, 155, 168, 181, 196, 210, 224, 240,
      255, 270, 286, 301, 315, 330, 344, 352, 360, 371, 385, 396,
    ],
  },
];

interface CertPool {
  leaves: { days: number; evaluation: BundleEvaluation; host: string }[][];
  caBundles: BundleEvaluation[];
}

/** Issues the pooled certificates (52 leaves and 3 CAs, about 2 s): every finding refers to one of them. */
function certPool(now: Date): CertPool {
  const root = issueCa('Fleet Root CA', now, { ageDays: 400 });
  const issuing = issueCa('Fleet Issuing CA R3', now, { ageDays: 200, lifetimeDays: 1825, issuer: root });
  let n = 0;
  const leaves = LEAF_GROUPS.map((g) =>
    g.days.map((days) => {
      const host = `svc-${n++}.apps.fleet.example.com`;
      const leaf = issueLeaf(host, now, days, {
        issuer: issuing,
        sans: [host, `*.${host}`, `${host.split('.')[0]}.internal.fleet.example.com`],
        lifetimeDays: 397,
      });
      const chain: X509Certificate[] = [leaf.x509, issuing.x509];
      return { days, host, evaluation: evaluateBundle(chain, now, defaultThresholds) };
    }),
  );
  // Webhook and cluster CA bundles: long-lived, one of them in its CA warning window (< 90 days).
  const caBundles = [3295, 1460, 60].map((days, i) => {
    const ca = issueCa(`fleet-webhook-ca-${i}`, now, { ageDays: 3650 - days, lifetimeDays: 3650 });
    return evaluateBundle([ca.x509], now, defaultThresholds, { kind: 'ca-bundle' });
  });
  return { leaves, caBundles };
}

function pickLeaf(pool: CertPool, rand: () => number) {
  let r = rand();
  for (let g = 0; g < LEAF_GROUPS.length; g++) {
    const group = LEAF_GROUPS[g]!;
    if (r < group.share || g === LEAF_GROUPS.length - 1) {
      const leaves = pool.leaves[g]!;
      return leaves[Math.floor(rand() * leaves.length)]!;
    }
    r -= group.share;
  }
  throw new Error('unreachable');
}

function certificateFindings(cluster: string, count: number, pool: CertPool, now: Date, rand: () => number) {
  const out: Finding[] = [];
  const add = (loc: CertificateLocation, evaluation: BundleEvaluation) =>
    out.push(certificateFinding(loc, evaluation, now));
  const nodes = Math.max(3, Math.round(count / 40));
  add(
    {
      cluster,
      source: 'apiserver',
      object: `apiserver https://10.0.0.1:6443`,
      label: 'API server https://10.0.0.1:6443',
      host: '10.0.0.1',
      port: 6443,
    },
    pickLeaf(pool, rand).evaluation,
  );
  for (let i = 0; i < nodes && out.length < count; i++) {
    const node = `node-${String(i).padStart(2, '0')}`;
    add(
      {
        cluster,
        source: 'kubelet',
        object: `kubelet ${node}`,
        label: `kubelet on node ${node} (10.0.1.${i + 10}:10250)`,
        node,
        host: `10.0.1.${i + 10}`,
        port: 10250,
      },
      pickLeaf(pool, rand).evaluation,
    );
  }
  for (const [i, evaluation] of pool.caBundles.entries()) {
    if (out.length >= count) break;
    add(
      {
        cluster,
        source: 'webhook-ca-bundle',
        object: `validatingwebhookconfiguration/policy-${i} webhook validate.policy-${i}.example.com caBundle`,
        label: `validatingwebhookconfiguration/policy-${i} webhook validate.policy-${i}.example.com`,
        namespace: 'policy',
        name: `policy-${i}`,
      },
      evaluation,
    );
  }
  for (let i = 0; out.length < count; i++) {
    const ns = NAMESPACES[i % NAMESPACES.length]!;
    const name = `app-${String(i).padStart(3, '0')}-tls`;
    add(
      {
        cluster,
        source: 'tls-secret',
        object: `secret ${ns}/${name} tls.crt`,
        label: `Secret ${ns}/${name} (tls.crt)`,
        namespace: ns,
        name,
      },
      pickLeaf(pool, rand).evaluation,
    );
  }
  return out;
}

/** StatefulSet findings shaped like statefulSetFinding's: about 90 % ready, some degraded or stuck. */
function statefulSetFindings(cluster: string, count: number, now: Date, rand: () => number): Finding[] {
  const out: Finding[] = [];
  for (let i = 0; i < count; i++) {
    const ns = NAMESPACES[i % NAMESPACES.length]!;
    const name = ['mongo', 'kafka', 'redis', 'postgres', 'zookeeper', 'elasticsearch'][i % 6]! + `-${i}`;
    const r = rand();
    const severity: Severity = r < 0.03 ? 'critical' : r < 0.1 ? 'warning' : 'ok';
    const desired = 3;
    const ready = severity === 'critical' ? 1 : severity === 'warning' ? 2 : 3;
    const minutes = 5 + Math.floor(rand() * 120);
    const since = new Date(now.getTime() - minutes * 60_000).toISOString();
    const id = `StatefulSet ${ns}/${name}`;
    out.push({
      cluster,
      check: 'statefulsets',
      severity,
      source: 'statefulset',
      object: `statefulset ${ns}/${name}`,
      summary:
        severity === 'ok'
          ? `${id}: ${ready}/${desired} ready (OrderedReady).`
          : `${id} ${severity === 'critical' ? 'stuck' : 'degraded'}: ${ready}/${desired} ready for ${minutes} min (OrderedReady).`,
      ...(severity !== 'ok'
        ? {
            nextStep: `Check why the readiness probe fails: \`kubectl -n ${ns} describe pod ${name}-0\`, \`kubectl -n ${ns} logs ${name}-0\`. Deleting ${name}-0 restarts it and lets the controller continue (touch no other pod until it is Ready).`,
            evidence: [
              `Blocking: ${name}-0 Running but NotReady for ${minutes} min; readiness probe failing ("connection refused", last 30 s ago, ${minutes * 2} times); node node-0${i % 9} Ready.`,
              `Effect: ${name}-2 is missing and will not be created until ${name}-0 is Ready.`,
              'Revisions: current = update (not a rollout).',
            ],
          }
        : {}),
      fingerprint: fingerprint(cluster, 'statefulsets', 'statefulset', `${ns}/${name}`),
      namespace: ns,
      statefulSet: {
        desired,
        ready,
        available: ready,
        missingOrdinals: ready < desired ? [2] : [],
        ...(ready < desired ? { blockingOrdinal: 0, blockingPod: `${name}-0`, notReadySince: since } : {}),
        podManagementPolicy: 'OrderedReady',
        updateStrategy: 'RollingUpdate',
        partition: 0,
        currentRevision: `${name}-5c7d9b8f4`,
        updateRevision: `${name}-5c7d9b8f4`,
        updatedReplicas: ready,
        generation: 3,
        observedGeneration: 3,
        patterns: severity === 'critical' ? ['ordered-ready-blocked', 'quorum-lost'] : [],
      },
    });
  }
  return out;
}

/** Registry findings shaped like registryFinding's: mostly reachable, a few auth or DNS failures. */
function registryFindings(cluster: string, count: number, rand: () => number): Finding[] {
  const out: Finding[] = [];
  for (let i = 0; i < count; i++) {
    const registry = `registry-${i}.corp.example.com`;
    const r = rand();
    const severity: Severity = r < 0.04 ? 'critical' : r < 0.08 ? 'warning' : 'ok';
    out.push({
      cluster,
      check: 'registries',
      severity,
      source: 'registry',
      object: `registry ${registry}`,
      summary:
        severity === 'ok'
          ? `registry ${registry} reachable: manifest ${registry}/team/app:1.4.2 found (sha256:5ea56b07ea0a…) with pull secret shop/registry-${i}`
          : severity === 'critical'
            ? `registry ${registry} rejects the credentials of pull secret shop/registry-${i}; 1 pod failing to pull since 12:00Z (47 minutes ago); 2 workloads pull from it`
            : `registry ${registry} does not resolve (DNS); 2 workloads pull from it and would fail on the next pull`,
      ...(severity !== 'ok'
        ? {
            nextStep: `Update pull secret shop/registry-${i} with valid credentials (\`kubectl create secret docker-registry ... --dry-run=client -o yaml | kubectl apply -f -\`); expired tokens and rotated passwords are the usual cause.`,
          }
        : {}),
      evidence: [
        `probed image ${registry}/team/app:1.4.2 as deployment shop/app-${i} with pull secret shop/registry-${i}`,
        `ok DNS: ${registry} → 10.20.0.${i + 1}`,
        `ok TCP: connected to ${registry}:443 (2 ms)`,
        `ok TLS: TLSv1.3, certificate CN=${registry} trusted, valid until 2027-06-09T12:47Z`,
      ],
      fingerprint: fingerprint(cluster, 'registries', 'registry', registry),
    });
  }
  return out;
}

const unobserved: Unobserved[] = [
  {
    what: 'etcd peer certificates',
    why: 'not exposed through the Kubernetes API',
    howToObserve: 'add each etcd member as tlsEndpoints: ["HOST:2380"] (or run the node agent)',
  },
  {
    what: 'kube-controller-manager serving certificate',
    why: 'not exposed through the Kubernetes API',
    howToObserve: 'add tlsEndpoints: ["CONTROL-PLANE:10257"] (or run the node agent)',
  },
];

/** Builds the fleet (deterministic for a given seed; the certificates are fresh each time). */
export function buildFleet(opts: { clusters: number; findings: number; now: Date; seed?: number }): Fleet {
  const rand = prng(opts.seed ?? 42);
  const pool = certPool(opts.now);
  const clusters = clusterNames(opts.clusters);
  const perCluster = Math.floor(opts.findings / opts.clusters);
  const extra = opts.findings - perCluster * opts.clusters;
  const snapshots: CheckSnapshot[] = [];
  const at = (minutesAgo: number) => new Date(opts.now.getTime() - minutesAgo * 60_000).toISOString();
  clusters.forEach((cluster, i) => {
    const total = perCluster + (i < extra ? 1 : 0);
    const sts = Math.round(total * 0.15);
    const reg = Math.round(total * 0.05);
    const certs = total - sts - reg;
    // Runs finish at different times, as their schedules (6 h, 2 min, 5 min) make them.
    snapshots.push(
      {
        cluster,
        check: 'certificates',
        at: at(30 + (i % 300)),
        reachable: true,
        findings: certificateFindings(cluster, certs, pool, opts.now, rand),
        unobserved,
      },
      {
        cluster,
        check: 'statefulsets',
        at: at(1 + (i % 2)),
        reachable: true,
        findings: statefulSetFindings(cluster, sts, opts.now, rand),
        unobserved: [],
      },
      {
        cluster,
        check: 'registries',
        at: at(1 + (i % 5)),
        reachable: true,
        findings: registryFindings(cluster, reg, rand),
        unobserved: [],
      },
    );
  });
  const counts = {
    certificates: { ok: 0, warning: 0, critical: 0, unknown: 0 },
    statefulsets: { ok: 0, warning: 0, critical: 0, unknown: 0 },
    registries: { ok: 0, warning: 0, critical: 0, unknown: 0 },
  } as Fleet['counts'];
  const problems: Finding[] = [];
  for (const s of snapshots) {
    for (const f of s.findings) {
      counts[s.check as keyof Fleet['counts']][f.severity] += 1;
      if (f.severity !== 'ok') problems.push(f);
    }
  }
  return { clusters, snapshots, problems, counts };
}

/**
 * Writes the snapshots and opens one alert per problem through the stores vigil serve uses
 * (createRedisStores), as finished check runs would have left them. Returns the ids of the alerts.
 */
export async function seedFleet(
  fleet: Fleet,
  stores: { snapshots: SnapshotStore; alerts: AlertStore },
  now: Date,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < fleet.snapshots.length; i += 4)
    await Promise.all(fleet.snapshots.slice(i, i + 4).map((s) => stores.snapshots.put(s)));
  const batch = 64;
  for (let i = 0; i < fleet.problems.length; i += batch) {
    await Promise.all(
      fleet.problems.slice(i, i + batch).map(async (finding, j) => {
        const openedAt = new Date(now.getTime() - ((i + j) % 600) * 60_000 - DAY_MS * ((i + j) % 3));
        const id = await stores.alerts.newId();
        const changes = opened(id, finding, openedAt);
        if (!(await stores.alerts.apply(changes, {})))
          throw new Error(`could not open an alert for ${finding.object}`);
        ids.push(id);
      }),
    );
  }
  return ids;
}

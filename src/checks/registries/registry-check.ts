import type { Finding, FindingEntry, Unobserved } from '../../domain/finding.js';
import { fingerprint } from '../../domain/fingerprint.js';
import { VigilError } from '../../domain/vigil-error.js';
import { probeRegistry } from '../../probe/registry-probe.js';
import type { Check, CheckContext, CheckResult } from '../check.js';
import { mapLimit } from '../map-limit.js';
import { secretAccessOf, unreadSecrets } from '../secret-access.js';
import { summaryTable } from '../table-section.js';
import { discoverRegistries, workloadResolver, type RegistryUsage } from './discover-registries.js';
import { PullCredentials } from './pull-credentials.js';
import { pullGroups } from './pull-groups.js';
import { registryCertificateFinding } from './registry-certificate-finding.js';
import { registryEndpoint } from './registry-endpoint.js';
import { registryFinding, registryObject } from './registry-finding.js';
import type {
  ImageUser,
  PullFailureEvent,
  RegistryReader,
  ServiceAccountPullSecrets,
} from './registry-reader.js';

/**
 * Registry reachability (DOMAIN.md section 4): every registry the cluster pulls from, probed the way
 * a pull reaches it, before a reschedule finds out. Registries are probed concurrently, each within
 * registries.probeTimeoutSeconds, so silent registries cost one timeout, not one each.
 */
export const registryCheck: Check<'registries', RegistryReader> = {
  name: 'registries',
  label: { one: 'registry', many: 'registries' },
  // A registry outage shows only at the next pull, so probe before that happens.
  schedule: { pattern: '*/5 * * * *', meaning: 'every 5 minutes' },
  command: {
    words: ['registries', 'registry', 'regs'],
    short: 'registries',
    usage: 'registries [cluster]',
    description: 'container registries that cannot be pulled from',
    flags: [],
    allClear: 'All registries reachable',
    menu: 'Container registries that cannot be pulled from.',
  },
  table: summaryTable,
  // Imported on first use: the registry loads without src/kube (check.ts ReaderFactory).
  reader: async ({ target }) =>
    new (await import('../../kube/kube-registry-reader.js')).KubeRegistryReader(target.kube),
  unobserved(ctx) {
    const secrets = unreadSecrets(
      secretAccessOf(ctx.cluster),
      ctx.cluster.name,
      'pull-secret credentials',
      'registries are still probed (DNS, TLS, /v2/), but whether their pulls authenticate is not judged',
    );
    const out = secrets ? [secrets] : [];
    if (ctx.apiReachable) return out;
    return [
      {
        what: 'registries used by workloads',
        why: 'the API server is unreachable, so no image list',
        howToObserve:
          ctx.config.registries.extra.length > 0
            ? 'restore API access; only registries.extra were probed'
            : 'restore API access',
      },
      ...out,
    ];
  },
  async run(ctx): Promise<CheckResult> {
    const findings: FindingEntry[] = [];
    const unobserved: Unobserved[] = [];
    const cfg = ctx.config.registries;
    const reader = ctx.reader;
    let users: ImageUser[] = [];
    let events: PullFailureEvent[] = [];
    let serviceAccounts: ServiceAccountPullSecrets[] = [];

    if (ctx.apiReachable) {
      const [u, e, s] = await Promise.allSettled([
        reader.imageUsers(),
        reader.pullFailureEvents(),
        reader.serviceAccountPullSecrets(),
      ]);
      if (u.status === 'fulfilled') users = u.value;
      else findings.push(readFailure(ctx, 'list pods and workload templates', u.reason));
      if (e.status === 'fulfilled') events = e.value;
      else unobserved.push(gap('"Failed to pull image" events', e.reason, 'grant list on events'));
      if (s.status === 'fulfilled') serviceAccounts = s.value;
      else unobserved.push(gap('ServiceAccount imagePullSecrets', s.reason, 'grant list on serviceaccounts'));
    }

    const discovery = discoverRegistries(users, events, cfg);
    for (const i of discovery.invalid.slice(0, 10)) {
      unobserved.push({
        what: `registry of image "${i.image}" (${i.workload})`,
        why: `not a valid image reference: ${i.error}; the kubelet refuses it too (InvalidImageName)`,
        howToObserve: 'fix the image name in the workload',
      });
    }
    const credentials = new PullCredentials(reader, serviceAccounts, secretAccessOf(ctx.cluster));
    const labelOf = workloadResolver(users);
    const results = await mapLimit([...discovery.registries.values()], cfg.probeConcurrency, (usage) =>
      probeOne(ctx, usage, credentials, labelOf).catch((err: unknown) => ({
        findings: [internalFailure(ctx, usage.registry, err)],
        unobserved: [],
      })),
    );
    for (const r of results) {
      findings.push(...r.findings);
      unobserved.push(...r.unobserved);
    }
    return { findings, unobserved };
  },
};

/** Credential sets probed per registry: enough to tell one stale namespace from a broken registry. */
const maxPullGroups = 4;

async function probeOne(
  ctx: CheckContext,
  usage: RegistryUsage,
  credentials: PullCredentials,
  labelOf: (u: ImageUser) => string,
): Promise<CheckResult> {
  const cfg = ctx.config.registries;
  const endpoint = registryEndpoint(usage.registry, cfg);
  const { groups, unprobed } = await pullGroups(usage, credentials, labelOf, maxPullGroups);
  const probe = await probeRegistry({
    registry: usage.registry,
    host: endpoint.host,
    port: endpoint.port,
    plainHttp: endpoint.plainHttp,
    ...(endpoint.caPem ? { caPem: endpoint.caPem } : {}),
    timeoutMs: cfg.probeTimeoutSeconds * 1000,
    pulls: groups.map((g) => ({
      id: g.id,
      image: { repository: g.ref.repository, reference: g.ref.reference, display: g.image },
      credentials: g.credentials?.credentials ?? [],
    })),
    dockerHub: endpoint.dockerHub,
    probeTls: ctx.probeTls,
  });
  const findings: Finding[] = [
    registryFinding({
      cluster: ctx.cluster.name,
      usage,
      endpoint,
      probe,
      pulls: groups.map((g) => ({
        id: g.id,
        image: g.image,
        workloads: g.workloads,
        ...(g.probedAs ? { probedAs: g.probedAs } : {}),
        ...(g.credentials ? { credentials: g.credentials } : {}),
      })),
      unprobed,
      now: ctx.now,
      limit: cfg.blastRadiusLimit,
    }),
  ];
  if (probe.tls) {
    const cert = registryCertificateFinding(ctx, usage.registry, probe.tls);
    if (cert) findings.push(cert);
  }
  const unobserved: Unobserved[] = [];
  const providerGap = probe.pulls.some(
    (p) =>
      p.failure?.kind === 'auth-required' &&
      !groups.find((g) => g.id === p.id)?.credentials?.credentials.length,
  );
  if (providerGap && endpoint.credentialProvider) {
    unobserved.push({
      what: `pull access to ${usage.registry} with the nodes' credentials`,
      why: `they come from a kubelet credential provider (${endpoint.credentialProvider}), which the API does not show`,
      howToObserve:
        'give vigil a pull secret for this registry, or watch ErrImagePull events (reported here)',
    });
  }
  return { findings, unobserved };
}

function readFailure(ctx: CheckContext, what: string, err: unknown): Finding {
  const message = err instanceof VigilError ? err.userMessage : String(err);
  const object = `registries: ${what}`;
  return {
    cluster: ctx.cluster.name,
    check: 'registries',
    severity: 'unknown',
    source: 'registry-discovery',
    object,
    summary: `cannot ${what}, so registries in use are unknown: ${message}`,
    nextStep:
      err instanceof VigilError && err.code === 'kube-forbidden'
        ? 'Grant vigil list on pods, deployments, statefulsets, daemonsets and cronjobs (deploy/rbac); only registries.extra are probed until then.'
        : 'Check connectivity and permissions; only registries.extra are probed until the list works.',
    fingerprint: fingerprint(ctx.cluster.name, 'registries', 'registry-discovery', object),
  };
}

function gap(what: string, err: unknown, fix: string): Unobserved {
  return { what, why: err instanceof VigilError ? err.userMessage : String(err), howToObserve: fix };
}

function internalFailure(ctx: CheckContext, registry: string, err: unknown): Finding {
  return {
    cluster: ctx.cluster.name,
    check: 'registries',
    severity: 'unknown',
    source: 'registry',
    object: registryObject(registry),
    summary: `registry ${registry} not judged: ${err instanceof VigilError ? err.userMessage : err instanceof Error ? err.message : String(err)}`,
    nextStep: 'This is likely a bug in vigil or a permission problem; check the log output and report it.',
    fingerprint: fingerprint(ctx.cluster.name, 'registries', 'registry', registry),
  };
}

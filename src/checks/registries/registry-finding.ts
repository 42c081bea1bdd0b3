import type { Finding } from '../../domain/finding.js';
import { fingerprint } from '../../domain/fingerprint.js';
import type { Severity } from '../../domain/severity.js';
import type { PullOutcome, RegistryFailure, RegistryProbeResult } from '../../probe/registry-probe-result.js';
import { agoOrIn } from '../../time/ago.js';
import { isoUtcMinute } from '../../time/utc-minute.js';
import type { RegistryUsage } from './discover-registries.js';
import type { CredentialChoice } from './pull-credentials.js';
import type { RegistryEndpoint } from './registry-endpoint.js';
import { headline, nextStepFor } from './registry-messages.js';

/** One pull the probe made: an image, the credentials some workloads send, and those workloads. */
export interface ProbedPull {
  id: string;
  image: string;
  /** The workload whose pull secrets were used, e.g. `deployment shop/web`. */
  probedAs?: string;
  /** Workloads that send these credentials (they share this pull's fate). */
  workloads: string[];
  credentials?: CredentialChoice;
}

export interface RegistryFindingInput {
  cluster: string;
  usage: RegistryUsage;
  endpoint: RegistryEndpoint;
  probe: RegistryProbeResult;
  pulls: ProbedPull[];
  /** Workloads whose credential set was beyond the probe limit. */
  unprobed?: string[];
  now: Date;
  /** Workloads named before "and N more". */
  limit: number;
}

export function registryObject(registry: string): string {
  return `registry ${registry}`;
}

interface FailedPull {
  pull: ProbedPull;
  failure: RegistryFailure;
  /** Anonymous denial on ECR/ACR/GAR: the nodes' credential provider may have what we lack. */
  provider: boolean;
  unreadable: boolean;
}

/**
 * One finding per registry, keyed on (cluster, registries, registry, host) whatever its state.
 * Severity: a failure is critical once pods are already failing to pull from this registry (the
 * outage has started), a warning while only future pulls are at risk (reschedules, scale-ups, new
 * nodes: the ACR incident), ok when every stage passed, and unknown when vigil could not judge
 * (it could not read the pull secrets, or failed itself).
 */
export function registryFinding(input: RegistryFindingInput): Finding {
  const { usage, probe, endpoint, now } = input;
  const registry = usage.registry;
  const failing = [...usage.failingPods].sort((a, b) => (a.since ?? '~').localeCompare(b.since ?? '~'));
  const since = failing.find((f) => f.since)?.since;
  const all = [...usage.workloads.keys()];
  const outcomes = new Map<string, PullOutcome>(probe.pulls.map((p) => [p.id, p]));
  // A failure before any pull ran (DNS to /v2/) hits every workload; pull failures only their own.
  const shared = probe.failure && probe.pulls.length === 0 ? probe.failure : undefined;
  const failed: FailedPull[] = input.pulls.flatMap((pull) => {
    const failure = outcomes.get(pull.id)?.failure;
    if (!failure) return [];
    const anonymous = (pull.credentials?.credentials.length ?? 0) === 0;
    const auth = failure.kind === 'auth-required' || failure.kind === 'auth-rejected';
    return [
      {
        pull,
        failure,
        provider: failure.kind === 'auth-required' && anonymous && endpoint.credentialProvider !== undefined,
        unreadable: auth && pull.credentials?.unreadable !== undefined,
      },
    ];
  });
  const real = failed.filter((f) => !f.provider);
  const judged = real.filter((f) => !f.unreadable);
  const primary = judged[0] ?? real[0];
  const affected = shared ? all : [...new Set(real.flatMap((f) => f.pull.workloads))];
  const exhausted = !probe.failure && /^0(;|$)/.test(probe.rateLimitRemaining ?? '');

  let severity: Severity;
  if (shared)
    severity = shared.detail.startsWith('vigil failed')
      ? 'unknown'
      : failing.length > 0
        ? 'critical'
        : 'warning';
  else if (judged.length > 0) severity = failing.length > 0 ? 'critical' : 'warning';
  else if (real.length > 0) severity = 'unknown';
  else if (failed.length > 0) severity = failing.length > 0 ? 'critical' : 'ok';
  // Docker Hub answers HEAD even with no pulls left (HEAD is free), so an exhausted window shows
  // only in `ratelimit-remaining`: every real pull fails with 429 until the window resets.
  else severity = failing.length > 0 || exhausted ? 'warning' : 'ok';

  const failure = shared ?? primary?.failure;
  let summary: string;
  if (failure && severity !== 'unknown') {
    const partial = !shared && affected.length < all.length ? ` for ${names(affected, 3)}` : '';
    summary = `registry ${registry} ${headline(failure, primary?.pull.image)}${partial}; ${impactText(affected.length, all.length, failing.length, since, now)}`;
  } else if (failure) {
    summary = `registry ${registry}: cannot judge authentication: ${primary?.pull.credentials?.unreadable ?? failure.detail}`;
  } else if (failed.length > 0) {
    const provider = failed[0] as FailedPull;
    summary =
      `registry ${registry} reachable; the manifest of ${provider.pull.image} needs credentials and no pull secret matches: ` +
      `credentials may come from a kubelet credential provider (${endpoint.credentialProvider})` +
      (failing.length > 0 ? `; ${impactText(all.length, all.length, failing.length, since, now)}` : '');
  } else {
    summary = `registry ${registry} reachable: ${healthyText(probe, input.pulls.length)}`;
    if (exhausted) {
      summary += `; but the pull rate limit is used up (ratelimit-remaining ${probe.rateLimitRemaining}): pulls fail with 429 until the window resets`;
    }
    if (failing.length > 0) {
      summary += `; yet ${count(failing.length, 'pod')} ${failing.length === 1 ? 'fails' : 'fail'} to pull from it${since ? ` since ${isoUtcMinute(since)}` : ''}: the nodes see something vigil does not`;
    }
  }

  const evidence: string[] = [];
  if (shared) evidence.push(`failed at ${shared.detail}`);
  for (const f of real.slice(0, 3)) {
    const who = f.pull.workloads.length > 0 ? ` (${names(f.pull.workloads, 3)})` : '';
    evidence.push(`failed at ${f.failure.detail}${input.pulls.length > 1 ? who : ''}`);
  }
  for (const f of failing.slice(0, 3)) {
    const message = f.message ? `: ${truncate(f.message, 160)}` : '';
    evidence.push(
      `pod ${f.pod} (${f.workload}) ${f.reason}${f.since ? ` since ${isoUtcMinute(f.since)}` : ''}${message}`,
    );
  }
  if (failing.length > 3) evidence.push(`and ${count(failing.length - 3, 'more pod')} failing to pull`);
  // Workloads already failing first: they are the outage; the rest is what the next pull risks.
  const failingWorkloads = new Set(failing.map((f) => f.workload));
  const order = (a: string, b: string) =>
    Number(failingWorkloads.has(b)) - Number(failingWorkloads.has(a)) || a.localeCompare(b);
  if (failure && severity !== 'unknown' && affected.length > 0) {
    evidence.push(`would fail on their next pull: ${capped([...affected].sort(order), input.limit)}`);
  } else if (all.length > 0) {
    evidence.push(`pulled by: ${capped([...all].sort(order), input.limit)}`);
  } else if (usage.fromConfig) {
    evidence.push('no workload uses it; probed because it is listed in registries.extra');
  }
  // After a shared failure no pull was made: which credentials would have been used says nothing.
  for (const pull of shared ? [] : input.pulls) {
    const creds = pull.credentials;
    const who = creds?.credentials.length
      ? creds.credentials.map((c) => `${c.origin}${c.key ? ` (auths key "${c.key}")` : ''}`).join(', then ')
      : 'anonymous access (no matching pull secret)';
    evidence.push(`probed image ${pull.image}${pull.probedAs ? ` as ${pull.probedAs}` : ''} with ${who}`);
    const outcome = outcomes.get(pull.id);
    if (outcome?.failure || !outcome) for (const n of creds?.notes ?? []) evidence.push(n);
    const last = outcome?.passed.at(-1);
    if (last && !outcome?.failure) evidence.push(`ok ${last}`);
    for (const n of outcome?.notes ?? []) evidence.push(n);
  }
  if (input.unprobed?.length) {
    evidence.push(
      `not probed (more credential sets than the probe limit): ${capped(input.unprobed, input.limit)}`,
    );
  }
  evidence.push(...probe.passed.map((p) => `ok ${p}`));
  evidence.push(...probe.notes);
  if (probe.rateLimitRemaining !== undefined && failure?.kind !== 'rate-limited') {
    evidence.push(`ratelimit-remaining ${probe.rateLimitRemaining}`);
  }

  return {
    cluster: input.cluster,
    check: 'registries',
    severity,
    source: 'registry',
    object: registryObject(registry),
    summary,
    ...(severity !== 'ok' ? { nextStep: nextStep() } : {}),
    evidence,
    fingerprint: fingerprint(input.cluster, 'registries', 'registry', registry),
  };

  function nextStep(): string {
    if (failure && severity === 'unknown' && !shared) {
      if (primary?.pull.credentials?.unreadableByMode) {
        return "vigil's Secret access leaves this pull secret out (the mode above): widen it (the chart's rbac.namespaces or rbac.mode full, or clusters[].secrets) to judge authentication, or accept that it is not judged.";
      }
      return 'Grant vigil `get` on the Secrets named in imagePullSecrets (deploy/rbac), or accept that authentication is not judged.';
    }
    if (failure) {
      const image = primary?.pull.image;
      return nextStepFor(failure, { registry, ...(image ? { image } : {}), insecure: endpoint.plainHttp });
    }
    if (failed.length > 0) {
      return `Check the kubelet credential provider for ${endpoint.credentialProvider} on the nodes (its config and the node role's pull permission); vigil cannot see those credentials.`;
    }
    if (exhausted && failing.length === 0) {
      return `Authenticate pulls from ${registry} with a pull secret (per-account limits are higher), add a pull-through cache or mirror, and avoid imagePullPolicy: Always.`;
    }
    return `vigil pulls fine from where it runs: compare with a node (\`crictl pull ${failing[0]?.image ?? registry}\`), its DNS, proxy and credentials (kubelet credential provider, containerd hosts.toml), and read \`kubectl describe pod ${failing[0]?.pod ?? ''}\`.`;
  }
}

function healthyText(probe: RegistryProbeResult, pulls: number): string {
  if (probe.manifest) {
    const digest = probe.manifest.digest ? ` (${probe.manifest.digest.slice(0, 19)}…)` : '';
    const first = `manifest ${probe.manifest.image} found${digest} with ${probe.manifest.credential ?? 'anonymous access'}`;
    return pulls > 1 ? `${first}, and ${count(pulls - 1, 'other credential set')} pulled too` : first;
  }
  const how = probe.challenge === 'none' ? 'no authentication' : `${probe.challenge ?? ''} challenge`;
  return `GET /v2/ answers (${how}); ${probe.manifestSkipped ?? 'manifest not checked'}`;
}

function impactText(
  affected: number,
  total: number,
  failingPods: number,
  since: string | undefined,
  now: Date,
): string {
  const share =
    affected === total
      ? `${count(total, 'workload')} ${total === 1 ? 'pulls' : 'pull'} from it`
      : `${affected} of ${total} workloads affected`;
  if (failingPods > 0) {
    const when = since ? ` since ${isoUtcMinute(since)} (${agoOrIn(new Date(since), now)})` : '';
    return `${count(failingPods, 'pod')} failing to pull${when}; ${share}`;
  }
  if (total === 0) return 'no workload uses it yet (listed in registries.extra)';
  return affected === total
    ? `${share} and would fail on the next pull`
    : `${affected} of ${total} workloads would fail on the next pull`;
}

function names(list: string[], n: number): string {
  return capped([...list].sort(), n);
}

function capped(list: string[], n: number): string {
  return `${list.slice(0, n).join(', ')}${list.length > n ? ` and ${list.length - n} more` : ''}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

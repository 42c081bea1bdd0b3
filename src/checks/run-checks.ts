import type { ChecksConfig } from './checks-config.js';
import type { ClusterConfig } from './cluster-config.js';
import {
  findingOf,
  type ClusterReport,
  type Finding,
  type FindingEntry,
  type FindingHead,
} from '../domain/finding.js';
import { fingerprint } from '../domain/fingerprint.js';
import { VigilError } from '../domain/vigil-error.js';
import type { Check, CheckResult, ClusterTarget, NodeReports, ProbeTls } from './check.js';
import { checkClusterAccess } from './cluster-access.js';

/** The slice of a structured logger the runner needs (pino satisfies it). */
export interface RunLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface RunChecksDeps {
  connect(cluster: ClusterConfig): ClusterTarget;
  probeTls: ProbeTls;
  now(): Date;
  checks: readonly Check[];
  log?: RunLog;
  /** What node agents reported (`vigil serve` reads them from Redis), for the checks that read them. */
  nodeReports?: NodeReports;
}

export interface RunChecksOptions {
  clusters?: readonly string[];
  only?: readonly string[];
}

/** What the renderers take: findings built, or compact until read (`findingOf`). */
export interface CheckReport<F extends FindingEntry = FindingEntry> {
  generatedAt: string;
  clusters: ClusterReport<F>[];
}

/**
 * Runs the selected checks on every selected cluster concurrently. A cluster that fails (broken
 * kubeconfig, unreachable API) yields findings that say why and never hides the other clusters.
 */
export async function runChecks(
  config: Readonly<ChecksConfig>,
  options: RunChecksOptions,
  deps: RunChecksDeps,
): Promise<CheckReport<Finding>> {
  const report = await runChecksCompact(config, options, deps);
  return { generatedAt: report.generatedAt, clusters: report.clusters.map(built) };
}

/**
 * runChecks with the findings left as the checks return them: compact ones (one per TLS Secret) are
 * built only when read, one at a time, which keeps `vigil check --output json` at the same memory
 * for 10,000 and 100,000 Secrets (BENCHMARKS.md, "Findings kept compact").
 */
export async function runChecksCompact(
  config: Readonly<ChecksConfig>,
  options: RunChecksOptions,
  deps: RunChecksDeps,
): Promise<CheckReport> {
  const now = deps.now();
  const clusters = options.clusters?.length
    ? config.clusters.filter((c) => options.clusters?.includes(c.name))
    : config.clusters;
  const reports = await Promise.all(
    clusters.map((c) => checkCluster(config, c, { only: options.only, now }, deps)),
  );
  return { generatedAt: now.toISOString(), clusters: reports };
}

/**
 * Runs the selected checks (`only`, by name; all when empty) on one cluster, as of `now` (default
 * `deps.now()`): what a run-check job does. A broken kubeconfig or an unreachable API yields
 * findings that say why. Every finding is built: they are stored and alerted on.
 */
export async function runClusterChecks(
  config: Readonly<ChecksConfig>,
  cluster: ClusterConfig,
  options: { only?: readonly string[]; now?: Date },
  deps: RunChecksDeps,
): Promise<ClusterReport> {
  return built(await checkCluster(config, cluster, options, deps));
}

function built(report: ClusterReport<FindingEntry>): ClusterReport {
  return { ...report, findings: report.findings.map(findingOf) };
}

async function checkCluster(
  config: Readonly<ChecksConfig>,
  cluster: ClusterConfig,
  options: { only?: readonly string[]; now?: Date },
  deps: RunChecksDeps,
): Promise<ClusterReport<FindingEntry>> {
  const now = options.now ?? deps.now();
  const checks = options.only?.length
    ? deps.checks.filter((c) => options.only?.includes(c.name))
    : deps.checks;
  const started = performance.now();
  let target: ClusterTarget;
  try {
    target = deps.connect(cluster);
  } catch (err) {
    const message = err instanceof VigilError ? err.userMessage : String(err);
    return {
      cluster: cluster.name,
      reachable: false,
      findings: [
        {
          cluster: cluster.name,
          check: 'cluster',
          severity: 'unknown',
          source: 'cluster-access',
          object: `cluster ${cluster.name} kubeconfig`,
          summary: `cluster ${cluster.name} not checked: ${message}`,
          nextStep:
            'Fix the kubeconfig or the cluster entry in vigil.yaml; nothing on this cluster is watched until then.',
          fingerprint: fingerprint(cluster.name, 'cluster', 'cluster-access', cluster.name),
        },
      ],
      unobserved: [{ what: 'everything on this cluster', why: message, howToObserve: 'fix the kubeconfig' }],
    };
  }

  const access = await checkClusterAccess(target, {
    probeTls: deps.probeTls,
    now,
    timeoutMs: config.certificates.probeTimeoutSeconds * 1000,
  });
  const findings: FindingEntry[] = access.finding ? [access.finding] : [];
  const unobserved: ClusterReport['unobserved'] = [];
  const results = await Promise.all(
    checks.map(async (check): Promise<CheckResult> => {
      try {
        const reader = await check.reader({
          cluster,
          config,
          target,
          ...(deps.nodeReports ? { nodeReports: deps.nodeReports } : {}),
        });
        const ctx = {
          cluster,
          config,
          target,
          reader,
          apiReachable: access.reachable,
          now,
          probeTls: deps.probeTls,
        };
        const result = await check.run(ctx);
        return { findings: result.findings, unobserved: [...check.unobserved(ctx), ...result.unobserved] };
      } catch (err) {
        return {
          findings: [
            {
              cluster: cluster.name,
              check: check.name,
              severity: 'unknown' as const,
              source: 'check-error',
              object: `check ${check.name}`,
              summary: `the ${check.name} check failed: ${err instanceof Error ? err.message : String(err)}`,
              nextStep: 'This is a bug in vigil; please report it with the log output.',
              fingerprint: fingerprint(cluster.name, check.name, 'check-error', check.name),
            },
          ],
          unobserved: [],
        };
      }
    }),
  );
  // Loops, not push(...spread): one argument per finding overflows the stack at 200,000 TLS Secrets.
  for (const r of results) {
    for (const f of r.findings) findings.push(f);
    for (const u of r.unobserved) unobserved.push(u);
  }
  // Checks that read nothing through the API (node agents' reports) are not blind when it is down:
  // their findings are judged, not held (src/alerts/root-cause.ts), and their listing is complete.
  const reachable = access.reachable || (checks.length > 0 && checks.every((c) => c.readsApi === false));
  deps.log?.info(
    {
      cluster: cluster.name,
      reachable,
      findings: findings.length,
      ms: Math.round(performance.now() - started),
    },
    'cluster checked',
  );
  return { cluster: cluster.name, reachable, findings: sortFindings(findings), unobserved };
}

/** Soonest trouble first: unreadable/unreachable items, then by expiry; healthy items last. */
export function sortFindings<F extends FindingHead>(findings: readonly F[]): F[] {
  // Each key computed once (not twice per comparison), and indices sorted rather than entries
  // wrapped with their keys: 100,000 findings take 1.6 MB here instead of an object each.
  const keys = new Float64Array(findings.length);
  findings.forEach((f, i) => {
    const notAfter = f.certificate?.notAfter ?? f.notAfter;
    keys[i] = notAfter
      ? Date.parse(notAfter)
      : f.severity === 'ok'
        ? Number.POSITIVE_INFINITY
        : Number.NEGATIVE_INFINITY;
  });
  const order = Array.from(findings, (_, i) => i);
  const at = (i: number) => findings[i] as F;
  order.sort((a, b) => (keys[a] as number) - (keys[b] as number) || at(a).object.localeCompare(at(b).object));
  return order.map(at);
}

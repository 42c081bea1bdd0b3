import type { Check, ClusterTarget } from '../../src/checks/check.js';
import { allChecks } from '../../src/checks/index.js';
import type { RunChecksDeps } from '../../src/checks/run-checks.js';
import type { FindingEntry } from '../../src/domain/finding.js';

export interface CheckRun {
  cluster: string;
  check: string;
  at: number;
}

/**
 * runChecks dependencies whose clusters always answer and whose checks only count their runs (and
 * return `findings(cluster, check)`), for queue tests about scheduling rather than Kubernetes.
 */
export function countingCheckDeps(findings: (cluster: string, check: string) => FindingEntry[] = () => []): {
  deps: RunChecksDeps;
  runs: CheckRun[];
} {
  const runs: CheckRun[] = [];
  // The registered checks as they are (names, words, schedules), except what they read and do.
  const check = (registered: Check): Check => ({
    ...registered,
    reader: () => undefined,
    unobserved: () => [],
    run(ctx) {
      const name = registered.name;
      runs.push({ cluster: ctx.cluster.name, check: name, at: Date.now() });
      return Promise.resolve({ findings: findings(ctx.cluster.name, name), unobserved: [] });
    },
  });
  const target = (name: string) =>
    ({
      name,
      server: { url: 'https://127.0.0.1:1', host: '127.0.0.1', port: 1 },
      insecureSkipTlsVerify: false,
      ping: () => Promise.resolve(),
    }) as unknown as ClusterTarget;
  return {
    runs,
    deps: {
      connect: (c) => target(c.name),
      probeTls: () => Promise.reject(new Error('no TLS probes in this test')),
      now: () => new Date(),
      checks: allChecks.map(check),
    },
  };
}

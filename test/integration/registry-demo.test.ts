import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { startDemoClusters, type DemoClusters } from '../../src/demo/start-demo-clusters.js';
import { startSilentServer } from '../fakes/registry/silent-server.js';
import { checkJson, type JsonFinding } from '../support/check-json.js';

/** What `vigil demo --only registries` shows: the healthy, the rejecting and the unresolvable registry. */
describe('registry check in the demo scenario', () => {
  let demo: DemoClusters;
  let findings: JsonFinding[];
  let exitCode: number;

  beforeAll(async () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    demo = await startDemoClusters(now);
    const r = await checkJson(demo.config, now, ['registries']);
    findings = r.json.findings.filter((f) => f.cluster === 'prod');
    exitCode = r.exitCode;
  });
  afterAll(() => demo?.stop());

  const byRegistry = (pattern: RegExp) => {
    const f = findings.find((x) => x.check === 'registries' && pattern.test(x.object));
    if (!f) throw new Error(`no registry finding matching ${pattern}`);
    return f;
  };

  it('shows a healthy, a credential-rejecting and an unresolvable registry, worst first', () => {
    expect(exitCode).toBe(2);
    const registries = findings.filter((f) => f.check === 'registries');
    expect(registries.map((f) => f.severity).sort()).toEqual(['critical', 'ok', 'warning']);
    const rejecting = registries.find((f) => f.severity === 'critical');
    expect(rejecting?.summary).toMatch(
      /rejects the credentials of pull secret payments\/payments-registry; 1 pod failing to pull since .* \(47 minutes ago\)/,
    );
    expect(rejecting?.evidence?.join('\n')).toMatch(
      /pod payments\/api-7c9d8f6b5-qw7rt \(deployment payments\/api\) ImagePullBackOff/,
    );
    const dns = byRegistry(/registry\.corp\.invalid/);
    expect(dns.severity).toBe('warning');
    expect(dns.evidence?.join('\n')).toMatch(
      /cronjob monitoring\/usage-report, daemonset monitoring\/node-agent/,
    );
    expect(registries.find((f) => f.severity === 'ok')?.summary).toMatch(
      /found .* with pull secret shop\/shop-registry/,
    );
  });

  it('never prints the demo pull-secret passwords', () => {
    expect(JSON.stringify(findings)).not.toMatch(
      /demo-shop-pull-token|demo-rotated-last-week|demo-current-password/,
    );
  });
});

describe('registry probes run concurrently', () => {
  it('four silent registries cost about one probe timeout, not four', async () => {
    const silent = await Promise.all([1, 2, 3, 4].map(() => startSilentServer()));
    const now = new Date();
    const demo = await startDemoClusters(now);
    try {
      const config = parseConfig(
        {
          clusters: [
            { name: 'prod', kubeconfig: demo.config.clusters[0]?.kubeconfig, context: 'prod-admin' },
          ],
          registries: {
            extra: silent.map((s) => s.registry),
            probeTimeoutSeconds: 0.6,
            ignore: ['*.invalid'],
          },
        },
        'test',
        '/',
      );
      const t0 = Date.now();
      const { json } = await checkJson(config, now, ['registries']);
      const elapsed = Date.now() - t0;
      const timeouts = json.findings.filter((f) =>
        /does not answer \(timeout at the TLS handshake\)/.test(f.summary),
      );
      expect(timeouts).toHaveLength(4);
      expect(elapsed).toBeLessThan(4 * 600);
    } finally {
      await Promise.all([demo.stop(), ...silent.map((s) => s.stop())]);
    }
  });
});

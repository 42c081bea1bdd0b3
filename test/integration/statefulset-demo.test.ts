import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoClusters, type DemoClusters } from '../../src/demo/start-demo-clusters.js';
import { checkJson, type CheckJson } from '../support/check-json.js';

/** `vigil demo --only statefulsets`: the incident of DOMAIN.md section 3 next to healthy StatefulSets. */
describe('the demo prod cluster’s StatefulSets', () => {
  let demo: DemoClusters;
  let json: CheckJson;
  let exitCode: number;

  beforeAll(async () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    demo = await startDemoClusters(now);
    ({ json, exitCode } = await checkJson(demo.config, now, ['statefulsets']));
  });
  afterAll(() => demo?.stop());

  it('shows db/mongo stuck behind its unready pod 0, as in the incident', () => {
    const mongo = json.findings.find((f) => f.object === 'statefulset db/mongo');
    expect(mongo).toMatchObject({
      cluster: 'prod',
      severity: 'critical',
      summary: 'StatefulSet db/mongo stuck: 1/3 ready for 47 min (OrderedReady).',
    });
    expect(mongo?.evidence?.[0]).toMatch(
      /^Blocking: mongo-0 Running but NotReady for 47 min; readiness probe failing \(".*RECOVERING.*", last 30 s ago, 94 times\); node node-a Ready\.$/,
    );
    expect(mongo?.evidence).toContain(
      'Effect: mongo-2 is missing and will not be created until mongo-0 is Ready.',
    );
    expect(mongo?.nextStep).toMatch(/Deleting mongo-0 restarts it .*expect a failover/);
  });

  it('shows healthy, rolling-out and scaled-to-zero StatefulSets as ok, one line each', () => {
    const ok = json.findings.filter((f) => f.severity === 'ok').map((f) => f.summary);
    expect(ok).toEqual([
      'StatefulSet legacy/search scaled to zero (replicas: 0).',
      'StatefulSet monitoring/loki rolling out to loki-7f8d6c9b5: 2/3 updated, 2/3 ready (OrderedReady).',
      'StatefulSet shop/redis: 3/3 ready (OrderedReady).',
    ]);
    expect(exitCode).toBe(2);
  });

  it('says the unreachable edge cluster’s StatefulSets were not observed', () => {
    const edge = json.clusters.find((c) => c.name === 'edge');
    expect(edge?.unobserved.map((u) => u.what)).toContain('StatefulSet readiness');
  });
});

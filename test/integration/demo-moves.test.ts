import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMoves, type DemoMove } from '../../src/demo/demo-moves.js';
import { startDemoClusters, type DemoClusters } from '../../src/demo/start-demo-clusters.js';
import { checkJson, type JsonFinding } from '../support/check-json.js';

/**
 * The live demo's story at the level of the checks: each move, applied to the simulated cluster,
 * turns exactly the finding it is about from not ok to ok (and loki's rollout never alerts). The
 * e2e story (test/e2e/web-demo-story.test.ts) shows the same through the whole bot and a browser.
 */
describe('demo moves', () => {
  let demo: DemoClusters;
  let moves: DemoMove[];
  const now = () => new Date(Math.floor(Date.now() / 1000) * 1000);
  const prod = async (check: string) =>
    (await checkJson(demo.config, now(), [check])).json.findings.filter((f) => f.cluster === 'prod');
  const move = (pattern: RegExp) => {
    const m = moves.find((x) => pattern.test(x.what));
    if (!m) throw new Error(`no move matching ${pattern}`);
    return m;
  };
  const find = (findings: JsonFinding[], pattern: RegExp) => {
    const f = findings.find((x) => pattern.test(`${x.object} ${x.summary}`));
    if (!f) throw new Error(`no finding matching ${pattern}: ${findings.map((x) => x.summary).join('\n')}`);
    return f;
  };

  beforeAll(async () => {
    demo = await startDemoClusters(now(), { mintAheadMs: 15 * 60_000 });
    moves = demoMoves(demo);
  });
  afterAll(() => demo?.stop());

  it('happen in the order the demo prints, each with what the page will show', () => {
    expect(moves.map((m) => m.atSeconds)).toEqual([...moves.map((m) => m.atSeconds)].sort((a, b) => a - b));
    for (const m of moves) expect(m.outcome.length).toBeGreaterThan(10);
  });

  it('the rotated pull secret and a restarted deployment make the payments registry ok', async () => {
    const before = find(await prod('registries'), /rejects the credentials of pull secret payments/);
    expect(before.severity).toBe('critical');
    move(/pull secret/).apply(now());
    const after = (await prod('registries')).find((f) => f.fingerprint === before.fingerprint);
    expect(after?.severity).toBe('ok');
  });

  it('mongo-0 turning Ready makes db/mongo ok, and loki finishing its rollout stays ok', async () => {
    const before = find(await prod('statefulsets'), /statefulset db\/mongo/);
    expect(before.severity).toBe('critical');
    move(/mongo-0/).apply(now());
    move(/loki/).apply(now());
    const after = await prod('statefulsets');
    expect(after.find((f) => f.fingerprint === before.fingerprint)?.severity).toBe('ok');
    expect(find(after, /statefulset monitoring\/loki/).severity).toBe('ok');
  });

  it('the renewed Secret makes payments/api-tls ok; the other certificates stay as they were', async () => {
    const beforeAll = await prod('certificates');
    const before = find(beforeAll, /secret payments\/api-tls/);
    expect(before.severity).toBe('critical');
    expect(before.summary).toMatch(/expires in 9 days/);
    move(/api-tls/).apply(now());
    const after = await prod('certificates');
    expect(after.find((f) => f.fingerprint === before.fingerprint)?.severity).toBe('ok');
    const others = (list: JsonFinding[]) =>
      list
        .filter((f) => f.fingerprint !== before.fingerprint)
        .map((f) => `${f.fingerprint} ${f.severity}`)
        .sort();
    expect(others(after)).toEqual(others(beforeAll));
  });
});

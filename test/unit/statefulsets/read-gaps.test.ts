import { describe, expect, it } from 'vitest';
import { ReadGaps } from '../../../src/checks/statefulsets/read-gaps.js';
import { VigilError } from '../../../src/domain/vigil-error.js';

const forbidden = (what: string) =>
  new VigilError('kube-forbidden', `denied ${what}; Add to a ClusterRole: {...}`);

describe('ReadGaps', () => {
  it('reports each failed read once, however many StatefulSets hit it', async () => {
    const gaps = new ReadGaps('prod');
    for (let i = 0; i < 3; i++) {
      expect(
        await gaps.attempt({ verb: 'get', resource: 'nodes' }, () => Promise.reject(forbidden('nodes'))),
      ).toEqual({ ok: false });
    }
    expect(
      await gaps.attempt({ verb: 'list', resource: 'pods', namespace: 'db' }, () => Promise.resolve(3)),
    ).toEqual({ ok: true, value: 3 });
    const findings = gaps.findings();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      check: 'statefulsets',
      severity: 'unknown',
      source: 'access',
      object: 'get nodes',
    });
    expect(findings[0]?.namespace).toBeUndefined();
  });

  it('offers a Role only for namespaced resources (a Role cannot grant nodes)', async () => {
    const gaps = new ReadGaps('prod');
    await gaps.attempt({ verb: 'get', resource: 'nodes' }, () => Promise.reject(forbidden('nodes')));
    await gaps.attempt({ verb: 'list', resource: 'events', namespace: 'db' }, () =>
      Promise.reject(forbidden('events')),
    );
    const [nodes, events] = gaps.findings();
    expect(nodes?.nextStep).toBe(
      "Add the rule above to vigil's ClusterRole (deploy/rbac/); until then StatefulSet findings lack what nodes would tell.",
    );
    expect(events?.nextStep).toMatch(
      /ClusterRole \(deploy\/rbac\/\) or to a Role in the namespace; until then StatefulSet findings in db/,
    );
    expect(events?.namespace).toBe('db');
  });

  it('lets a bug through instead of hiding it as a gap', async () => {
    const gaps = new ReadGaps('prod');
    await expect(
      gaps.attempt({ verb: 'get', resource: 'nodes' }, () => Promise.reject(new TypeError('x is undefined'))),
    ).rejects.toThrow(TypeError);
  });
});

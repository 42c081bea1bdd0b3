import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NodeReport } from '../../../src/checks/check.js';
import { defaultThresholds } from '../../../src/checks/certificates/expiry-thresholds.js';
import { hostCertificatesCheck } from '../../../src/checks/host-certificates/host-certificates-check.js';
import { hostReportsResult } from '../../../src/checks/host-certificates/host-reports-result.js';
import { readHostCertificates } from '../../../src/checks/host-certificates/read-host-certificates.js';
import { remoteUnobservable } from '../../../src/checks/host-certificates/remote-unobservable.js';
import { configSchema } from '../../../src/config/config-schema.js';
import { daysFrom } from '../../../src/simulator/cert-factory.js';
import { HOUR_MS, MINUTE_MS } from '../../../src/time/time-units.js';
import { HostTree, writeKubeadmTree, writeKubeletTree } from '../../support/host-tree.js';

const now = new Date('2026-03-10T12:00:00Z');
const marker = 'KEY-MARKER-reports';

let cp: HostTree;
let worker: HostTree;
let empty: HostTree;
beforeEach(async () => {
  [cp, worker, empty] = await Promise.all([HostTree.create(), HostTree.create(), HostTree.create()]);
  const issued = await writeKubeadmTree(cp, {
    now,
    leafNotAfter: daysFrom(now, 300),
    caNotAfter: daysFrom(now, 3000),
    notAfter: { 'front-proxy-client': daysFrom(now, 20) },
    keyMarker: marker,
  });
  for (const [tree, node] of [
    [cp, 'cp-1'],
    [worker, 'w-1'],
  ] as const) {
    await writeKubeletTree(tree, {
      now,
      ca: issued.ca!,
      notBefore: daysFrom(now, -30),
      notAfter: daysFrom(now, 335),
      keyMarker: marker,
      node,
    });
  }
});
afterEach(async () => {
  await Promise.all([cp.dispose(), worker.dispose(), empty.dispose()]);
});

async function reportOf(tree: HostTree, node: string, ageMs = 0, intervalMinutes = 60): Promise<NodeReport> {
  const at = new Date(now.getTime() - ageMs);
  const body = await readHostCertificates({ hostRoot: tree.root, node, now: at });
  return { node, observedAt: at.toISOString(), intervalMinutes, body };
}

const result = (reports: NodeReport[], staleAfterMinutes?: number) =>
  hostReportsResult({
    cluster: 'prod',
    mode: 'agents',
    reports,
    now,
    thresholds: defaultThresholds,
    ...(staleAfterMinutes !== undefined ? { staleAfterMinutes } : {}),
  });

describe('hostReportsResult', () => {
  it('judges each node and leaves nothing unobserved once a control-plane node reports', async () => {
    const r = result([await reportOf(worker, 'w-1'), await reportOf(cp, 'cp-1')]);
    expect(r.nodes.map((n) => n.node)).toEqual(['cp-1', 'w-1']);
    expect(r.findings.find((f) => f.severity !== 'ok')).toMatchObject({
      object: 'node cp-1 /etc/kubernetes/pki/front-proxy-client.crt',
      severity: 'warning',
    });
    expect(
      r.findings.some((f) => f.object === 'node w-1 /var/lib/kubelet/pki/kubelet-client-current.pem'),
    ).toBe(true);
    expect(r.unobserved).toEqual([]);
  });

  it('names the nodes that lack what is still unobserved', async () => {
    const r = result([await reportOf(worker, 'w-1'), await reportOf(empty, 'w-2')]);
    const etcdClient = r.unobserved.find((u) => u.what.includes('apiserver-etcd-client'));
    expect(etcdClient).toEqual({
      what: 'API server client certificate for etcd (apiserver-etcd-client)',
      why: 'not present on nodes w-1, w-2',
      howToObserve:
        'run `vigil agent` on the control-plane nodes (agent.enabled in the Helm chart; it tolerates their taints)',
    });
    // w-1's kubelet covers the kubelet's items, so only the control-plane's remain.
    expect(r.unobserved.map((u) => u.what)).not.toContain(
      remoteUnobservable.find((i) => i.id === 'kubelet.conf')?.what,
    );
  });

  it('says so in one line when no node has reported', () => {
    expect(result([]).unobserved).toEqual([
      {
        what: expect.stringMatching(
          /^certificates only the nodes hold \(apiserver-etcd-client, .*kubelet-client-rotation\)$/,
        ),
        why: 'no node agent has reported for this cluster',
        howToObserve: expect.stringContaining('`vigil agent` on the control-plane nodes'),
      },
    ]);
  });

  it('reports a stale node as unknown and keeps judging its certificates from the last report', async () => {
    // Reports hourly: stale after two intervals and 15 minutes (135 minutes).
    const fresh = result([await reportOf(cp, 'cp-1', 134 * MINUTE_MS)]);
    expect(fresh.findings.filter((f) => f.source === 'host-report')).toEqual([]);
    const stale = result([await reportOf(cp, 'cp-1', 136 * MINUTE_MS)]);
    const report = stale.findings.find((f) => f.source === 'host-report');
    expect(report).toMatchObject({
      object: 'node cp-1 report',
      severity: 'unknown',
      summary:
        'node cp-1 has not reported its host certificates since 2026-03-10T09:44Z (2 h 16 min ago; its agent reports every 1 hour)',
    });
    expect(report?.nextStep).toContain('spec.nodeName=cp-1');
    const proxy = stale.findings.find((f) => f.object.endsWith('front-proxy-client.crt'));
    expect(proxy?.severity).toBe('warning');
    expect(proxy?.evidence).toContain('judged from the last report of node cp-1, 2026-03-10T09:44Z');
    // What only cp-1 showed is a gap again, and the gap names it.
    expect(stale.unobserved[0]?.why).toBe(
      'no node has a fresh report; node cp-1 has not reported since 2026-03-10T09:44Z',
    );
    // staleAfterMinutes overrides the reporting interval.
    const lenient = result([await reportOf(cp, 'cp-1', 3 * HOUR_MS)], 240);
    expect(lenient.findings.filter((f) => f.source === 'host-report')).toEqual([]);
  });

  it('reports a node whose report does not validate, naming the field but not its content', async () => {
    const good = await reportOf(cp, 'cp-1');
    const body = good.body as { entries: { outcome: { status: string; pem?: unknown } }[] };
    const broken = structuredClone(body);
    const first = broken.entries.find((e) => e.outcome.status === 'ok');
    if (first) first.outcome.pem = { secret: marker };
    const r = result([{ ...good, body: broken }]);
    expect(r.findings).toEqual([
      expect.objectContaining({
        object: 'node cp-1 report',
        severity: 'unknown',
        summary: expect.stringMatching(
          /^the report of node cp-1 cannot be read: entries\.\d+\.outcome\.pem is not/,
        ),
      }),
    ]);
    expect(JSON.stringify(r)).not.toContain(marker);
    const garbage = result([{ ...good, body: 'garbage', observedAt: '' }]);
    expect(garbage.findings[0]?.summary).toBe(
      'the report of node cp-1 cannot be read: the report is not what vigil agent writes (invalid_type)',
    );
    expect(garbage.unobserved[0]?.why).toBe(
      'no node has a fresh report; node cp-1 sent a report vigil cannot read',
    );
  });

  it('reports a node where nothing was found as unknown, with what each layout saw', async () => {
    const r = result([await reportOf(empty, 'w-2')]);
    expect(r.findings).toEqual([
      expect.objectContaining({
        object: 'node w-2 report',
        severity: 'unknown',
        summary: 'no certificate file found on node w-2',
        evidence: expect.arrayContaining(['/etc/kubernetes: not present: no kubeadm files on this node']),
      }),
    ]);
  });
});

describe('hostCertificatesCheck (the registry entry)', () => {
  const config = configSchema.parse({ clusters: [{ name: 'prod', inCluster: true }] });

  it('reads the agents when the run has node reports, and says what it cannot see otherwise', async () => {
    const target = {} as never;
    const report = await reportOf(cp, 'cp-1');
    const latest: [string, string][] = [];
    const withAgents = await hostCertificatesCheck.reader({
      cluster: config.clusters[0]!,
      config,
      target,
      nodeReports: {
        latest: (cluster, kind) => {
          latest.push([cluster, kind]);
          return Promise.resolve([report]);
        },
      },
    });
    expect(withAgents.mode).toBe('agents');
    const ctx = {
      cluster: config.clusters[0]!,
      config,
      target,
      apiReachable: false,
      now,
      probeTls: () => Promise.reject(new Error('no TLS')),
    };
    const run = await hostCertificatesCheck.run({ ...ctx, reader: withAgents });
    expect(latest).toEqual([['prod', 'host-certificates']]);
    expect(run.findings.some((f) => f.object.endsWith('front-proxy-client.crt'))).toBe(true);

    const without = await hostCertificatesCheck.reader({ cluster: config.clusters[0]!, config, target });
    expect(without.mode).toBe('none');
    const none = await hostCertificatesCheck.run({ ...ctx, reader: without });
    expect(none.findings).toEqual([]);
    expect(none.unobserved).toEqual([
      expect.objectContaining({
        why: "vigil check reads the API and TLS handshakes, not the nodes' files",
        howToObserve: expect.stringContaining('`vigil check --host-root /` on a control-plane node'),
      }),
    ]);
  });
});

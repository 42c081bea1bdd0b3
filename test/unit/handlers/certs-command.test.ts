import { describe, expect, it } from 'vitest';
import { handleCommand } from '../../../handlers/handle-command.js';
import { configSchema } from '../../../src/config/config-schema.js';
import type { CheckSnapshot } from '../../../src/alerts/snapshot-store.js';
import {
  certFinding,
  makeConfig,
  makeDeps,
  NOW,
  plainFinding,
  slackCommand,
  textOf,
} from './handler-fixtures.js';

function snapshot(
  cluster: string,
  findings: CheckSnapshot['findings'],
  extra: Partial<CheckSnapshot> = {},
): CheckSnapshot {
  return {
    cluster,
    check: 'certificates',
    at: '2026-11-21T10:02:00.000Z',
    reachable: true,
    findings,
    unobserved: [],
    ...extra,
  };
}

describe('/k8s certs', () => {
  it('lists the certificates of prod that need attention, soonest first, with days left and the data age', async () => {
    const t = makeDeps();
    await t.snapshots.put(
      snapshot('prod', [
        certFinding('prod', 'secret prod/api-tls tls.crt', 20),
        certFinding('prod', 'secret prod/web-tls tls.crt', 3),
        certFinding('prod', 'secret prod/ok-tls tls.crt', 200),
        certFinding('prod', 'secret prod/old-tls tls.crt', -2),
        certFinding('prod', 'configmap kube-system/kube-root-ca.crt', 25, {
          isCa: true,
          subject: 'CN=kubernetes',
          severity: 'warning',
        }),
        certFinding('prod', 'secret prod/soon-tls tls.crt', 0.25),
      ]),
    );
    await t.snapshots.put(snapshot('staging', [certFinding('staging', 'secret staging/x tls.crt', 1)]));
    const reply = await handleCommand(slackCommand('certs prod'), t.deps);

    expect(reply.private).toBe(false);
    expect(reply.title).toBe('Certificates needing attention on prod: 1 expired, 2 critical, 2 warning');
    expect(reply.sections[0]?.lines).toEqual([
      'critical · expired 2 days ago (2026-11-19) · secret prod/old-tls tls.crt · CN=old-tls tls.crt',
      'critical · expires in 6 h (2026-11-21) · secret prod/soon-tls tls.crt · CN=soon-tls tls.crt',
      'critical · 3 days left (2026-11-24) · secret prod/web-tls tls.crt · CN=web-tls tls.crt',
      'warning · 20 days left (2026-12-11) · secret prod/api-tls tls.crt · CN=api-tls tls.crt',
      'warning · 25 days left (2026-12-16) · configmap kube-system/kube-root-ca.crt · CN=kubernetes (CA)',
    ]);
    expect(reply.footer).toBe('data from 3 min ago (2026-11-21 10:02 UTC)');
    expect(textOf(reply)).not.toContain('staging');
  });

  it('counts days left from now, not from the run, so an old snapshot does not overstate them', async () => {
    const t = makeDeps({ now: new Date(NOW.getTime() + 2 * 86_400_000) });
    await t.snapshots.put(snapshot('prod', [certFinding('prod', 'secret prod/web-tls tls.crt', 10)]));
    const reply = await handleCommand(slackCommand('certs prod'), t.deps);
    expect(reply.sections[0]?.lines[0]).toContain('8 days left');
    expect(reply.footer).toBe('data from 2 d ago (2026-11-21 10:02 UTC)');
  });

  it('--expiring DAYS lists every certificate expiring within DAYS, healthy ones included', async () => {
    const t = makeDeps();
    await t.snapshots.put(
      snapshot('prod', [
        certFinding('prod', 'secret prod/a tls.crt', 45),
        certFinding('prod', 'secret prod/b tls.crt', 100),
        certFinding('prod', 'secret prod/c tls.crt', 10),
      ]),
    );
    const reply = await handleCommand(slackCommand('certs prod --expiring 60'), t.deps);
    expect(reply.title).toBe('Certificates on prod expiring within 60 days: 2');
    expect(reply.sections[0]?.lines.map((l) => l.split(' · ')[2])).toEqual([
      'secret prod/c tls.crt',
      'secret prod/a tls.crt',
    ]);
    const none = await handleCommand(slackCommand('certs prod --expiring 5'), t.deps);
    expect(none.title).toBe('No certificate on prod expires within 5 days');
  });

  it('says when nothing needs attention, with how many were checked and the next expiry', async () => {
    const t = makeDeps();
    await t.snapshots.put(
      snapshot('prod', [
        certFinding('prod', 'secret prod/a tls.crt', 200),
        certFinding('prod', 'secret prod/b tls.crt', 90),
      ]),
    );
    const reply = await handleCommand(slackCommand('certs prod'), t.deps);
    expect(reply.title).toBe('No certificate on prod needs attention');
    expect(reply.sections[0]?.lines).toEqual([
      '2 certificates checked; the next to expire: ok · 90 days left (2027-02-19) · secret prod/b tls.crt · CN=b tls.crt',
    ]);
  });

  it('lists undated problems (unparsable data) after the dated ones, by their summary', async () => {
    const t = makeDeps();
    const garbage = {
      ...certFinding('prod', 'secret prod/bad tls.crt', 1),
      certificate: undefined,
      severity: 'warning' as const,
      summary: 'cannot parse Secret prod/bad (tls.crt): no PEM block',
    };
    delete garbage.certificate;
    await t.snapshots.put(snapshot('prod', [garbage, certFinding('prod', 'secret prod/a tls.crt', 5)]));
    const reply = await handleCommand(slackCommand('certs prod'), t.deps);
    expect(reply.sections[0]?.lines).toEqual([
      'critical · 5 days left (2026-11-26) · secret prod/a tls.crt · CN=a tls.crt',
      'warning · cannot parse Secret prod/bad (tls.crt): no PEM block',
    ]);
  });

  it('paginates long answers: 20 lines, then the exact command for the next page', async () => {
    const t = makeDeps();
    const findings = Array.from({ length: 45 }, (_, i) =>
      certFinding('prod', `secret prod/s${String(i).padStart(2, '0')} tls.crt`, i % 28),
    );
    await t.snapshots.put(snapshot('prod', findings));

    const first = await handleCommand(slackCommand('certs prod'), t.deps);
    expect(first.title).toMatch(/\(page 1 of 3\)$/);
    expect(first.sections[0]?.lines).toHaveLength(21);
    expect(first.sections[0]?.lines[20]).toBe('…and 25 more: /k8s certs prod --page 2');

    const second = await handleCommand(slackCommand('certs PROD --page 2'), t.deps);
    expect(second.title).toMatch(/\(page 2 of 3\)$/);
    expect(second.sections[0]?.lines[20]).toBe('…and 5 more: /k8s certs prod --page 3');

    const third = await handleCommand(slackCommand('certs prod --page 3'), t.deps);
    expect(third.sections[0]?.lines).toHaveLength(5);
    expect(third.footer).toBe('data from 3 min ago (2026-11-21 10:02 UTC)');

    const beyond = await handleCommand(slackCommand('certs prod --page 4'), t.deps);
    expect(beyond.private).toBe(true);
    expect(beyond.title).toBe('No such page: there are only 3 pages; ask for --page 1 to 3');
  });

  it('keeps --expiring in the next-page hint and uses @vigil on Teams', async () => {
    const t = makeDeps();
    await t.snapshots.put(
      snapshot(
        'prod',
        Array.from({ length: 25 }, (_, i) => certFinding('prod', `secret prod/s${i} tls.crt`, 5)),
      ),
    );
    const reply = await handleCommand(
      {
        platform: 'teams',
        text: 'certs prod --expiring 30',
        user: { kind: 'teams', id: 'aad-1' },
        channel: '19:x@thread.tacv2',
      },
      t.deps,
    );
    expect(reply.sections[0]?.lines.at(-1)).toBe('…and 5 more: @vigil certs prod --expiring 30 --page 2');
  });

  it('says when there is no result yet and that the first run happens right after start-up', async () => {
    const t = makeDeps();
    const reply = await handleCommand(slackCommand('certs prod'), t.deps);
    expect(reply.title).toBe('No certificate results yet on prod');
    expect(reply.footer).toBeUndefined();
    expect(textOf(reply)).toContain(
      'prod: no results yet. The first run happens right after vigil starts; or run it now with /k8s check prod certs.',
    );
  });

  it('without a cluster, covers every cluster, prefixing lines with the cluster', async () => {
    const t = makeDeps();
    await t.snapshots.put(snapshot('prod', [certFinding('prod', 'secret prod/a tls.crt', 5)]));
    await t.snapshots.put(
      snapshot('staging', [certFinding('staging', 'secret staging/b tls.crt', 2)], {
        at: '2026-11-21T09:05:00.000Z',
      }),
    );
    const reply = await handleCommand(slackCommand('certs'), t.deps);
    expect(reply.title).toBe('Certificates needing attention on the clusters visible here: 2 critical');
    expect(reply.sections[0]?.lines.map((l) => l.split(' · ')[0])).toEqual(['staging', 'prod']);
    // The oldest run sets the age of the whole answer.
    expect(reply.footer).toBe('data from 1 h ago (2026-11-21 09:05 UTC)');
  });

  it('notes an unreachable cluster and what cannot be observed', async () => {
    const t = makeDeps();
    await t.snapshots.put(
      snapshot('prod', [certFinding('prod', 'secret prod/a tls.crt', 5)], {
        reachable: false,
        unobserved: [{ what: 'etcd client certificates', why: 'on disk', howToObserve: 'node agent' }],
      }),
    );
    const text = textOf(await handleCommand(slackCommand('certs prod'), t.deps));
    expect(text).toContain('prod was not reachable at the last run (2026-11-21 10:02 UTC)');
    expect(text).toContain('Not observable in this mode: etcd client certificates');
  });

  it('lists the known clusters for an unknown one', async () => {
    const t = makeDeps();
    const reply = await handleCommand(slackCommand('certs prdo'), t.deps);
    expect(reply.private).toBe(true);
    expect(reply.title).toBe('Unknown cluster "prdo"');
    expect(reply.sections[0]?.lines).toEqual(['Known clusters: prod, staging.']);
  });

  it('shows the command usage for a bad --expiring', async () => {
    const reply = await handleCommand(slackCommand('certs prod --expiring soon'), makeDeps().deps);
    expect(reply.private).toBe(true);
    expect(reply.title).toMatch(/^Sorry, --expiring needs a whole number of days/);
    expect(textOf(reply)).toContain('Usage: /k8s certs [cluster] [--expiring DAYS]');
  });

  it('leaves restricted clusters out of "all clusters" and says so', async () => {
    const t = makeDeps({ config: makeConfig({ clusters: { prod: { channels: { slack: ['C0PROD'] } } } }) });
    await t.snapshots.put(snapshot('prod', [certFinding('prod', 'secret prod/a tls.crt', 5)]));
    await t.snapshots.put(snapshot('staging', [certFinding('staging', 'secret staging/b tls.crt', 2)]));
    const reply = await handleCommand(slackCommand('certs'), t.deps);
    expect(reply.title).toBe('Certificates needing attention on staging: 1 critical');
    expect(textOf(reply)).not.toContain('prod/a');
    expect(textOf(reply)).toContain('Not shown in this channel: prod (restricted).');
  });

  it('lists host certificates from the node agents beside the cluster’s, with their gaps', async () => {
    const t = makeDeps();
    await t.snapshots.put(snapshot('prod', [certFinding('prod', 'secret prod/web-tls tls.crt', 20)]));
    const host = {
      ...certFinding('prod', 'node cp-1 /etc/kubernetes/pki/apiserver-etcd-client.crt', 9, {
        subject: 'CN=kube-apiserver-etcd-client',
      }),
      check: 'host-certificates' as const,
      source: 'host-kubeadm',
    };
    const stale = {
      ...plainFinding(
        'prod',
        'host-certificates',
        'node cp-2 report',
        'unknown',
        'node cp-2 has not reported',
      ),
      source: 'host-report',
    };
    await t.snapshots.put(
      snapshot('prod', [host, stale], {
        check: 'host-certificates',
        at: '2026-11-21T09:05:00.000Z',
        unobserved: [
          { what: 'etcd peer certificate (etcd-peer)', why: 'node cp-2 has not reported', howToObserve: 'x' },
        ],
      }),
    );
    const reply = await handleCommand(slackCommand('certs prod'), t.deps);
    expect(reply.title).toBe('Certificates needing attention on prod: 1 critical, 1 warning, 1 unknown');
    expect(reply.sections[0]?.lines).toEqual([
      'critical · 9 days left (2026-11-30) · node cp-1 /etc/kubernetes/pki/apiserver-etcd-client.crt · CN=kube-apiserver-etcd-client',
      'warning · 20 days left (2026-12-11) · secret prod/web-tls tls.crt · CN=web-tls tls.crt',
      'unknown · node cp-2 has not reported',
    ]);
    expect(textOf(reply)).toContain('Not observable in this mode: etcd peer certificate (etcd-peer)');
    // The older of the two runs dates the answer.
    expect(reply.footer).toBe('data from 1 h ago (2026-11-21 09:05 UTC)');
  });

  it('does not wait for host results where no agent reports: "no results yet" is the certificates check’s', async () => {
    const t = makeDeps();
    await t.snapshots.put(snapshot('prod', [certFinding('prod', 'secret prod/web-tls tls.crt', 200)]));
    const text = textOf(await handleCommand(slackCommand('certs prod'), t.deps));
    expect(text).not.toContain('no results yet');
  });
});

describe('/k8s certs --chart', () => {
  it('answers in the channel with a PNG of the timeline and the same data as text, thresholds from the config', async () => {
    const config = configSchema.parse({
      clusters: [
        { name: 'prod', inCluster: true },
        { name: 'staging', inCluster: true },
      ],
      certificates: { warningDays: 21, criticalDays: 7 },
    });
    const t = makeDeps({ config });
    await t.snapshots.put(
      snapshot('prod', [
        certFinding('prod', 'secret prod/web-tls tls.crt', 5),
        certFinding('prod', 'secret prod/far-tls tls.crt', 300),
        certFinding('prod', 'configmap kube-system/kube-root-ca.crt', 40, {
          isCa: true,
          subject: 'CN=kubernetes',
        }),
      ]),
    );
    const reply = await handleCommand(slackCommand('certs prod --chart'), t.deps);

    expect(reply.private).toBe(false);
    expect(reply.title).toBe('Certificate expiries on prod, next 90 days');
    const text = textOf(reply);
    expect(reply.sections.map((s) => s.heading)).toEqual(['prod · CA', 'prod · leaf']);
    expect(reply.sections[1]?.lines).toEqual([
      'warning 21 d, critical 7 d: 1 within 90 days, 1 later',
      '• critical · 5 days left (2026-11-26) · secret prod/web-tls tls.crt · CN=web-tls tls.crt',
    ]);
    expect(text).toContain('warning 90 d, critical 30 d: 1 within 90 days');
    expect(reply.footer).toMatch(/data from 3 min ago/);
    const image = reply.image!;
    expect(Buffer.from(image.png).subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(image.filename).toBe('vigil-certs-prod-2026-11-21.png');
    expect(image.alt).toContain('2 certificates expired or expiring');
  });

  it('takes --expiring as the span, refuses --page, and says when there is nothing to draw yet', async () => {
    const t = makeDeps();
    const none = await handleCommand(slackCommand('certs prod --chart'), t.deps);
    expect(none.title).toBe('No certificate results yet on prod');
    expect(none.image).toBeUndefined();
    await t.snapshots.put(snapshot('prod', [certFinding('prod', 'secret prod/a tls.crt', 20)]));
    const short = await handleCommand(slackCommand('certs prod --chart --expiring 14'), t.deps);
    expect(short.title).toBe('Certificate expiries on prod, next 14 days');
    expect(textOf(short)).toContain('0 within 14 days, 1 later');
    expect((await handleCommand(slackCommand('certs prod --chart --page 2'), t.deps)).title).toBe(
      '--chart is one picture: leave out --page',
    );
    expect((await handleCommand(slackCommand('certs --chart --expiring 0'), t.deps)).title).toMatch(
      /draws 1 to 365 days ahead/,
    );
  });

  it('draws only the clusters this channel may see', async () => {
    const config = makeConfig({ clusters: { prod: { channels: { slack: ['C0PROD'] } } } });
    const t = makeDeps({ config });
    await t.snapshots.put(snapshot('prod', [certFinding('prod', 'secret prod/a tls.crt', 2)]));
    await t.snapshots.put(snapshot('staging', [certFinding('staging', 'secret staging/b tls.crt', 2)]));
    const reply = await handleCommand(slackCommand('certs --chart'), t.deps);
    expect(textOf(reply)).toContain('staging · leaf');
    expect(textOf(reply)).not.toContain('prod/a');
    expect(reply.image?.alt).not.toContain('prod');
  });
});

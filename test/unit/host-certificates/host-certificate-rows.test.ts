import { describe, expect, it } from 'vitest';
import type { HostCertificateRow } from '../../../src/checks/host-certificates/host-certificate-row.js';
import { hostCertificateRows } from '../../../src/checks/host-certificates/host-certificate-rows.js';
import type { LayoutEntry } from '../../../src/checks/host-certificates/host-layout.js';
import type {
  HostObservation,
  ObservedEntry,
} from '../../../src/checks/host-certificates/host-observation.js';
import {
  daysFrom,
  issueCa,
  issueCert,
  issueLeaf,
  type IssuedCert,
} from '../../../src/simulator/cert-factory.js';

const now = new Date('2026-06-01T00:00:00Z');

function observed(
  entry: Partial<LayoutEntry> & Pick<LayoutEntry, 'name' | 'path'>,
  cert: IssuedCert | string,
  extra: Partial<ObservedEntry> = {},
  outcome: Record<string, unknown> = {},
): ObservedEntry {
  return {
    entry: {
      layout: 'kubeadm',
      role: 'certificate',
      format: 'certificate',
      required: true,
      listedByKubeadm: true,
      ...entry,
    },
    outcome: {
      status: 'ok',
      pem: typeof cert === 'string' ? cert : cert.certPem,
      format: 'pem',
      readFrom: entry.path,
      links: [],
      privateKeyInFile: false,
      ...outcome,
    } as ObservedEntry['outcome'],
    ...extra,
  };
}

const rowsOf = (entries: ObservedEntry[]): HostCertificateRow[] =>
  hostCertificateRows(
    { node: 'cp-1', observedAt: now.toISOString(), entries, notes: [] } satisfies HostObservation,
    now,
  );
const byName = (rows: HostCertificateRow[], name: string): HostCertificateRow => {
  const r = rows.find((x) => x.name === name);
  if (!r) throw new Error(`no row ${name}`);
  return r;
};

const ca = issueCa('kubernetes', now);
const frontProxyCa = issueCa('front-proxy-ca', now);
const pki = '/etc/kubernetes/pki';
const caEntry = (keyPresent: boolean, c = ca) =>
  observed({ name: 'ca', path: `${pki}/ca.crt`, role: 'ca', keyPath: `${pki}/ca.key` }, c, { keyPresent });

describe('hostCertificateRows: external CA (kubeadm: ca.crt without ca.key)', () => {
  it('marks the CA and everything kubeadm says it signs as externally managed', () => {
    const rows = rowsOf([
      caEntry(false),
      observed(
        {
          name: 'front-proxy-ca',
          path: `${pki}/front-proxy-ca.crt`,
          role: 'ca',
          keyPath: `${pki}/front-proxy-ca.key`,
        },
        frontProxyCa,
        { keyPresent: true },
      ),
      observed(
        { name: 'apiserver', path: `${pki}/apiserver.crt`, caName: 'ca' },
        issueLeaf('kube-apiserver', now, 200, { issuer: ca }),
      ),
      observed(
        { name: 'admin.conf', path: '/etc/kubernetes/admin.conf', caName: 'ca', format: 'kubeconfig' },
        issueLeaf('kubernetes-admin', now, 10, { issuer: ca, clientAuth: true }),
        {},
        { kubeconfig: { user: 'kubernetes-admin', embedded: true } },
      ),
      observed(
        { name: 'front-proxy-client', path: `${pki}/front-proxy-client.crt`, caName: 'front-proxy-ca' },
        issueLeaf('front-proxy-client', now, 200, { issuer: frontProxyCa }),
      ),
    ]);
    expect(rows.map((r) => [r.name, r.certificateAuthority, r.externallyManaged])).toEqual([
      ['ca', '', true],
      ['front-proxy-ca', '', false],
      ['apiserver', 'ca', true],
      ['admin.conf', 'ca', true],
      ['front-proxy-client', 'front-proxy-ca', false],
    ]);
    expect(byName(rows, 'ca').evidence).toContain(
      'externally managed: the CA key /etc/kubernetes/pki/ca.key is not on this node',
    );
    const admin = byName(rows, 'admin.conf');
    expect(admin.severity).toBe('critical');
    expect(admin.nextStep).toBe(
      'kubeadm cannot renew admin.conf on node cp-1: its CA ca is external (/etc/kubernetes/pki/ca.key is not on this node). ' +
        'Create a CSR with `kubeadm certs generate-csr`, have the external CA sign it, install it as /etc/kubernetes/admin.conf, then ' +
        're-distribute it: copy /etc/kubernetes/admin.conf to ~/.kube/config and to every user, CI job and tool that got a copy.',
    );
  });

  it('is not external while the key exists', () => {
    const rows = rowsOf([
      caEntry(true),
      observed(
        { name: 'apiserver', path: `${pki}/apiserver.crt`, caName: 'ca' },
        issueLeaf('kube-apiserver', now, 200, { issuer: ca }),
      ),
    ]);
    expect(rows.map((r) => r.externallyManaged)).toEqual([false, false]);
  });
});

describe('hostCertificateRows: severities use the certificate thresholds (leaf 28/14, CA 90/30 days)', () => {
  it.each([
    ['leaf', 29, 'ok', '29d'],
    ['leaf', 28, 'warning', '28d'],
    ['leaf', 14, 'critical', '14d'],
    ['leaf', -1, 'critical', '<invalid>'],
    ['ca', 91, 'ok', '91d'],
    ['ca', 90, 'warning', '90d'],
    ['ca', 30, 'critical', '30d'],
  ] as const)('%s with %d days left is %s', (kind, days, severity, residual) => {
    // A second past the day boundary so that whole days read as given.
    const notAfter = new Date(daysFrom(now, days).getTime() + 1000);
    const cert = issueCert({
      commonName: 'x',
      notBefore: daysFrom(notAfter, -400),
      notAfter,
      isCa: kind === 'ca',
    });
    const [row] = rowsOf([
      observed({ name: 'x', path: '/x.crt', role: kind === 'ca' ? 'ca' : 'certificate' }, cert),
    ]);
    expect(row).toMatchObject({ severity, residualTime: residual, status: 'ok' });
    expect(row?.nextStep !== undefined).toBe(severity !== 'ok');
  });

  it('says when a certificate expired, in the summary', () => {
    const cert = issueLeaf('kube-apiserver-etcd-client', now, -3, { issuer: ca, clientAuth: true });
    const [row] = rowsOf([
      observed(
        { name: 'apiserver-etcd-client', path: `${pki}/apiserver-etcd-client.crt`, caName: 'etcd-ca' },
        cert,
      ),
    ]);
    expect(row?.summary).toBe(
      'kubeadm apiserver-etcd-client on node cp-1 (/etc/kubernetes/pki/apiserver-etcd-client.crt): certificate ' +
        'CN=kube-apiserver-etcd-client expired 3 days ago (at 2026-05-29T00:00Z)',
    );
    expect(row?.expires).toBe('May 29, 2026 00:00 UTC');
  });
});

describe('hostCertificateRows: kubelet client certificate rotation', () => {
  const rotation = (notBefore: Date, notAfter: Date, links: string[]) =>
    rowsOf([
      observed(
        {
          name: 'kubelet-client-current',
          path: '/var/lib/kubelet/pki/kubelet-client-current.pem',
          layout: 'kubelet',
          rotation: 'kubelet-client',
          listedByKubeadm: false,
        },
        issueCert({ commonName: 'system:node:cp-1', notBefore, notAfter, issuer: ca, clientAuth: true }),
        {},
        {
          links,
          readFrom:
            links.length > 0
              ? '/var/lib/kubelet/pki/kubelet-client-2025-06-15-10-20-30.pem'
              : '/var/lib/kubelet/pki/kubelet-client-current.pem',
          privateKeyInFile: true,
        },
      ),
    ])[0] as HostCertificateRow;
  const link = [
    '/var/lib/kubelet/pki/kubelet-client-current.pem -> /var/lib/kubelet/pki/kubelet-client-2025-06-15-10-20-30.pem',
  ];

  it('is fine before 90% of the lifetime and names the dated file', () => {
    // 80% of 365 days used, 73 days left.
    const row = rotation(daysFrom(now, -292), daysFrom(now, 73), link);
    expect(row.severity).toBe('ok');
    expect(row.evidence).toContain(
      'rotation symlink points to /var/lib/kubelet/pki/kubelet-client-2025-06-15-10-20-30.pem (written 2025-06-15 10:20:30 node time)',
    );
    expect(row.evidence).toContain('the file also holds a private key, which vigil skipped');
  });

  it('warns once 90% of the lifetime has passed, although the expiry thresholds are far away', () => {
    const row = rotation(daysFrom(now, -330), daysFrom(now, 35), link);
    expect(row.severity).toBe('warning');
    expect(row.problem).toBe(
      'rotation is overdue: past 90% of its lifetime (2026-05-30T12:00Z), when the kubelet should have replaced it',
    );
    expect(row.summary).toContain('; rotation is overdue');
    expect(row.nextStep).toContain('`kubectl get csr`');
    expect(row.nextStep).toContain('`kubectl certificate approve NAME`');
    expect(row.nextStep).toContain('`rotateCertificates: true`');
    expect(row.certificateAuthority).toBe('kubernetes'); // issuer CN: no CA file in this observation
  });

  it('notes a regular file where the rotation symlink should be', () => {
    const row = rotation(daysFrom(now, -10), daysFrom(now, 355), []);
    expect(row.evidence).toContain(
      'kubelet-client-current.pem is a regular file, not the rotation symlink to a dated file: rotation is not managing it',
    );
  });
});

describe('hostCertificateRows: certificate authority column', () => {
  it('names the CA file whose key signed the certificate, not just one with the same name', () => {
    const clientCa = issueCa('k3s-client-ca@1700000000', now);
    const impostor = issueCa('k3s-client-ca@1700000000', now); // same subject, other key
    const leaf = issueLeaf('system:admin', now, 100, { issuer: clientCa, clientAuth: true });
    const k3s = { layout: 'k3s' as const, listedByKubeadm: false };
    const rows = rowsOf([
      observed(
        { ...k3s, name: 'agent/client-ca', path: '/var/lib/rancher/k3s/agent/client-ca.crt', role: 'ca' },
        impostor,
      ),
      observed(
        { ...k3s, name: 'client-ca', path: '/var/lib/rancher/k3s/server/tls/client-ca.crt', role: 'ca' },
        clientCa,
      ),
      observed(
        {
          ...k3s,
          name: 'client-admin',
          path: '/var/lib/rancher/k3s/server/tls/client-admin.crt',
          role: 'auto',
        },
        leaf.chainPem,
      ),
    ]);
    expect(byName(rows, 'client-admin')).toMatchObject({
      certificateAuthority: 'client-ca',
      role: 'certificate',
    });
  });

  it('falls back to the issuer CN, or self-signed', () => {
    const other = issueCa('corp-issuing-ca', now);
    const rows = rowsOf([
      observed(
        { name: '/etc/ssl/app.crt', path: '/etc/ssl/app.crt', layout: 'extra', role: 'auto' },
        issueLeaf('app', now, 100, { issuer: other }),
      ),
      observed(
        { name: 'kubelet', path: '/var/lib/kubelet/pki/kubelet.crt', layout: 'kubelet' },
        issueLeaf('cp-1@1700000000', now, 100),
      ),
    ]);
    expect(rows.map((r) => r.certificateAuthority)).toEqual(['corp-issuing-ca', 'self-signed']);
  });

  it('decides the role of a k3s file from its CA flag', () => {
    const rows = rowsOf([
      observed(
        { name: 'odd', path: '/var/lib/rancher/k3s/server/tls/odd.crt', layout: 'k3s', role: 'auto' },
        issueCa('odd', now),
      ),
    ]);
    expect(rows[0]?.role).toBe('ca');
  });
});

describe('hostCertificateRows: next steps per layout', () => {
  const expiring = (entry: Partial<LayoutEntry> & Pick<LayoutEntry, 'name' | 'path'>, isCa = false) =>
    rowsOf([
      observed(
        entry,
        isCa
          ? issueCert({
              commonName: 'c',
              notBefore: daysFrom(now, -3000),
              notAfter: daysFrom(now, 10),
              isCa: true,
            })
          : issueLeaf('l', now, 5, { issuer: ca }),
      ),
    ])[0]?.nextStep;

  it('kubeadm: renew the named certificate, then restart the static pod that loads it', () => {
    expect(expiring({ name: 'etcd-peer', path: `${pki}/etcd/peer.crt`, caName: 'etcd-ca' })).toBe(
      'On node cp-1 run `kubeadm certs renew etcd-peer`, then restart etcd so it loads the new certificate: move ' +
        '/etc/kubernetes/manifests/etcd.yaml out of /etc/kubernetes/manifests, wait until `crictl ps --name etcd` lists nothing, ' +
        'and move it back (or `crictl stop` its container).',
    );
    expect(
      expiring({ name: 'scheduler.conf', path: '/etc/kubernetes/scheduler.conf', caName: 'ca' }),
    ).toContain('restart kube-scheduler');
  });

  it('k3s and RKE2: rotate with the distribution, server or agent', () => {
    expect(
      expiring({
        name: 'client-admin',
        path: '/var/lib/rancher/k3s/server/tls/client-admin.crt',
        layout: 'k3s',
      }),
    ).toBe(
      'On node cp-1: `systemctl stop k3s`, `k3s certificate rotate`, `systemctl start k3s` (k3s also renews certificates close to ' +
        'expiry whenever it starts); then restart the agents so they pick up the new CA bundle if it changed.',
    );
    expect(
      expiring({
        name: 'etcd/client',
        path: '/var/lib/rancher/rke2/server/tls/etcd/client.crt',
        layout: 'rke2',
      }),
    ).toContain('`systemctl stop rke2-server`, `rke2 certificate rotate`, `systemctl start rke2-server`');
    expect(
      expiring({
        name: 'agent/client-kubelet',
        path: '/var/lib/rancher/rke2/agent/client-kubelet.crt',
        layout: 'rke2',
      }),
    ).toContain('`systemctl restart rke2-agent`');
    expect(
      expiring(
        {
          name: 'server-ca',
          path: '/var/lib/rancher/k3s/server/tls/server-ca.crt',
          layout: 'k3s',
          role: 'ca',
        },
        true,
      ),
    ).toContain('`k3s certificate rotate-ca`');
  });
});

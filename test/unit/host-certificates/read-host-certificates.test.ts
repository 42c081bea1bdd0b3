import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostCertificateRow } from '../../../src/checks/host-certificates/host-certificate-row.js';
import { hostCertificateFindings } from '../../../src/checks/host-certificates/host-certificate-findings.js';
import { hostCertificateRows } from '../../../src/checks/host-certificates/host-certificate-rows.js';
import type { HostObservation } from '../../../src/checks/host-certificates/host-observation.js';
import { readHostCertificates } from '../../../src/checks/host-certificates/read-host-certificates.js';
import { daysFrom, issueCa, issueLeaf, toDer } from '../../../src/simulator/cert-factory.js';
import {
  HostTree,
  keyWithMarker,
  kubeconfigYaml,
  writeKubeadmTree,
  writeKubeletTree,
  writeRancherTree,
} from '../../support/host-tree.js';

const now = new Date('2026-03-10T12:00:00Z');
const marker = 'KEY-MARKER-read-test';
const base = { now, leafNotAfter: daysFrom(now, 300), caNotAfter: daysFrom(now, 3000), keyMarker: marker };

let tree: HostTree;
beforeEach(async () => {
  tree = await HostTree.create();
});
afterEach(async () => {
  await tree.dispose();
});

const read = (extraPaths: string[] = []) =>
  readHostCertificates({ hostRoot: tree.root, node: 'cp-1', now, extraPaths });
const byName = (rows: HostCertificateRow[], name: string) => {
  const row = rows.find((r) => r.name === name);
  if (!row) throw new Error(`no row ${name}: ${rows.map((r) => r.name).join(', ')}`);
  return row;
};
const names = (o: HostObservation, layout: string) =>
  o.entries.filter((e) => e.entry.layout === layout).map((e) => e.entry.name);

describe('readHostCertificates: layouts', () => {
  it('reads a kubeadm control-plane node: every certificate kubeadm lists, plus kubelet.conf', async () => {
    const issued = await writeKubeadmTree(tree, base);
    await writeKubeletTree(tree, {
      now,
      ca: issued.ca!,
      notBefore: daysFrom(now, -30),
      notAfter: daysFrom(now, 335),
      keyMarker: marker,
    });
    const o = await read();
    expect(names(o, 'kubeadm').sort()).toEqual(
      [
        'admin.conf',
        'apiserver',
        'apiserver-etcd-client',
        'apiserver-kubelet-client',
        'ca',
        'controller-manager.conf',
        'etcd-ca',
        'etcd-healthcheck-client',
        'etcd-peer',
        'etcd-server',
        'front-proxy-ca',
        'front-proxy-client',
        'kubelet.conf',
        'scheduler.conf',
        'super-admin.conf',
      ].sort(),
    );
    expect(o.entries.every((e) => e.outcome.status === 'ok')).toBe(true);
    const admin = o.entries.find((e) => e.entry.name === 'admin.conf');
    expect(admin?.outcome).toMatchObject({
      status: 'ok',
      readFrom: '/etc/kubernetes/admin.conf',
      kubeconfig: { user: 'kubernetes-admin', embedded: true },
    });
    expect(o.entries.find((e) => e.entry.name === 'ca')).toMatchObject({ keyPresent: true });
    expect(o.notes.map((n) => n.path)).toEqual(['/var/lib/rancher/k3s', '/var/lib/rancher/rke2']);
  });

  it('expects only ca.crt and kubelet.conf on a kubeadm worker node, and says so', async () => {
    const ca = issueCa('kubernetes', now);
    await tree.write('/etc/kubernetes/pki/ca.crt', ca.certPem);
    const o = await read();
    expect(names(o, 'kubeadm')).toEqual(['ca']);
    expect(o.notes).toContainEqual({
      layout: 'kubeadm',
      path: '/etc/kubernetes/pki',
      message: 'no control-plane certificates: a worker node (only ca.crt and kubelet.conf)',
    });
    // ca.key is never on a worker, and that does not make the CA external.
    expect(o.entries[0]?.keyPresent).toBeUndefined();
    expect(hostCertificateRows(o, now)[0]).toMatchObject({
      name: 'ca',
      externallyManaged: false,
      severity: 'ok',
    });
  });

  it('expects no etcd certificates without pki/etcd (external etcd), as kubeadm', async () => {
    await writeKubeadmTree(tree, { ...base, etcd: false });
    const rows = hostCertificateRows(await read(), now);
    expect(rows.map((r) => r.name)).not.toContain('etcd-ca');
    expect(rows.map((r) => r.name)).not.toContain('apiserver-etcd-client');
    expect(rows.filter((r) => r.status !== 'ok')).toEqual([]);
  });

  it('marks an expected kubeadm file that is absent as missing', async () => {
    await writeKubeadmTree(tree, { ...base, omit: ['super-admin.conf', 'etcd-peer'] });
    const rows = hostCertificateRows(await read(), now);
    expect(byName(rows, 'super-admin.conf')).toMatchObject({ status: 'missing', severity: 'ok' });
    expect(byName(rows, 'etcd-peer')).toMatchObject({
      status: 'missing',
      path: '/etc/kubernetes/pki/etcd/peer.crt',
    });
  });

  it.each(['k3s', 'rke2'] as const)(
    'lists %s server, etcd and agent certificates by file name',
    async (product) => {
      await writeRancherTree(tree, product, { now, leafDays: 200, keyMarker: marker });
      const o = await read();
      expect(names(o, product)).toEqual([
        'client-admin',
        'client-auth-proxy',
        'client-ca',
        'client-controller',
        'client-kube-apiserver',
        'client-scheduler',
        'request-header-ca',
        'server-ca',
        'serving-kube-apiserver',
        'etcd/client',
        'etcd/peer-ca',
        'etcd/peer-server-client',
        'etcd/server-ca',
        'etcd/server-client',
        'agent/client-ca',
        'agent/client-kubelet',
        'agent/server-ca',
        'agent/serving-kubelet',
      ]);
      const serverCa = o.entries.find((e) => e.entry.name === 'etcd/server-ca');
      expect(serverCa).toMatchObject({
        keyPresent: true,
        entry: {
          path: `/var/lib/rancher/${product}/server/tls/etcd/server-ca.crt`,
          keyPath: `/var/lib/rancher/${product}/server/tls/etcd/server-ca.key`,
        },
      });
      // The agent's copy of a CA comes without its key; that does not make the CA external.
      expect(o.entries.find((e) => e.entry.name === 'agent/server-ca')?.keyPresent).toBeUndefined();
      const rows = hostCertificateRows(o, now);
      expect(byName(rows, 'etcd/peer-server-client')).toMatchObject({
        certificateAuthority: 'etcd/peer-ca',
        covers: 'etcd-peer',
        source: `host-${product}`,
      });
      expect(byName(rows, 'agent/client-kubelet')).toMatchObject({
        certificateAuthority: 'client-ca',
        covers: 'kubelet.conf',
      });
      expect(byName(rows, 'client-ca')).toMatchObject({ role: 'ca', externallyManaged: false });
    },
  );

  it('follows the kubelet rotation symlink inside the host root and skips the key in the dated file', async () => {
    const ca = issueCa('kubernetes', now);
    const { datedFile, client } = await writeKubeletTree(tree, {
      now,
      ca,
      notBefore: daysFrom(now, -30),
      notAfter: daysFrom(now, 335),
      keyMarker: marker,
    });
    const o = await read();
    const current = o.entries.find((e) => e.entry.name === 'kubelet-client-current');
    expect(current?.outcome).toMatchObject({
      status: 'ok',
      readFrom: datedFile,
      links: [`/var/lib/kubelet/pki/kubelet-client-current.pem -> ${datedFile}`],
      privateKeyInFile: true,
    });
    expect(current?.outcome.status === 'ok' && current.outcome.pem).toBe(client.certPem.replace(/\r/g, ''));
    const conf = o.entries.find((e) => e.entry.name === 'kubelet.conf');
    expect(conf?.outcome).toMatchObject({
      status: 'ok',
      readFrom: datedFile,
      kubeconfig: { user: 'default-auth', embedded: false },
    });
    const rows = hostCertificateRows(o, now);
    // One certificate, two files naming it: reported once, on the kubelet's row.
    expect(byName(rows, 'kubelet.conf').sameCertificateAs).toBe(
      '/var/lib/kubelet/pki/kubelet-client-current.pem',
    );
    expect(byName(rows, 'kubelet-client-current').evidence).toContain(
      'also the client certificate of /etc/kubernetes/kubelet.conf',
    );
    expect(hostCertificateFindings('prod', rows).map((f) => f.object)).not.toContain(
      'node cp-1 /etc/kubernetes/kubelet.conf',
    );
  });

  it('turns an empty node into notes naming every absent directory, never an error', async () => {
    const o = await read();
    expect(o.entries).toEqual([]);
    expect(o.notes).toEqual([
      { layout: 'kubeadm', path: '/etc/kubernetes', message: 'not present: no kubeadm files on this node' },
      { layout: 'k3s', path: '/var/lib/rancher/k3s', message: 'not present: no k3s on this node' },
      { layout: 'rke2', path: '/var/lib/rancher/rke2', message: 'not present: no rke2 on this node' },
      {
        layout: 'kubelet',
        path: '/var/lib/kubelet/pki',
        message: 'not present: no kubelet certificate directory on this node',
      },
    ]);
  });

  it('notes a k3s agent-only node and a server without embedded etcd', async () => {
    await tree.mkdir('/var/lib/rancher/k3s/agent');
    const o = await read();
    expect(o.notes).toContainEqual({
      layout: 'k3s',
      path: '/var/lib/rancher/k3s/server/tls',
      message: 'not present: no k3s server on this node',
    });
    expect(o.notes).toContainEqual({
      layout: 'k3s',
      path: '/var/lib/rancher/k3s/server/tls/etcd',
      message: 'not present: no embedded etcd on this node',
    });
  });
});

describe('readHostCertificates: broken files are findings naming the path', () => {
  const pki = '/etc/kubernetes/pki';
  const cases: { what: string; name: string; path: string; break: () => Promise<void>; reason: string }[] = [
    {
      what: 'garbage',
      name: 'apiserver',
      path: `${pki}/apiserver.crt`,
      break: () => tree.write(`${pki}/apiserver.crt`, 'this is not a certificate\n'),
      reason: `${pki}/apiserver.crt: not a PEM, DER or PKCS#12 certificate; expected text starting with -----BEGIN CERTIFICATE-----`,
    },
    {
      what: 'an empty file',
      name: 'etcd-server',
      path: `${pki}/etcd/server.crt`,
      break: () => tree.write(`${pki}/etcd/server.crt`, ''),
      reason: `${pki}/etcd/server.crt: is empty (0 bytes); store the PEM certificate here`,
    },
    {
      what: 'a FIFO (must not block)',
      name: 'apiserver-kubelet-client',
      path: `${pki}/apiserver-kubelet-client.crt`,
      break: async () => {
        await tree.remove(`${pki}/apiserver-kubelet-client.crt`);
        await tree.fifo(`${pki}/apiserver-kubelet-client.crt`);
      },
      reason: `${pki}/apiserver-kubelet-client.crt is a FIFO, not a certificate file`,
    },
    {
      what: 'a directory in place of the file',
      name: 'front-proxy-client',
      path: `${pki}/front-proxy-client.crt`,
      break: async () => {
        await tree.remove(`${pki}/front-proxy-client.crt`);
        await tree.mkdir(`${pki}/front-proxy-client.crt`);
      },
      reason: `${pki}/front-proxy-client.crt is a directory, not a certificate file`,
    },
    {
      what: 'a symlink loop',
      name: 'etcd-peer',
      path: `${pki}/etcd/peer.crt`,
      break: async () => {
        await tree.remove(`${pki}/etcd/peer.crt`);
        await tree.link(`${pki}/etcd/peer.crt`, 'peer-loop.crt');
        await tree.link(`${pki}/etcd/peer-loop.crt`, `${pki}/etcd/peer.crt`);
      },
      reason: `symlink loop: more than 40 symbolic links resolving ${pki}/etcd/peer.crt`,
    },
    {
      what: 'a private key where the certificate belongs',
      name: 'apiserver-etcd-client',
      path: `${pki}/apiserver-etcd-client.crt`,
      break: () => tree.write(`${pki}/apiserver-etcd-client.crt`, keyWithMarker(issueCa('x', now), marker)),
      reason: `${pki}/apiserver-etcd-client.crt: holds a private key but no certificate`,
    },
    {
      what: 'a dangling rotation symlink',
      name: 'kubelet-client-current',
      path: '/var/lib/kubelet/pki/kubelet-client-current.pem',
      break: async () => {
        await tree.remove('/var/lib/kubelet/pki/kubelet-client-current.pem');
        await tree.link(
          '/var/lib/kubelet/pki/kubelet-client-current.pem',
          '/var/lib/kubelet/pki/kubelet-client-2025-01-01-00-00-00.pem',
        );
      },
      reason:
        'dangling symlink /var/lib/kubelet/pki/kubelet-client-current.pem -> /var/lib/kubelet/pki/kubelet-client-2025-01-01-00-00-00.pem ' +
        '(/var/lib/kubelet/pki/kubelet-client-2025-01-01-00-00-00.pem does not exist)',
    },
    {
      what: 'a kubeconfig that is not YAML',
      name: 'controller-manager.conf',
      path: '/etc/kubernetes/controller-manager.conf',
      break: () => tree.write('/etc/kubernetes/controller-manager.conf', 'users: [unclosed\n'),
      reason: '/etc/kubernetes/controller-manager.conf: not a valid kubeconfig: YAML syntax error (line 2)',
    },
    {
      what: 'a kubeconfig naming a certificate file that is gone',
      name: 'admin.conf',
      path: '/etc/kubernetes/admin.conf',
      break: () =>
        tree.write(
          '/etc/kubernetes/admin.conf',
          kubeconfigYaml({
            user: 'kubernetes-admin',
            caPem: '',
            cert: { path: 'pki/admin.crt' },
            key: { path: 'pki/admin.key' },
          }),
        ),
      reason:
        'client-certificate of /etc/kubernetes/admin.conf: /etc/kubernetes/pki/admin.crt does not exist',
    },
  ];

  it.each(cases)('$what', async (c) => {
    const issued = await writeKubeadmTree(tree, base);
    await writeKubeletTree(tree, {
      now,
      ca: issued.ca!,
      notBefore: daysFrom(now, -30),
      notAfter: daysFrom(now, 335),
      keyMarker: marker,
    });
    await c.break();
    const rows = hostCertificateRows(await read(), now);
    const row = byName(rows, c.name);
    expect(row).toMatchObject({ status: 'unreadable', severity: 'warning', path: c.path, problem: c.reason });
    expect(row.summary).toContain(c.path);
    expect(row.nextStep).toContain(c.path);
    // Only the broken file raises an alert (kubelet.conf naming a broken rotation file is folded into it).
    const findings = hostCertificateFindings('prod', rows);
    expect(findings.filter((f) => f.severity !== 'ok').map((f) => f.object)).toEqual([`node cp-1 ${c.path}`]);
    const finding = findings.find((f) => f.object === `node cp-1 ${c.path}`);
    expect(finding).toMatchObject({ severity: 'warning', source: row.source, summary: row.summary });
  });

  it('does not alert on a kubeconfig that authenticates with a token', async () => {
    await writeKubeadmTree(tree, base);
    await tree.write(
      '/etc/kubernetes/scheduler.conf',
      'apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- name: c\n  context:\n    user: u\nusers:\n- name: u\n  user:\n    token: abc\n',
    );
    const rows = hostCertificateRows(await read(), now);
    expect(byName(rows, 'scheduler.conf')).toMatchObject({
      status: 'no-client-certificate',
      severity: 'ok',
      summary:
        'kubeadm scheduler.conf on node cp-1 (/etc/kubernetes/scheduler.conf): user "u" authenticates without a client certificate (token or exec credentials)',
    });
    expect(hostCertificateFindings('prod', rows).map((f) => f.object)).not.toContain(
      'node cp-1 /etc/kubernetes/scheduler.conf',
    );
  });
});

describe('readHostCertificates: permissions (read as an unprivileged user)', () => {
  const worktree = fileURLToPath(new URL('../../..', import.meta.url));
  const helper = fileURLToPath(new URL('./print-host-report.ts', import.meta.url));

  // Root reads mode-000 files, so as root the reader runs in a child as nobody (65534); as any other
  // user the modes apply already.
  function readAsUser(): {
    rows: HostCertificateRow[];
    findings: ReturnType<typeof hostCertificateFindings>;
  } {
    const asRoot = process.getuid?.() === 0;
    const r = spawnSync(process.execPath, ['--import', 'tsx', helper, tree.root, 'cp-1', now.toISOString()], {
      cwd: worktree,
      encoding: 'utf8',
      timeout: 60_000,
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    if (r.status !== 0) throw new Error(`reader failed (${r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout) as {
      rows: HostCertificateRow[];
      findings: ReturnType<typeof hostCertificateFindings>;
    };
  }

  it('reports a file it may not read and a directory it may not list as unknown, naming the path', async () => {
    await writeKubeadmTree(tree, base);
    await writeRancherTree(tree, 'k3s', { now, leafDays: 200, keyMarker: marker });
    await tree.chmod('/etc/kubernetes/pki/apiserver.crt', 0o000);
    await tree.chmod('/var/lib/rancher/k3s/server/tls/etcd', 0o000);
    const { rows, findings } = readAsUser();
    expect(byName(rows, 'apiserver')).toMatchObject({
      status: 'unreadable',
      severity: 'unknown',
      problem: 'permission denied reading /etc/kubernetes/pki/apiserver.crt',
    });
    expect(byName(rows, '/var/lib/rancher/k3s/server/tls/etcd')).toMatchObject({
      status: 'unreadable',
      severity: 'unknown',
      problem: 'permission denied listing /var/lib/rancher/k3s/server/tls/etcd',
    });
    expect(byName(rows, 'apiserver').nextStep).toContain(
      'Give vigil read access to /etc/kubernetes/pki/apiserver.crt on node cp-1',
    );
    // The kubeconfigs are 0600 as on a real node: an unprivileged reader cannot read them either.
    expect(findings.filter((f) => f.severity === 'unknown').map((f) => f.object)).toEqual([
      'node cp-1 /etc/kubernetes/pki/apiserver.crt',
      'node cp-1 /etc/kubernetes/admin.conf',
      'node cp-1 /etc/kubernetes/super-admin.conf',
      'node cp-1 /etc/kubernetes/controller-manager.conf',
      'node cp-1 /etc/kubernetes/scheduler.conf',
      'node cp-1 /var/lib/rancher/k3s/server/tls/etcd',
    ]);
    expect(byName(rows, 'admin.conf').problem).toBe('permission denied reading /etc/kubernetes/admin.conf');
    // World-readable certificates next to them are still read.
    expect(byName(rows, 'ca')).toMatchObject({ status: 'ok' });
  });
});

describe('readHostCertificates: extra paths and globs', () => {
  it('reads configured files and glob matches, skips keys, and notes what matched nothing', async () => {
    const appCa = issueCa('app-ca', now);
    const tls = issueLeaf('app.internal', now, 20, { issuer: appCa });
    await tree.write('/etc/ssl/app/tls.crt', tls.chainPem);
    await tree.write('/opt/app/a/one.crt', issueLeaf('one', now, 100).certPem);
    await tree.write('/opt/app/b/two.pem', issueLeaf('two', now, 100).certPem);
    await tree.write('/opt/app/b/two-key.pem', keyWithMarker(tls, marker), 0o600);
    await tree.write('/opt/app/c/three.crt', toDer(issueLeaf('three', now, 100)));
    const client = issueLeaf('vigil', now, 50, { issuer: appCa, clientAuth: true });
    await tree.write(
      '/etc/vigil/kubeconfig',
      kubeconfigYaml({
        user: 'vigil',
        caPem: appCa.certPem,
        cert: { pem: client.certPem },
        key: { pem: client.keyPem },
      }),
    );
    const o = await read([
      '/etc/ssl/app/tls.crt',
      '/opt/app/**/*.{crt,pem}',
      '/srv/none/*.crt',
      '/etc/ssl/app/gone.crt',
      '/etc/ssl/app/tls.key',
      '/etc/vigil/kubeconfig',
    ]);
    expect(o.entries.map((e) => [e.entry.name, e.outcome.status])).toEqual([
      ['/etc/ssl/app/gone.crt', 'missing'],
      ['/etc/ssl/app/tls.crt', 'ok'],
      ['/etc/vigil/kubeconfig', 'ok'],
      ['/opt/app/a/one.crt', 'ok'],
      ['/opt/app/b/two.pem', 'ok'],
      ['/opt/app/c/three.crt', 'ok'],
    ]);
    expect(o.entries.find((e) => e.entry.name === '/opt/app/c/three.crt')?.outcome).toMatchObject({
      format: 'der',
    });
    expect(o.entries.find((e) => e.entry.name === '/etc/vigil/kubeconfig')?.outcome).toMatchObject({
      kubeconfig: { user: 'vigil' },
    });
    expect(o.notes.filter((n) => n.layout === 'extra')).toEqual([
      { layout: 'extra', path: '/opt/app/b/two-key.pem', message: 'a private key file: not read' },
      { layout: 'extra', path: '/srv/none/*.crt', message: 'the glob matched no file' },
      { layout: 'extra', path: '/etc/ssl/app/tls.key', message: 'a private key file: not read' },
      { layout: 'extra', path: '/etc/ssl/app/gone.crt', message: 'does not exist' },
    ]);
    const rows = hostCertificateRows(o, now);
    expect(byName(rows, '/etc/ssl/app/tls.crt')).toMatchObject({
      source: 'host-extra',
      severity: 'warning',
      certificateAuthority: 'app-ca',
      residualTime: '20d',
      summary:
        '/etc/ssl/app/tls.crt on node cp-1: certificate CN=app.internal expires in 20 days (2026-03-30T12:00Z)',
      nextStep:
        'Renew /etc/ssl/app/tls.crt on node cp-1 from its issuer and reload the service that reads it.',
    });
  });

  it('does not read a layout file twice when a glob also matches it', async () => {
    await writeKubeadmTree(tree, base);
    const o = await read(['/etc/kubernetes/pki/*.crt']);
    expect(o.entries.filter((e) => e.entry.layout === 'extra')).toEqual([]);
  });
});

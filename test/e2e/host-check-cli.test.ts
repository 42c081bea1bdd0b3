import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKubeadmTable } from '../../src/checks/host-certificates/format-kubeadm-table.js';
import { hostCertificateRows } from '../../src/checks/host-certificates/host-certificate-rows.js';
import { readHostCertificates } from '../../src/checks/host-certificates/read-host-certificates.js';
import { daysFrom } from '../../src/simulator/cert-factory.js';
import { HostTree, writeKubeadmTree, writeKubeletTree, writeRancherTree } from '../support/host-tree.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const tsxLoader = import.meta.resolve('tsx');
const marker = 'KEY-MARKER-cli-5e2b-never-print-me';

/** The real CLI in a child process, from a directory without vigil.yaml, as on a control-plane node. */
async function vigil(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', tsxLoader, join(root, 'src/main.ts'), ...args],
      { cwd: tmp.root, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// Dates half a day off whole days, so RESIDUAL TIME cannot flip while the test runs.
const now = new Date();
let tmp: HostTree;
let critical: HostTree;
let warning: HostTree;
let healthy: HostTree;

beforeAll(async () => {
  [tmp, critical, warning, healthy] = await Promise.all([
    HostTree.create(),
    HostTree.create(),
    HostTree.create(),
    HostTree.create(),
  ]);
  const issued = await writeKubeadmTree(critical, {
    now,
    leafNotAfter: daysFrom(now, 300.5),
    caNotAfter: daysFrom(now, 3000.5),
    notAfter: { 'apiserver-etcd-client': daysFrom(now, 9.5) },
    keyMarker: marker,
  });
  await writeKubeletTree(critical, {
    now,
    ca: issued.ca!,
    notBefore: daysFrom(now, -30),
    notAfter: daysFrom(now, 335),
    keyMarker: marker,
  });
  await writeKubeadmTree(warning, {
    now,
    leafNotAfter: daysFrom(now, 300.5),
    caNotAfter: daysFrom(now, 3000.5),
    notAfter: { 'front-proxy-client': daysFrom(now, 20.5) },
    keyMarker: marker,
  });
  await writeRancherTree(healthy, 'k3s', { now, leafDays: 300, keyMarker: marker });
}, 60_000);
afterAll(async () => {
  await Promise.all([tmp, critical, warning, healthy].map((t) => t?.dispose()));
});

describe('vigil check --host-root', () => {
  it("prints kubeadm's table, then what kubeadm does not list and the next steps; exit 2 on critical", async () => {
    const r = await vigil(['check', '--host-root', critical.root]);
    expect(r.code, r.stderr).toBe(2);
    const rows = hostCertificateRows(
      await readHostCertificates({ hostRoot: critical.root, node: hostname(), now }),
      now,
    );
    // The first block is exactly what `kubeadm certs check-expiration` prints for these files
    // (format-kubeadm-table.test.ts holds that table against kubeadm's own output).
    const kubeadm = formatKubeadmTable(
      rows.filter((row) => row.listedByKubeadm),
      { nextSteps: false },
    );
    expect(r.stdout.startsWith(kubeadm)).toBe(true);
    expect(kubeadm.split('\n')[0]).toBe(
      'CERTIFICATE                EXPIRES                  RESIDUAL TIME   CERTIFICATE AUTHORITY   EXTERNALLY MANAGED',
    );
    expect(kubeadm).toMatch(
      /\napiserver-etcd-client {6}\w{3} \d\d, \d{4} \d\d:\d\d UTC {3}9d {14}etcd-ca {17}no {6}\n/,
    );
    expect(kubeadm).toMatch(
      /\nCERTIFICATE AUTHORITY {3}EXPIRES {18}RESIDUAL TIME {3}EXTERNALLY MANAGED\nca {22}/,
    );
    const rest = r.stdout.slice(kubeadm.length);
    expect(rest).toMatch(
      /^\nNOT LISTED BY KUBEADM \(kubelet, k3s, RKE2, extra paths\)\nCERTIFICATE {14}EXPIRES/,
    );
    expect(rest).toMatch(/\nkubelet-client-current {3}\w{3} \d\d, \d{4} \d\d:\d\d UTC {3}334d {12}ca /);
    expect(rest).toContain(
      `\nNEXT STEPS\n- apiserver-etcd-client (critical): On node ${hostname()} run \`kubeadm certs renew apiserver-etcd-client\`, then restart kube-apiserver`,
    );
    // A control-plane node shows everything the API cannot: nothing is listed as unobserved.
    expect(rest).not.toContain('NOT OBSERVED');
    expect(r.stdout + r.stderr).not.toContain(marker);
    expect(r.stdout + r.stderr).not.toContain('PRIVATE KEY');
  });

  it('exits 1 when the worst is a warning, 0 when all is well, 3 when nothing was found', async () => {
    expect((await vigil(['check', '--host-root', warning.root])).code).toBe(1);
    const k3s = await vigil(['check', '--host-root', healthy.root]);
    expect(k3s.code, k3s.stderr).toBe(0);
    // No kubeadm files: only vigil's table of what kubeadm does not know.
    expect(k3s.stdout).toMatch(/^NOT LISTED BY KUBEADM/);
    expect(k3s.stdout).toMatch(/\nclient-admin {2,}\w{3} \d\d, \d{4}/);
    const empty = await vigil(['check', '--host-root', tmp.root]);
    expect(empty.code).toBe(3);
    expect(empty.stdout).toContain(`- no certificate file found on node ${hostname()} (unknown)`);
    expect(empty.stdout).toContain('    /etc/kubernetes: not present: no kubeadm files on this node');
    expect(empty.stdout).toMatch(/\nNOT OBSERVED ON THIS NODE\n- certificates only the nodes hold \(/);
  });

  it('--output json gives the findings in the shape of vigil check --output json', async () => {
    const r = await vigil(['check', '--host-root', critical.root, '--output', 'json', '--cluster', 'prod']);
    expect(r.code).toBe(2);
    const json = JSON.parse(r.stdout) as {
      worstSeverity: string;
      findings: Record<string, unknown>[];
      clusters: { name: string; unobserved: unknown[] }[];
    };
    expect(json.worstSeverity).toBe('critical');
    expect(json.findings[0]).toMatchObject({
      cluster: 'prod',
      check: 'host-certificates',
      severity: 'critical',
      source: 'host-kubeadm',
      object: `node ${hostname()} /etc/kubernetes/pki/apiserver-etcd-client.crt`,
      subject: 'CN=kube-apiserver-etcd-client',
      daysLeft: 9,
    });
    expect(json.clusters).toEqual([expect.objectContaining({ name: 'prod', unobserved: [] })]);
    expect(r.stdout).not.toContain(marker);
  });

  it('refuses the API checks and a missing directory, with exit 3', async () => {
    const only = await vigil(['check', '--host-root', critical.root, '--only', 'certs']);
    expect(only.code).toBe(3);
    expect(only.stderr).toContain('--host-root runs the host-certificates check only; drop --only certs');
    const missing = await vigil(['check', '--host-root', join(tmp.root, 'nope')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('does not exist');
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextStepFor } from '../../../src/checks/certificates/next-steps.js';
import { formatKubeadmTable } from '../../../src/checks/host-certificates/format-kubeadm-table.js';
import { hostCertificateRows } from '../../../src/checks/host-certificates/host-certificate-rows.js';
import { readHostCertificates } from '../../../src/checks/host-certificates/read-host-certificates.js';
import { daysFrom } from '../../../src/simulator/cert-factory.js';
import { HostTree, writeKubeadmTree, writeKubeletTree } from '../../support/host-tree.js';

/**
 * What `kubeadm certs check-expiration` (v1.33) printed on a cluster initialised on 2025-08-19 09:03 UTC,
 * after `kubeadm certs renew apiserver` and `kubeadm certs renew scheduler.conf` on 2025-08-23 at 21:52
 * and 21:53. Trailing spaces are kubeadm's (`%-8v`).
 */
const kubeadmOutput = [
  'CERTIFICATE                EXPIRES                  RESIDUAL TIME   CERTIFICATE AUTHORITY   EXTERNALLY MANAGED',
  'admin.conf                 Aug 19, 2026 09:03 UTC   360d            ca                      no      ',
  'apiserver                  Aug 23, 2026 21:52 UTC   364d            ca                      no      ',
  'apiserver-etcd-client      Aug 19, 2026 09:03 UTC   360d            etcd-ca                 no      ',
  'apiserver-kubelet-client   Aug 19, 2026 09:03 UTC   360d            ca                      no      ',
  'controller-manager.conf    Aug 19, 2026 09:03 UTC   360d            ca                      no      ',
  'etcd-healthcheck-client    Aug 19, 2026 09:03 UTC   360d            etcd-ca                 no      ',
  'etcd-peer                  Aug 19, 2026 09:03 UTC   360d            etcd-ca                 no      ',
  'etcd-server                Aug 19, 2026 09:03 UTC   360d            etcd-ca                 no      ',
  'front-proxy-client         Aug 19, 2026 09:03 UTC   360d            front-proxy-ca          no      ',
  'scheduler.conf             Aug 23, 2026 21:53 UTC   364d            ca                      no      ',
  'super-admin.conf           Aug 19, 2026 09:03 UTC   360d            ca                      no      ',
  '',
  'CERTIFICATE AUTHORITY   EXPIRES                  RESIDUAL TIME   EXTERNALLY MANAGED',
  'ca                      Aug 17, 2035 09:03 UTC   9y              no      ',
  'etcd-ca                 Aug 17, 2035 09:03 UTC   9y              no      ',
  'front-proxy-ca          Aug 17, 2035 09:03 UTC   9y              no      ',
];

/**
 * Written by hand from kubeadm's format for the tree below: external etcd (no etcd rows),
 * super-admin.conf absent, front-proxy-ca without its key, one expired and one expiring certificate.
 * Widths: the longest cell of each column plus 3 (29, 25, 16, 24; then 24, 25, 16).
 */
const handWritten = [
  'CERTIFICATE                  EXPIRES                  RESIDUAL TIME   CERTIFICATE AUTHORITY   EXTERNALLY MANAGED',
  'admin.conf                   Mar 30, 2026 18:45 UTC   20d             ca                      no      ',
  'apiserver                    Jan 05, 2027 08:30 UTC   300d            ca                      no      ',
  'apiserver-kubelet-client     Mar 07, 2026 12:00 UTC   <invalid>       ca                      no      ',
  'controller-manager.conf      Jan 05, 2027 08:30 UTC   300d            ca                      no      ',
  'front-proxy-client           Jan 05, 2027 08:30 UTC   300d            front-proxy-ca          yes     ',
  'scheduler.conf               Jan 05, 2027 08:30 UTC   300d            ca                      no      ',
  '!MISSING! super-admin.conf                                                                    ',
  '',
  'CERTIFICATE AUTHORITY   EXPIRES                  RESIDUAL TIME   EXTERNALLY MANAGED',
  'ca                      Apr 04, 2026 00:00 UTC   24d             no      ',
  'front-proxy-ca          Mar 01, 2036 00:00 UTC   9y              yes     ',
];

let tree: HostTree;
beforeEach(async () => {
  tree = await HostTree.create();
});
afterEach(async () => {
  await tree.dispose();
});

const rowsAt = async (now: Date) =>
  hostCertificateRows(await readHostCertificates({ hostRoot: tree.root, node: 'cp-1', now }), now);

describe('formatKubeadmTable: parity with kubeadm certs check-expiration', () => {
  it('prints what kubeadm printed for the same certificates, byte for byte', async () => {
    const now = new Date('2025-08-23T21:53:30Z');
    const issued = await writeKubeadmTree(tree, {
      now,
      leafNotAfter: new Date('2026-08-19T09:03:00Z'),
      caNotAfter: new Date('2035-08-17T09:03:00Z'),
      notAfter: {
        apiserver: new Date('2026-08-23T21:52:00Z'),
        'scheduler.conf': new Date('2026-08-23T21:53:00Z'),
      },
      keyMarker: 'KEY-MARKER-parity',
    });
    // The kubelet's files are on the node too; kubeadm's table leaves them (and kubelet.conf) out.
    await writeKubeletTree(tree, {
      now,
      ca: issued.ca!,
      notBefore: daysFrom(now, -4),
      notAfter: daysFrom(now, 361),
      keyMarker: 'KEY-MARKER-parity',
    });
    const rows = await rowsAt(now);
    expect(formatKubeadmTable(rows.filter((r) => r.listedByKubeadm))).toBe(`${kubeadmOutput.join('\n')}\n`);
  });

  it('prints !MISSING!, <invalid> and externally managed as kubeadm would, then the next steps', async () => {
    const now = new Date('2026-03-10T12:00:00Z');
    await writeKubeadmTree(tree, {
      now,
      leafNotAfter: new Date('2027-01-05T08:30:00Z'),
      caNotAfter: new Date('2036-03-01T00:00:00Z'),
      notAfter: {
        ca: new Date('2026-04-04T00:00:00Z'),
        'apiserver-kubelet-client': new Date('2026-03-07T12:00:00Z'),
        'admin.conf': new Date('2026-03-30T18:45:00Z'),
      },
      omit: ['super-admin.conf'],
      externalCas: ['front-proxy-ca'],
      etcd: false,
      keyMarker: 'KEY-MARKER-parity',
    });
    const rows = (await rowsAt(now)).filter((r) => r.listedByKubeadm);
    const table = `${handWritten.join('\n')}\n`;
    expect(formatKubeadmTable(rows, { nextSteps: false })).toBe(table);
    expect(formatKubeadmTable(rows)).toBe(
      `${table}\nNEXT STEPS\n` +
        '- admin.conf (warning): On node cp-1 run `kubeadm certs renew admin.conf`, then re-distribute it: copy ' +
        '/etc/kubernetes/admin.conf to ~/.kube/config and to every user, CI job and tool that got a copy.\n' +
        '- apiserver-kubelet-client (critical): On node cp-1 run `kubeadm certs renew apiserver-kubelet-client`, then restart ' +
        'kube-apiserver so it loads the new certificate: move /etc/kubernetes/manifests/kube-apiserver.yaml out of ' +
        '/etc/kubernetes/manifests, wait until `crictl ps --name kube-apiserver` lists nothing, and move it back (or `crictl stop` its container).\n' +
        `- ca (critical): ${nextStepFor({ source: 'cluster-ca' })}\n`,
    );
  });

  it('uses the same columns for the kubelet, marks unreadable files and says why in the next steps', async () => {
    const now = new Date('2026-03-10T12:00:00Z');
    const issued = await writeKubeadmTree(tree, {
      now,
      leafNotAfter: new Date('2027-01-05T08:30:00Z'),
      caNotAfter: new Date('2036-03-01T00:00:00Z'),
      keyMarker: 'KEY-MARKER-parity',
    });
    await writeKubeletTree(tree, {
      now,
      ca: issued.ca!,
      notBefore: new Date('2025-03-20T00:00:00Z'),
      notAfter: new Date('2026-03-20T00:00:00Z'),
      keyMarker: 'KEY-MARKER-parity',
    });
    await tree.write('/etc/kubernetes/pki/apiserver.crt', 'garbage');
    const table = formatKubeadmTable(await rowsAt(now));
    const lines = table.split('\n');
    expect(lines).toContain('!UNREADABLE! apiserver' + ' '.repeat(27 - 22) + ' '.repeat(25 + 16 + 24));
    expect(lines.find((l) => l.startsWith('kubelet-client-current'))).toBe(
      'kubelet-client-current' +
        ' '.repeat(5) +
        'Mar 20, 2026 00:00 UTC   9d              ca                      no      ',
    );
    expect(lines.find((l) => l.startsWith('kubelet.conf'))).toMatch(
      /^kubelet\.conf +Mar 20, 2026 00:00 UTC {3}9d {14}ca {22}no {6}$/,
    );
    expect(lines.find((l) => l.startsWith('- apiserver (warning):'))).toBe(
      '- apiserver (warning): /etc/kubernetes/pki/apiserver.crt: not a PEM, DER or PKCS#12 certificate; expected text starting ' +
        'with -----BEGIN CERTIFICATE-----. Inspect /etc/kubernetes/pki/apiserver.crt on node cp-1 (`ls -l /etc/kubernetes/pki/apiserver.crt`, ' +
        '`openssl x509 -noout -dates -in /etc/kubernetes/pki/apiserver.crt`) and restore a valid PEM certificate: whatever reads it fails the same way.',
    );
    // The kubelet's certificate is due, but kubelet.conf only names it: one next step, on the kubelet's row.
    expect(lines.filter((l) => l.startsWith('- kubelet'))).toEqual([
      expect.stringMatching(/^- kubelet-client-current \(critical\): rotation is overdue/),
    ]);
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatKubeadmTable } from '../../../src/checks/host-certificates/format-kubeadm-table.js';
import { hostCertificateFindings } from '../../../src/checks/host-certificates/host-certificate-findings.js';
import { hostCertificateRows } from '../../../src/checks/host-certificates/host-certificate-rows.js';
import { readHostCertificates } from '../../../src/checks/host-certificates/read-host-certificates.js';
import { unobservableCoverage } from '../../../src/checks/host-certificates/unobservable-coverage.js';
import { daysFrom, issueLeaf, type IssuedCert } from '../../../src/simulator/cert-factory.js';
import {
  HostTree,
  keyWithMarker,
  kubeconfigYaml,
  writeKubeadmTree,
  writeKubeletTree,
  writeRancherTree,
} from '../../support/host-tree.js';

const now = new Date('2026-03-10T12:00:00Z');
const marker = 'KEY-MARKER-7f3a9c1e-never-print-me';
const b64 = (s: string) => Buffer.from(s).toString('base64');

let tree: HostTree;
beforeEach(async () => {
  tree = await HostTree.create();
});
afterEach(async () => {
  await tree.dispose();
});

/** Everything vigil produces from a node, as one string. */
async function everyOutput(extraPaths: string[]): Promise<string> {
  const observation = await readHostCertificates({ hostRoot: tree.root, node: 'cp-1', now, extraPaths });
  const rows = hostCertificateRows(observation, now);
  return JSON.stringify({
    observation,
    rows,
    findings: hostCertificateFindings('prod', rows),
    coverage: unobservableCoverage(rows),
    table: formatKubeadmTable(rows),
  });
}

/** Lines of the key's base64 body, and a stretch of the base64 of the whole key as a kubeconfig holds it. */
function keyTraces(cert: IssuedCert): string[] {
  const body = cert.keyPem.split('\n').filter((l) => l.length > 0 && !l.startsWith('-----'));
  return [...body.slice(0, 3), b64(keyWithMarker(cert, marker)).slice(40, 100)];
}

describe('no key material reaches any output', () => {
  it('across keys, combined certificate+key files, kubeconfig credentials and broken files', async () => {
    const issued = await writeKubeadmTree(tree, {
      now,
      leafNotAfter: daysFrom(now, 300),
      caNotAfter: daysFrom(now, 3000),
      keyMarker: marker,
    });
    const kubelet = await writeKubeletTree(tree, {
      now,
      ca: issued.ca!,
      notBefore: daysFrom(now, -340),
      notAfter: daysFrom(now, 25),
      keyMarker: marker,
    });
    await writeRancherTree(tree, 'k3s', { now, leafDays: 10, keyMarker: marker });
    const extra = issueLeaf('extra', now, 5, { clientAuth: true });
    // Credentials of other kinds, and broken documents whose parser errors could quote them.
    await tree.write(
      '/etc/vigil/token.kubeconfig',
      kubeconfigYaml({
        user: 'u',
        caPem: '',
        cert: { pem: extra.certPem },
        key: { pem: keyWithMarker(extra, marker) },
      }).replace(
        'client-certificate-data',
        `token: ${marker}\n    password: "${marker}"\n    client-certificate-data`,
      ),
    );
    await tree.write(
      '/etc/vigil/broken.kubeconfig',
      `users:\n- name: u\n  user:\n    client-key-data: ${b64(keyWithMarker(extra, marker))}\n    client-certificate-data: [${marker}\n`,
    );
    await tree.write('/etc/vigil/swapped.crt', keyWithMarker(extra, marker));
    await tree.write('/etc/vigil/combined.pem', `${keyWithMarker(extra, marker)}${extra.certPem}`);
    await tree.write('/etc/vigil/cut.pem', `${extra.certPem}${keyWithMarker(extra, marker).slice(0, 300)}`);

    const out = await everyOutput([
      '/etc/vigil/*',
      '/etc/kubernetes/pki/*.key',
      '/var/lib/rancher/k3s/server/tls/*.key',
    ]);

    // The outputs are about these files: the test would pass vacuously if nothing had been read.
    expect(out).toContain('/etc/vigil/combined.pem');
    expect(out).toContain('holds a private key but no certificate');
    expect(out).toContain('YAML syntax error');
    expect(out).toContain('the file also holds a private key, which vigil skipped');
    expect(out).toContain(kubelet.datedFile);

    expect(out).not.toContain(marker);
    expect(out).not.toContain('PRIVATE KEY');
    for (const cert of [issued.ca!, issued['admin.conf']!, kubelet.client, extra]) {
      for (const trace of keyTraces(cert)) expect(out).not.toContain(trace);
    }
  });
});

describe('private key files are never opened', () => {
  // A FIFO's writer blocks in open() until someone opens the FIFO for reading: a key file that is a
  // FIFO with a waiting writer turns any open of it, even a non-blocking one, into a visible event.
  function waitingWriter(path: string): { child: ChildProcess; opened: () => boolean; ready: Promise<void> } {
    const child = spawn(process.execPath, [
      '-e',
      "process.stdout.write('ready\\n'); require('node:fs').openSync(process.argv[1], 'w'); process.stdout.write('opened\\n');",
      path,
    ]);
    let out = '';
    let resolveReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (resolveReady = resolve));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolveReady();
    });
    return { child, opened: () => out.includes('opened'), ready };
  }

  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });

  it('checks that ca.key exists without opening it, and skips keys matched by a glob', async () => {
    await writeKubeadmTree(tree, {
      now,
      leafNotAfter: daysFrom(now, 300),
      caNotAfter: daysFrom(now, 3000),
      keyMarker: marker,
      externalCas: ['ca', 'front-proxy-ca'],
    });
    const keys = [
      '/etc/kubernetes/pki/ca.key',
      '/etc/kubernetes/pki/front-proxy-ca.key',
      '/etc/kubernetes/pki/apiserver.key',
    ];
    await tree.remove('/etc/kubernetes/pki/apiserver.key');
    const writers = [];
    for (const key of keys) {
      await tree.fifo(key);
      const w = waitingWriter(tree.local(key));
      children.push(w.child);
      writers.push(w);
    }
    await Promise.all(writers.map((w) => w.ready));
    // Let each writer reach its blocking open() after printing "ready".
    await new Promise((r) => setTimeout(r, 300));

    const observation = await readHostCertificates({
      hostRoot: tree.root,
      node: 'cp-1',
      now,
      extraPaths: ['/etc/kubernetes/pki/*', '/etc/kubernetes/pki/apiserver.key'],
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(writers.map((w) => w.opened())).toEqual([false, false, false]);
    // The keys were seen: present (not external) and named in notes, without being opened.
    expect(observation.entries.find((e) => e.entry.name === 'ca')?.keyPresent).toBe(true);
    expect(observation.entries.find((e) => e.entry.name === 'front-proxy-ca')?.keyPresent).toBe(true);
    expect(observation.notes).toContainEqual({
      layout: 'extra',
      path: '/etc/kubernetes/pki/apiserver.key',
      message: 'a private key file: not read',
    });

    // The detector works: opening one FIFO for reading releases its writer.
    const handle = await open(tree.local(keys[0] as string), constants.O_RDONLY | constants.O_NONBLOCK);
    await new Promise((r) => setTimeout(r, 300));
    await handle.close();
    expect(writers[0]?.opened()).toBe(true);
  });
});

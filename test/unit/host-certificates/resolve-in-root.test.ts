import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveInRoot } from '../../../src/checks/host-certificates/resolve-in-root.js';
import { HostTree } from '../../support/host-tree.js';

let tree: HostTree;
beforeEach(async () => {
  tree = await HostTree.create();
});
afterEach(async () => {
  await tree.dispose();
});

describe('resolveInRoot', () => {
  it('resolves an absolute symlink target inside the host root, not on the machine running vigil', async () => {
    const dated = '/var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem';
    expect(existsSync(dated)).toBe(false); // only under the tree
    await tree.write(dated, 'x');
    await tree.link('/var/lib/kubelet/pki/kubelet-client-current.pem', dated);
    expect(await resolveInRoot(tree.root, '/var/lib/kubelet/pki/kubelet-client-current.pem')).toEqual({
      ok: true,
      path: dated,
      links: [`/var/lib/kubelet/pki/kubelet-client-current.pem -> ${dated}`],
    });
  });

  it('follows relative links and directory links in the middle of the path', async () => {
    await tree.write('/data/kubelet/pki/kubelet.crt', 'x');
    await tree.link('/var/lib/kubelet', '/data/kubelet');
    await tree.link('/etc/kubelet.crt', '../var/lib/kubelet/pki/kubelet.crt');
    const r = await resolveInRoot(tree.root, '/etc/kubelet.crt');
    expect(r).toMatchObject({ ok: true, path: '/data/kubelet/pki/kubelet.crt' });
    expect(r.links).toEqual([
      '/etc/kubelet.crt -> ../var/lib/kubelet/pki/kubelet.crt',
      '/var/lib/kubelet -> /data/kubelet',
    ]);
  });

  it('never climbs above the root with ..', async () => {
    await tree.write('/secret.crt', 'x');
    await tree.link('/etc/ssl/up.crt', '../../../../../../secret.crt');
    expect(await resolveInRoot(tree.root, '/etc/ssl/up.crt')).toMatchObject({
      ok: true,
      path: '/secret.crt',
    });
  });

  it('reports a symlink loop', async () => {
    await tree.link('/etc/a.crt', '/etc/b.crt');
    await tree.link('/etc/b.crt', 'a.crt');
    const r = await resolveInRoot(tree.root, '/etc/a.crt');
    expect(r).toMatchObject({ ok: false, failure: { kind: 'loop' } });
    expect(r.ok ? '' : r.failure.reason).toContain('/etc/a.crt');
  });

  it('tells a dangling symlink from a missing file', async () => {
    await tree.link(
      '/var/lib/kubelet/pki/kubelet-client-current.pem',
      '/var/lib/kubelet/pki/kubelet-client-gone.pem',
    );
    const dangling = await resolveInRoot(tree.root, '/var/lib/kubelet/pki/kubelet-client-current.pem');
    expect(dangling).toMatchObject({ ok: false, failure: { kind: 'dangling' } });
    expect(dangling.ok ? '' : dangling.failure.reason).toBe(
      'dangling symlink /var/lib/kubelet/pki/kubelet-client-current.pem -> /var/lib/kubelet/pki/kubelet-client-gone.pem ' +
        '(/var/lib/kubelet/pki/kubelet-client-gone.pem does not exist)',
    );
    expect(await resolveInRoot(tree.root, '/var/lib/kubelet/pki/other.pem')).toMatchObject({
      ok: false,
      failure: { kind: 'missing', reason: '/var/lib/kubelet/pki/other.pem does not exist' },
    });
  });

  it('calls a file missing behind a valid directory link missing, not dangling', async () => {
    await tree.mkdir('/data/kubelet/pki');
    await tree.link('/var/lib/kubelet', '/data/kubelet');
    expect(await resolveInRoot(tree.root, '/var/lib/kubelet/pki/kubelet.crt')).toMatchObject({
      ok: false,
      failure: { kind: 'missing' },
    });
  });

  it('reports a file used as a directory', async () => {
    await tree.write('/etc/kubernetes', 'not a directory');
    expect(await resolveInRoot(tree.root, '/etc/kubernetes/pki/ca.crt')).toMatchObject({
      ok: false,
      failure: { kind: 'not-a-directory', reason: '/etc/kubernetes is not a directory' },
    });
  });
});

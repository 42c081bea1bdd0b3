import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { isPrivateKeyPath, redactKubeconfigSecrets, redactPrivateKeyBlocks } from './redact-secrets.js';
import { localPath, resolveInRoot } from './resolve-in-root.js';

/** Far above any certificate file or kubeconfig; a bigger file is not what the layout expects. */
export const maxHostFileBytes = 1024 * 1024;

export type HostFileRead =
  | {
      ok: true;
      /** Contents with every private key and kubeconfig credential already overwritten. */
      data: Buffer;
      /** The node path read after following symlinks. */
      path: string;
      links: string[];
      privateKeyBlocks: number;
    }
  | { ok: false; missing: boolean; access: boolean; reason: string; links: string[] };

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

const refused = (path: string, links: string[]): HostFileRead => ({
  ok: false,
  missing: false,
  access: false,
  reason: `${path} is a private key file; vigil never reads keys`,
  links,
});

/**
 * Reads one certificate file or kubeconfig of the node. Never blocks on a FIFO (opened non-blocking,
 * then checked to be a regular file), never opens a `.key` file, and redacts keys before returning.
 */
export async function readHostFile(hostRoot: string, nodePath: string): Promise<HostFileRead> {
  if (isPrivateKeyPath(nodePath)) return refused(nodePath, []);
  const resolved = await resolveInRoot(hostRoot, nodePath);
  if (!resolved.ok) {
    const { kind, reason } = resolved.failure;
    return {
      ok: false,
      missing: kind === 'missing',
      access: kind === 'access',
      reason,
      links: resolved.links,
    };
  }
  const { path, links } = resolved;
  if (isPrivateKeyPath(path)) return refused(path, links);
  let handle;
  try {
    handle = await open(
      localPath(hostRoot, path),
      constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW,
    );
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'unknown';
    const access = code === 'EACCES' || code === 'EPERM';
    return {
      ok: false,
      missing: code === 'ENOENT',
      access,
      reason: access ? `permission denied reading ${path}` : `cannot open ${path} (${code})`,
      links,
    };
  }
  let data: Buffer | undefined;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      return {
        ok: false,
        missing: false,
        access: false,
        reason: `${path} is ${kindOf(stat)}, not a certificate file`,
        links,
      };
    }
    if (stat.size > maxHostFileBytes) {
      return {
        ok: false,
        missing: false,
        access: false,
        reason: `${path} is ${stat.size} bytes, too large for a certificate file (limit ${maxHostFileBytes})`,
        links,
      };
    }
    // Buffer.alloc, not allocUnsafe: the bytes are owned here (no shared pool), so redaction reaches
    // the only copy.
    data = Buffer.alloc(stat.size);
    let read = 0;
    while (read < data.length) {
      const { bytesRead } = await handle.read(data, read, data.length - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    const body = read === data.length ? data : data.subarray(0, read);
    const privateKeyBlocks = redactPrivateKeyBlocks(body);
    redactKubeconfigSecrets(body);
    return { ok: true, data: body, path, links, privateKeyBlocks };
  } catch (err) {
    // A read that failed half-way has not been redacted yet.
    data?.fill(0);
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'unknown';
    return {
      ok: false,
      missing: false,
      access: code === 'EACCES',
      reason: `cannot read ${path} (${code})`,
      links,
    };
  } finally {
    await handle.close();
  }
}

/** Whether a CA's key exists, as kubeadm asks it (`os.Stat`): anything but "does not exist" is yes. */
export async function keyExists(hostRoot: string, nodePath: string): Promise<boolean> {
  const resolved = await resolveInRoot(hostRoot, nodePath);
  return resolved.ok || (resolved.failure.kind !== 'missing' && resolved.failure.kind !== 'dangling');
}

import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Linux gives up after 40 symbolic links (MAXSYMLINKS); so does vigil. */
const maxLinks = 40;

export type PathFailureKind = 'missing' | 'dangling' | 'loop' | 'access' | 'not-a-directory' | 'io';

export interface PathFailure {
  kind: PathFailureKind;
  /** Completes "cannot read PATH: ..."; names node paths only, never file content. */
  reason: string;
}

export type Resolved =
  { ok: true; path: string; links: string[] } | { ok: false; failure: PathFailure; links: string[] };

/** The local path of a node path: `/host` + `/etc/kubernetes` in a DaemonSet, unchanged for `/`. */
export function localPath(hostRoot: string, nodePath: string): string {
  return join(hostRoot, nodePath);
}

const parts = (p: string): string[] => p.split('/').filter((s) => s.length > 0);

function codeOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'unknown';
}

/**
 * Resolves every symlink of a node path as the node would, with `hostRoot` as `/`. Following links
 * with the local filesystem instead would be wrong in a DaemonSet: the kubelet's absolute link
 * `kubelet-client-current.pem -> /var/lib/kubelet/pki/kubelet-client-2026-…pem` must land under
 * `/host`, not in the container. `..` never climbs above the root (as in a chroot).
 */
export async function resolveInRoot(hostRoot: string, nodePath: string): Promise<Resolved> {
  const links: string[] = [];
  const done: string[] = [];
  let todo = parts(nodePath);
  // Each followed link with how many components were left after its target: while more remain,
  // a missing component belongs to that link's target and the link dangles.
  const open: { link: string; rest: number }[] = [];
  let followed = 0;
  while (todo.length > 0) {
    const part = todo.shift() as string;
    while (open.length > 0 && todo.length + 1 <= (open.at(-1)?.rest ?? 0)) open.pop();
    if (part === '.') continue;
    if (part === '..') {
      done.pop();
      continue;
    }
    const candidate = `/${[...done, part].join('/')}`;
    let stat;
    try {
      stat = await lstat(localPath(hostRoot, candidate));
    } catch (err) {
      return { ok: false, failure: failureOf(codeOf(err), candidate, open.at(-1)?.link), links };
    }
    if (stat.isSymbolicLink()) {
      if (++followed > maxLinks) {
        return {
          ok: false,
          failure: {
            kind: 'loop',
            reason: `symlink loop: more than ${maxLinks} symbolic links resolving ${nodePath}`,
          },
          links,
        };
      }
      let target: string;
      try {
        target = await readlink(localPath(hostRoot, candidate));
      } catch (err) {
        return { ok: false, failure: failureOf(codeOf(err), candidate, undefined), links };
      }
      const link = `${candidate} -> ${target}`;
      links.push(link);
      if (target.startsWith('/')) done.length = 0;
      open.push({ link, rest: todo.length });
      todo = [...parts(target), ...todo];
      continue;
    }
    if (todo.length > 0 && !stat.isDirectory()) {
      return {
        ok: false,
        failure: { kind: 'not-a-directory', reason: `${candidate} is not a directory` },
        links,
      };
    }
    done.push(part);
  }
  return { ok: true, path: `/${done.join('/')}`, links };
}

function failureOf(code: string, at: string, danglingLink: string | undefined): PathFailure {
  switch (code) {
    case 'ENOENT':
      return danglingLink
        ? { kind: 'dangling', reason: `dangling symlink ${danglingLink} (${at} does not exist)` }
        : { kind: 'missing', reason: `${at} does not exist` };
    case 'EACCES':
    case 'EPERM':
      return { kind: 'access', reason: `permission denied at ${at}` };
    case 'ENOTDIR':
      return { kind: 'not-a-directory', reason: `a component of ${at} is not a directory` };
    case 'ELOOP':
      return { kind: 'loop', reason: `symlink loop at ${at}` };
    default:
      return { kind: 'io', reason: `cannot read ${at} (${code})` };
  }
}

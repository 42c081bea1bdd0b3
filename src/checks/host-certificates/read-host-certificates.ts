import { glob, readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { VigilError } from '../../domain/vigil-error.js';
import { parseCertificates, type CertificateFormat } from '../certificates/parse-certificates.js';
import { builtInLayouts } from './built-in-layouts.js';
import type { HostLayout, HostNote, HostProbe, LayoutEntry } from './host-layout.js';
import type { EntryOutcome, HostObservation, ObservedEntry } from './host-observation.js';
import { kubeconfigClientCertificate } from './kubeconfig-client-certificate.js';
import { keyExists, readHostFile } from './read-host-file.js';
import { isPrivateKeyPath } from './redact-secrets.js';
import { localPath, resolveInRoot } from './resolve-in-root.js';

export interface ReadHostCertificatesOptions {
  /** Prepended to every node path: `/` on the node itself, `/host` in a DaemonSet. */
  hostRoot: string;
  node: string;
  layouts?: readonly HostLayout[];
  /** Node paths or globs (`hostCertificates.extraPaths`). */
  extraPaths?: readonly string[];
  now?: Date;
}

function probeOf(hostRoot: string): HostProbe {
  return {
    async exists(path) {
      return (await resolveInRoot(hostRoot, path)).ok;
    },
    async list(dir) {
      const resolved = await resolveInRoot(hostRoot, dir);
      if (!resolved.ok) {
        const { kind, reason } = resolved.failure;
        return {
          error: reason,
          missing: kind === 'missing' || kind === 'dangling',
          access: kind === 'access',
        };
      }
      try {
        return { names: await readdir(localPath(hostRoot, resolved.path)) };
      } catch (err) {
        const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'unknown';
        const access = code === 'EACCES' || code === 'EPERM';
        return {
          error: access ? `permission denied listing ${dir}` : `cannot list ${dir} (${code})`,
          missing: false,
          access,
        };
      }
    },
  };
}

function certificateOutcome(
  data: Buffer,
  privateKeyBlocks: number,
): { pem: string; format: CertificateFormat } | { error: string } {
  try {
    const parsed = parseCertificates(data);
    return { pem: parsed.certificates.map((c) => c.toString()).join(''), format: parsed.format };
  } catch (err) {
    if (privateKeyBlocks > 0 && data.every((b) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09)) {
      return { error: 'holds a private key but no certificate' };
    }
    return { error: err instanceof VigilError ? err.userMessage : 'cannot be parsed' };
  }
}

function looksLikeKubeconfig(data: Buffer): boolean {
  return !data.includes('-----BEGIN') && (data.includes('client-certificate') || data.includes('users:'));
}

/** Whatever goes wrong with one file stays with that file: the rest of the node is still reported. */
async function observe(hostRoot: string, entry: LayoutEntry): Promise<EntryOutcome> {
  try {
    return await observeFile(hostRoot, entry);
  } catch (err) {
    // Only the error's class and code: a message could quote data.
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
    const kind = err instanceof Error ? err.name : typeof err;
    return {
      status: 'unreadable',
      reason: `cannot read ${entry.path} (${[kind, code].filter((s) => s.length > 0).join(' ')})`,
      access: false,
      links: [],
    };
  }
}

async function observeFile(hostRoot: string, entry: LayoutEntry): Promise<EntryOutcome> {
  const file = await readHostFile(hostRoot, entry.path);
  if (!file.ok) {
    return file.missing
      ? { status: 'missing', links: file.links }
      : { status: 'unreadable', reason: file.reason, access: file.access, links: file.links };
  }
  const kubeconfig =
    entry.format === 'kubeconfig' || (entry.format === 'auto' && looksLikeKubeconfig(file.data));
  if (!kubeconfig) {
    const cert = certificateOutcome(file.data, file.privateKeyBlocks);
    if ('error' in cert)
      return {
        status: 'unreadable',
        reason: `${file.path}: ${cert.error}`,
        access: false,
        links: file.links,
      };
    return {
      status: 'ok',
      ...cert,
      readFrom: file.path,
      links: file.links,
      privateKeyInFile: file.privateKeyBlocks > 0,
    };
  }
  const client = kubeconfigClientCertificate(file.data, file.path);
  file.data.fill(0);
  switch (client.kind) {
    case 'invalid':
      return {
        status: 'unreadable',
        reason: `${file.path}: ${client.reason}`,
        access: false,
        links: file.links,
      };
    case 'none':
      return { status: 'no-client-certificate', reason: client.reason };
    case 'embedded': {
      const cert = certificateOutcome(client.data, 0);
      if ('error' in cert) {
        return {
          status: 'unreadable',
          reason: `client-certificate-data of user "${client.user}" in ${file.path}: ${cert.error}`,
          access: false,
          links: file.links,
        };
      }
      return {
        status: 'ok',
        ...cert,
        readFrom: file.path,
        links: file.links,
        privateKeyInFile: false,
        kubeconfig: { user: client.user, embedded: true },
      };
    }
    case 'file': {
      const referenced = await readHostFile(hostRoot, client.path);
      const links = [...file.links, ...referenced.links];
      if (!referenced.ok) {
        // A kubeconfig that names a file which is gone is broken, not merely absent.
        const why = referenced.missing ? `${client.path} does not exist` : referenced.reason;
        return {
          status: 'unreadable',
          reason: `client-certificate of ${file.path}: ${why}`,
          access: !referenced.missing && referenced.access,
          links,
          references: client.path,
        };
      }
      const cert = certificateOutcome(referenced.data, referenced.privateKeyBlocks);
      if ('error' in cert) {
        return {
          status: 'unreadable',
          reason: `client-certificate ${referenced.path} of ${file.path}: ${cert.error}`,
          access: false,
          links,
          references: client.path,
        };
      }
      return {
        status: 'ok',
        ...cert,
        readFrom: referenced.path,
        links,
        privateKeyInFile: referenced.privateKeyBlocks > 0,
        kubeconfig: { user: client.user, embedded: false, references: client.path },
      };
    }
  }
}

const globChars = /[*?[{]/;

async function extraEntries(
  hostRoot: string,
  paths: readonly string[],
  taken: Set<string>,
): Promise<{ entries: LayoutEntry[]; notes: HostNote[] }> {
  const entries: LayoutEntry[] = [];
  const notes: HostNote[] = [];
  const add = (path: string, required: boolean) => {
    if (taken.has(path)) return;
    taken.add(path);
    entries.push({
      layout: 'extra',
      name: path,
      path,
      role: 'auto',
      format: 'auto',
      required,
      listedByKubeadm: false,
    });
  };
  for (const pattern of paths) {
    if (!globChars.test(pattern)) {
      if (isPrivateKeyPath(pattern))
        notes.push({ layout: 'extra', path: pattern, message: 'a private key file: not read' });
      else add(pattern, true);
      continue;
    }
    // The glob walks the local filesystem: a directory symlink with an absolute target is followed
    // outside the host root, so globs should name real directories. Matched files are then read with
    // the node's symlink semantics like every other file.
    let matched = 0;
    try {
      for await (const dirent of glob(pattern.replace(/^\/+/, ''), { cwd: hostRoot, withFileTypes: true })) {
        if (dirent.isDirectory()) continue;
        const path = `/${relative(resolve(hostRoot), join(dirent.parentPath, dirent.name))}`;
        matched++;
        if (isPrivateKeyPath(path))
          notes.push({ layout: 'extra', path, message: 'a private key file: not read' });
        else add(path, false);
      }
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'unknown';
      notes.push({ layout: 'extra', path: pattern, message: `cannot expand the glob (${code})` });
      continue;
    }
    if (matched === 0) notes.push({ layout: 'extra', path: pattern, message: 'the glob matched no file' });
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { entries, notes };
}

/**
 * Reads every certificate the node's layouts expect, plus the configured extra paths. Never throws
 * for the node's state: a missing directory is a note, an unreadable or broken file an entry with the
 * reason. Private keys are never opened (src/checks/host-certificates/read-host-file.ts).
 */
export async function readHostCertificates(opts: ReadHostCertificatesOptions): Promise<HostObservation> {
  const probe = probeOf(opts.hostRoot);
  const observed: ObservedEntry[] = [];
  const notes: HostNote[] = [];
  const taken = new Set<string>();
  for (const layout of opts.layouts ?? builtInLayouts) {
    const plan = await layout.plan(probe);
    notes.push(...plan.notes);
    for (const dir of plan.unlistable) {
      observed.push({
        entry: {
          layout: layout.id,
          name: dir.path,
          path: dir.path,
          role: 'certificate',
          format: 'certificate',
          required: true,
          listedByKubeadm: false,
        },
        outcome: { status: 'unreadable', reason: dir.reason, access: dir.access, links: [] },
      });
    }
    const results = await Promise.all(
      plan.entries.map(async (entry): Promise<ObservedEntry | undefined> => {
        taken.add(entry.path);
        const outcome = await observe(opts.hostRoot, entry);
        if (outcome.status === 'missing' && !entry.required) return undefined;
        const keyPresent =
          entry.keyPath && outcome.status !== 'missing'
            ? await keyExists(opts.hostRoot, entry.keyPath)
            : undefined;
        return { entry, outcome, ...(keyPresent !== undefined ? { keyPresent } : {}) };
      }),
    );
    observed.push(...results.filter((r): r is ObservedEntry => r !== undefined));
  }
  const extras = await extraEntries(opts.hostRoot, opts.extraPaths ?? [], taken);
  notes.push(...extras.notes);
  for (const entry of extras.entries) {
    const outcome = await observe(opts.hostRoot, entry);
    if (outcome.status === 'missing')
      notes.push({ layout: 'extra', path: entry.path, message: 'does not exist' });
    if (outcome.status === 'missing' && !entry.required) continue;
    observed.push({ entry, outcome });
  }
  return { node: opts.node, observedAt: (opts.now ?? new Date()).toISOString(), entries: observed, notes };
}

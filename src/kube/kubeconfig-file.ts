import { isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

/** A kubeconfig `clusters[].cluster`, with file paths made absolute. */
export interface KubeconfigCluster {
  name: string;
  server: string;
  caFile?: string;
  caData?: string;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

/** A kubeconfig `users[].user`: the fields vigil acts on, file paths made absolute. */
export interface KubeconfigUser {
  name: string;
  certFile?: string;
  certData?: string;
  keyFile?: string;
  keyData?: string;
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  /** `exec` as written (user-credentials.ts validates it). */
  exec?: unknown;
  /** `auth-provider` as written: `{ name, config }`. */
  authProvider?: { name?: unknown; config?: unknown };
}

export interface KubeconfigContext {
  name: string;
  cluster: string;
  user?: string;
}

export interface KubeconfigFile {
  clusters: KubeconfigCluster[];
  users: KubeconfigUser[];
  contexts: KubeconfigContext[];
  currentContext?: string;
}

/** A kubeconfig that cannot be used as written; the message names the field (`users[1].user.token`). */
export class KubeconfigFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigFormatError';
  }
}

/**
 * Reads a kubeconfig document the way kubectl does (k8s.io/client-go/tools/clientcmd/api/v1): the
 * three named lists and `current-context`, with relative file paths resolved against the kubeconfig's
 * own directory. Only the fields vigil acts on are read; unknown ones are ignored, as by kubectl. A
 * field of the wrong type is a KubeconfigFormatError naming it, never a TypeError later. `tokenFile`
 * (kubectl's spelling) and `token-file` are both read.
 */
export function parseKubeconfig(text: string, dir: string): KubeconfigFile {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new KubeconfigFormatError(String((err as Error).message ?? err).split('\n')[0] ?? 'invalid YAML');
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isObject(doc))
    throw new KubeconfigFormatError('the document is not a mapping of clusters, users and contexts');
  const path = (value: string | undefined) =>
    value === undefined || value === '' || isAbsolute(value) ? value : resolve(dir, value);
  const clusters = namedList(doc, 'clusters', 'cluster', (c, at) => {
    const server = str(c, 'server', at);
    if (server === undefined || server === '') throw new KubeconfigFormatError(`${at}.server is missing`);
    return {
      server,
      ...optional('caFile', path(str(c, 'certificate-authority', at))),
      ...optional('caData', str(c, 'certificate-authority-data', at)),
      insecureSkipTlsVerify: bool(c, 'insecure-skip-tls-verify', at) ?? false,
      ...optional('tlsServerName', str(c, 'tls-server-name', at)),
      ...optional('proxyUrl', str(c, 'proxy-url', at)),
    };
  });
  const users = namedList(doc, 'users', 'user', (u, at) => {
    const provider = u['auth-provider'];
    if (provider !== undefined && provider !== null && !isObject(provider)) {
      throw new KubeconfigFormatError(`${at}.auth-provider must be a mapping`);
    }
    return {
      ...optional('certFile', path(str(u, 'client-certificate', at))),
      ...optional('certData', str(u, 'client-certificate-data', at)),
      ...optional('keyFile', path(str(u, 'client-key', at))),
      ...optional('keyData', str(u, 'client-key-data', at)),
      ...optional('token', str(u, 'token', at)),
      ...optional('tokenFile', path(str(u, 'tokenFile', at) ?? str(u, 'token-file', at))),
      ...optional('username', str(u, 'username', at)),
      ...optional('password', str(u, 'password', at)),
      ...(u['exec'] !== undefined && u['exec'] !== null ? { exec: u['exec'] } : {}),
      ...(isObject(provider) ? { authProvider: provider } : {}),
    };
  });
  const contexts = namedList(doc, 'contexts', 'context', (c, at) => {
    const cluster = str(c, 'cluster', at);
    if (cluster === undefined || cluster === '') throw new KubeconfigFormatError(`${at}.cluster is missing`);
    return { cluster, ...optional('user', str(c, 'user', at) || undefined) };
  });
  const current = str(doc, 'current-context', 'the document');
  return { clusters, users, contexts, ...optional('currentContext', current || undefined) };
}

function namedList<T>(
  doc: Record<string, unknown>,
  list: string,
  field: string,
  read: (body: Record<string, unknown>, at: string) => T,
): (T & { name: string })[] {
  const raw = doc[list];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new KubeconfigFormatError(`${list} must be a list`);
  return raw.map((entry: unknown, i) => {
    const at = `${list}[${i}]`;
    if (!isObject(entry)) throw new KubeconfigFormatError(`${at} must be a mapping with name and ${field}`);
    const name = entry['name'];
    if (typeof name !== 'string' || name === '') throw new KubeconfigFormatError(`${at}.name is missing`);
    const body = entry[field] ?? {};
    if (!isObject(body)) throw new KubeconfigFormatError(`${at}.${field} must be a mapping`);
    return { name, ...read(body, `${at}.${field}`) };
  });
}

function str(o: Record<string, unknown>, key: string, at: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new KubeconfigFormatError(`${at}.${key} must be a string`);
  return v;
}

function bool(o: Record<string, unknown>, key: string, at: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new KubeconfigFormatError(`${at}.${key} must be true or false`);
  return v;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { KubeConfig, User } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { ExecCredentialPlugin, type ExecConfig } from './exec-credential-plugin.js';

type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];
type AuthOptions = Parameters<Authenticator['applyAuthentication']>[1];

export interface TakeOverOptions {
  /** The kubeconfig file the user comes from, and its text (client-node drops keys it does not know). */
  kubeconfigPath: string;
  kubeconfigText: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Builds the `kubeconfig-invalid` error for a problem found now, at load time. */
  invalid: (message: string) => Error;
}

/** Bound service-account tokens rotate; re-read the file this often, as client-go does. */
const TOKEN_FILE_REREAD_MS = 60_000;

/**
 * Replaces client-node's handling of two kinds of kubeconfig user, on the KubeConfig of one cluster:
 *
 * - `exec` credential plugins run through ExecCredentialPlugin (bounded, output never echoed) instead
 *   of client-node's ExecAuth. The user is swapped for a copy without `exec`, so no built-in
 *   authenticator claims it and the one registered here does (client-node tries its own first).
 * - `tokenFile` (kubectl's key) is unknown to client-node, which reads only `token-file`: the token was
 *   silently not sent and the cluster answered 401. The file is read here, and a missing or empty one
 *   is a kubeconfig problem reported at load.
 */
export function takeOverUserAuth(kc: KubeConfig, opts: TakeOverOptions): void {
  const user = kc.getCurrentUser();
  if (!user) return;
  const exec = execOf(user);
  if (exec !== undefined) {
    if (!isExecConfig(exec)) {
      throw opts.invalid(
        `user "${user.name}" in kubeconfig ${opts.kubeconfigPath} has an exec credential plugin without a command; set users[].user.exec.command`,
      );
    }
    const plugin = new ExecCredentialPlugin(exec, {
      timeoutMs: opts.timeoutMs,
      kubeconfig: opts.kubeconfigPath,
      ...(opts.env ? { env: opts.env } : {}),
    });
    replaceUser(kc, user, { ...user, exec: undefined, authProvider: undefined });
    kc.addAuthenticator(
      authenticatorFor(user.name, async (o) => {
        const c = await plugin.credential();
        if (c.clientCertificateData && c.clientKeyData) {
          o.cert = c.clientCertificateData;
          o.key = c.clientKeyData;
        }
        if (c.token) setBearer(o, c.token);
      }),
    );
    return;
  }
  const tokenFile = rawTokenFile(opts.kubeconfigText, user.name);
  if (tokenFile === undefined || user.token) return; // a token beside tokenFile wins, as in kubectl
  const path = isAbsolute(tokenFile) ? tokenFile : resolve(dirname(opts.kubeconfigPath), tokenFile);
  const where = `tokenFile ${path} of user "${user.name}" in kubeconfig ${opts.kubeconfigPath}`;
  const read = (): string => {
    let token: string;
    try {
      token = readFileSync(path, 'utf8').trim();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(err)})`;
      throw opts.invalid(
        `${where} ${why}; fix the path (a relative one is read from the kubeconfig's directory) or set users[].user.token`,
      );
    }
    if (token === '') throw opts.invalid(`${where} is empty; it must hold the bearer token`);
    return token;
  };
  let token = read();
  let readAt = Date.now();
  kc.addAuthenticator(
    authenticatorFor(user.name, (o) => {
      if (Date.now() - readAt > TOKEN_FILE_REREAD_MS) {
        token = read();
        readAt = Date.now();
      }
      setBearer(o, token);
      return Promise.resolve();
    }),
  );
}

/** client-node's own rule (exec_auth.js): `user.exec`, or the legacy `auth-provider` form; undefined when neither. */
function execOf(user: User): unknown {
  if (user.exec) return user.exec;
  const provider = user.authProvider as { name?: unknown; config?: { exec?: unknown } } | null | undefined;
  if (provider?.name === 'exec' || provider?.config?.exec) return provider.config?.exec ?? null;
  return undefined;
}

function isExecConfig(exec: unknown): exec is ExecConfig {
  const command = (exec as { command?: unknown } | null)?.command;
  return typeof command === 'string' && command.trim() !== '';
}

function replaceUser(kc: KubeConfig, user: User, replacement: User): void {
  kc.users = kc.users.map((u) => (u === user ? replacement : u));
}

function authenticatorFor(userName: string, apply: (opts: AuthOptions) => Promise<void>): Authenticator {
  return {
    isAuthProvider: (u: User) => u.name === userName,
    applyAuthentication: (_u: User, opts: AuthOptions) => apply(opts),
  };
}

function setBearer(opts: AuthOptions, token: string): void {
  const o = opts as { headers?: Record<string, unknown> };
  o.headers ??= {};
  o.headers['Authorization'] = `Bearer ${token}`;
}

function rawTokenFile(kubeconfigText: string, userName: string): string | undefined {
  let doc: unknown;
  try {
    doc = parse(kubeconfigText);
  } catch {
    return undefined;
  }
  const users = (doc as { users?: unknown } | null)?.users;
  if (!Array.isArray(users)) return undefined;
  const entry = users.find((u: unknown) => (u as { name?: unknown } | null)?.name === userName) as
    { user?: { tokenFile?: unknown } } | undefined;
  const file = entry?.user?.tokenFile;
  return typeof file === 'string' && file !== '' ? file : undefined;
}

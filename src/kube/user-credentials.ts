import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { ExecCredentialPlugin, type ExecConfig } from './exec-credential-plugin.js';
import type { RequestCredentials } from './kube-client.js';
import type { KubeconfigUser } from './kubeconfig-file.js';

export interface UserCredentialOptions {
  /** The kubeconfig file the user comes from (messages name it; a relative exec command is read from its directory). */
  kubeconfigPath: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Builds the `kubeconfig-invalid` error for a problem found now, at load time. */
  invalid: (message: string) => Error;
}

/** Bound service-account tokens rotate; re-read the file this often, as client-go does. */
export const TOKEN_FILE_REREAD_MS = 60_000;

/**
 * What every request of one kubeconfig user authenticates with, in kubectl's order: an exec
 * credential plugin, then a token (`token` beside `tokenFile` wins, as in kubectl), then a token
 * file, then basic auth; a client certificate goes with the TLS connection (kube-client.ts). Problems
 * that can be seen now (an exec entry without a command, a missing or empty token file, an
 * auth-provider vigil cannot run) are a kubeconfig problem reported at load, not at the first request.
 *
 * Exec plugins run through ExecCredentialPlugin (bounded, output never echoed). Of the legacy
 * `auth-provider` plugins, `oidc` sends its `id-token` (kubectl's own oidc provider does, until it
 * expires); `gcp` and `azure` were removed from kubectl in 1.26 in favour of exec plugins, and are
 * refused with that fix.
 */
export function userCredentials(
  user: KubeconfigUser,
  opts: UserCredentialOptions,
): (() => Promise<RequestCredentials>) | undefined {
  const where = `user "${user.name}" in kubeconfig ${opts.kubeconfigPath}`;
  const exec = execOf(user);
  if (exec !== undefined) {
    if (!isExecConfig(exec)) {
      throw opts.invalid(
        `${where} has an exec credential plugin without a command; set users[].user.exec.command`,
      );
    }
    const plugin = new ExecCredentialPlugin(
      { ...exec, command: resolveCommand(exec.command, opts.kubeconfigPath) },
      { timeoutMs: opts.timeoutMs, kubeconfig: opts.kubeconfigPath, ...(opts.env ? { env: opts.env } : {}) },
    );
    return async () => {
      const c = await plugin.credential();
      return {
        ...(c.token ? { authorization: `Bearer ${c.token}` } : {}),
        ...(c.clientCertificateData && c.clientKeyData
          ? { clientCertificatePem: c.clientCertificateData, clientKeyPem: c.clientKeyData }
          : {}),
      };
    };
  }
  if (user.authProvider) return fixed(providerToken(user, where, opts));
  if (user.token) return fixed(`Bearer ${user.token}`);
  if (user.tokenFile)
    return tokenFileCredentials(user.tokenFile, `tokenFile ${user.tokenFile} of ${where}`, opts);
  if (user.username !== undefined && user.password !== undefined) {
    return fixed(`Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`);
  }
  return undefined;
}

/** A bearer token read from a file, re-read every TOKEN_FILE_REREAD_MS (also the in-cluster service account's). */
export function tokenFileCredentials(
  path: string,
  where: string,
  opts: Pick<UserCredentialOptions, 'invalid'>,
  now: () => number = Date.now,
): () => Promise<RequestCredentials> {
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
  let readAt = now();
  return () => {
    if (now() - readAt > TOKEN_FILE_REREAD_MS) {
      token = read();
      readAt = now();
    }
    return Promise.resolve({ authorization: `Bearer ${token}` });
  };
}

function fixed(authorization: string): () => Promise<RequestCredentials> {
  const creds = { authorization };
  return () => Promise.resolve(creds);
}

/** kubectl's rule: `user.exec`, or the legacy `auth-provider` form of it; undefined when neither. */
function execOf(user: KubeconfigUser): unknown {
  if (user.exec !== undefined) return user.exec;
  const provider = user.authProvider;
  const config = provider?.config as { exec?: unknown } | null | undefined;
  if (provider?.name === 'exec' || config?.exec) return config?.exec ?? null;
  return undefined;
}

function isExecConfig(exec: unknown): exec is ExecConfig {
  const command = (exec as { command?: unknown } | null)?.command;
  return typeof command === 'string' && command.trim() !== '';
}

/** client-go resolves a relative command that contains a path separator against the kubeconfig's directory. */
function resolveCommand(command: string, kubeconfigPath: string): string {
  return !isAbsolute(command) && command.includes(sep) ? resolve(dirname(kubeconfigPath), command) : command;
}

function providerToken(user: KubeconfigUser, where: string, opts: UserCredentialOptions): string {
  const name = typeof user.authProvider?.name === 'string' ? user.authProvider.name : '';
  const config = user.authProvider?.config as Record<string, unknown> | null | undefined;
  if (name === 'oidc') {
    const idToken = config?.['id-token'];
    if (typeof idToken === 'string' && idToken !== '') return `Bearer ${idToken}`;
    throw opts.invalid(
      `${where} uses the oidc auth-provider without an id-token; log in once with kubectl, or switch to an exec plugin such as kubelogin (users[].user.exec), which vigil runs and refreshes`,
    );
  }
  if (name === 'gcp' || name === 'azure') {
    const plugin = name === 'gcp' ? 'gke-gcloud-auth-plugin' : 'kubelogin';
    throw opts.invalid(
      `${where} uses the ${name} auth-provider, which kubectl removed in 1.26; switch to the ${plugin} exec plugin (users[].user.exec), which vigil runs`,
    );
  }
  throw opts.invalid(
    `${where} uses the auth-provider "${name || '(no name)'}", which vigil cannot run; use a token, a client certificate or an exec credential plugin (users[].user.exec)`,
  );
}

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { isIP } from 'node:net';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { VigilError } from '../domain/vigil-error.js';
import { explainKubeError } from './explain-kube-error.js';
import type { KubeConnection } from './kube-connection.js';
import { certificatePemProblem, clientKeyPemProblem } from './kubeconfig-pem-problem.js';
import { makeApiClient } from './make-api-client.js';
import { takeOverUserAuth } from './take-over-user-auth.js';

export interface ClusterAccessConfig {
  name: string;
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
  requestTimeoutMs?: number;
}

export interface ClusterConnection {
  name: string;
  contextName: string;
  kubeconfigPath?: string;
  server: { url: string; host: string; port: number; servername?: string };
  caPem?: string;
  insecureSkipTlsVerify: boolean;
  /** Client certificate PEM from the kubeconfig user (certificate only, never the key), when the user authenticates with one. */
  clientCertificatePem?: string;
  /** What the readers of this folder open their clients from (each check names its reader). */
  kube: KubeConnection;
  /** GET /version: proves the API answers and our credentials work; throws KubeAccessError. */
  ping(): Promise<void>;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Loads one cluster's credentials into its own KubeConfig: client-node resolves credentials from the
 * KubeConfig's *current* context at request time, so sharing one KubeConfig between clusters would
 * silently send one cluster's token to another. Every problem becomes `kubeconfig-invalid` naming the
 * file, vigil's cluster name and the fix, because this runs at startup where a stack trace helps nobody.
 */
export function loadClusterConnection(
  cfg: ClusterAccessConfig,
  env: NodeJS.ProcessEnv = process.env,
): ClusterConnection {
  const kc = new KubeConfig();
  const timeoutMs = cfg.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const invalid = (message: string, cause?: unknown) =>
    new VigilError('kubeconfig-invalid', message, cause === undefined ? {} : { cause });
  let kubeconfigPath: string | undefined;
  let kubeconfigText: string | undefined;
  let source: string;

  if (cfg.inCluster) {
    source = 'the in-cluster service account';
    if (!env.KUBERNETES_SERVICE_HOST || !env.KUBERNETES_SERVICE_PORT) {
      throw invalid(
        `cluster "${cfg.name}" is set to inCluster but KUBERNETES_SERVICE_HOST/PORT are not set: vigil is not running in a pod; set clusters[].kubeconfig instead`,
      );
    }
    try {
      kc.loadFromCluster();
    } catch (err) {
      throw invalid(
        `cluster "${cfg.name}": cannot load the in-cluster service account: ${message(err)}`,
        err,
      );
    }
  } else {
    const path = resolveKubeconfigPath(cfg.kubeconfig, env);
    kubeconfigPath = path;
    source = `kubeconfig ${path}`;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : message(err);
      throw invalid(
        `kubeconfig ${path} for cluster "${cfg.name}" ${why}; set clusters[].kubeconfig in vigil's config or KUBECONFIG to a readable kubeconfig file`,
        err,
      );
    }
    if (text.trim() === '') {
      throw invalid(
        `kubeconfig ${path} for cluster "${cfg.name}" is empty; point clusters[].kubeconfig at a kubeconfig file`,
      );
    }
    kubeconfigText = text;
    try {
      kc.loadFromString(text);
      kc.makePathsAbsolute(dirname(path));
    } catch (err) {
      throw invalid(
        `kubeconfig ${path} for cluster "${cfg.name}" cannot be parsed: ${firstLine(err)}; fix the YAML (try \`kubectl --kubeconfig ${path} config view\`)`,
        err,
      );
    }
  }

  const contexts = kc.getContexts();
  const contextName = cfg.context ?? kc.getCurrentContext();
  const available = contexts.length > 0 ? contexts.map((c) => c.name).join(', ') : 'none';
  if (!contextName) {
    throw invalid(
      `${source} has no current-context for cluster "${cfg.name}"; set clusters[].context in vigil's config to one of: ${available}`,
    );
  }
  const context = contexts.find((c) => c.name === contextName);
  if (!context) {
    throw invalid(
      `${source} has no context "${contextName}" (cluster "${cfg.name}"); available contexts: ${available}; fix clusters[].context in vigil's config`,
    );
  }
  kc.setCurrentContext(contextName);
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw invalid(
      `context "${contextName}" in ${source} refers to cluster "${context.cluster}", which is not defined (cluster "${cfg.name}"); add it under clusters: or pick another context`,
    );
  }
  const user = kc.getCurrentUser();
  if (!user) {
    throw invalid(
      `context "${contextName}" in ${source} ${context.user ? `refers to user "${context.user}", which is not defined` : 'names no user'} (cluster "${cfg.name}"); add the user's credentials or pick another context`,
    );
  }

  let serverUrl: URL;
  try {
    serverUrl = new URL(cluster.server);
  } catch (err) {
    throw invalid(
      `cluster "${cluster.name}" in ${source} has an invalid server URL "${cluster.server}" (cluster "${cfg.name}"); expected https://host:port`,
      err,
    );
  }
  if (serverUrl.protocol === 'http:' && !cluster.skipTLSVerify) {
    throw invalid(
      `cluster "${cluster.name}" in ${source} has the plain HTTP server URL ${cluster.server} (cluster "${cfg.name}"): refused, because vigil's credentials and every answer would cross the network unencrypted and unauthenticated; use the API server's https:// URL (usually port 6443), or set insecure-skip-tls-verify: true on that kubeconfig cluster to accept the risk explicitly`,
    );
  }
  if (serverUrl.protocol !== 'https:' && serverUrl.protocol !== 'http:') {
    throw invalid(
      `cluster "${cluster.name}" in ${source} has the server URL ${cluster.server}, which is not https (cluster "${cfg.name}"); expected https://host:port`,
    );
  }
  const host = serverUrl.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = serverUrl.port ? Number(serverUrl.port) : serverUrl.protocol === 'http:' ? 80 : 443;
  const servername = cluster.tlsServerName ?? (isIP(host) === 0 ? host : undefined);

  const readPem = (what: string, file: string | undefined, data: string | undefined): string | undefined => {
    try {
      if (data) return Buffer.from(data, 'base64').toString('utf8');
      if (file) return readFileSync(file, 'utf8');
      return undefined;
    } catch (err) {
      throw invalid(
        `${what} file ${file} named in ${source} for cluster "${cfg.name}" cannot be read (${(err as NodeJS.ErrnoException).code ?? message(err)}); fix the path or inline the *-data field`,
        err,
      );
    }
  };
  const caPem = readPem('certificate-authority', cluster.caFile, cluster.caData);
  const clientCertificatePem = readPem('client-certificate', user.certFile, user.certData);
  const clientKeyPem = readPem('client-key', user.keyFile, user.keyData);
  const pemField = (field: string, file: string | undefined, owner: string) =>
    file ? `${field} file ${file} of ${owner}` : `${field}-data of ${owner}`;
  const caProblem = caPem !== undefined ? certificatePemProblem(caPem) : undefined;
  if (caProblem) {
    throw invalid(
      `${pemField('certificate-authority', cluster.caFile, `cluster "${cluster.name}"`)} in ${source} ${caProblem} (cluster "${cfg.name}"); ${pemFix(cluster.caFile, cluster.caData, 'certificate-authority', 'the cluster CA certificate (kubeadm: /etc/kubernetes/pki/ca.crt)')}`,
    );
  }
  const certProblem =
    clientCertificatePem !== undefined ? certificatePemProblem(clientCertificatePem) : undefined;
  if (certProblem) {
    throw invalid(
      `${pemField('client-certificate', user.certFile, `user "${user.name}"`)} in ${source} ${certProblem} (cluster "${cfg.name}"); ${pemFix(user.certFile, user.certData, 'client-certificate', "vigil's client certificate")}`,
    );
  }
  const keyProblem =
    clientKeyPem !== undefined ? clientKeyPemProblem(clientKeyPem, clientCertificatePem) : undefined;
  if (keyProblem) {
    throw invalid(
      `${pemField('client-key', user.keyFile, `user "${user.name}"`)} in ${source} ${keyProblem} (cluster "${cfg.name}"); ${pemFix(user.keyFile, user.keyData, 'client-key', 'the private key of the client certificate')}`,
    );
  }
  if (kubeconfigPath !== undefined && kubeconfigText !== undefined) {
    takeOverUserAuth(kc, {
      kubeconfigPath,
      kubeconfigText,
      timeoutMs,
      invalid: (m) => invalid(`${m} (cluster "${cfg.name}")`),
    });
  }

  const errCtx = { cluster: cfg.name, server: cluster.server, timeoutMs };
  const versionApi = makeApiClient(kc, VersionApi, timeoutMs);

  return {
    name: cfg.name,
    contextName,
    ...(kubeconfigPath !== undefined ? { kubeconfigPath } : {}),
    server: { url: cluster.server, host, port, ...(servername !== undefined ? { servername } : {}) },
    ...(caPem !== undefined ? { caPem } : {}),
    insecureSkipTlsVerify: cluster.skipTLSVerify,
    ...(clientCertificatePem !== undefined ? { clientCertificatePem } : {}),
    kube: { kubeConfig: kc, scope: errCtx },
    async ping() {
      try {
        await versionApi.getCode();
      } catch (err) {
        throw explainKubeError(err, { ...errCtx, verb: 'get', resource: '/version' });
      }
    },
  };
}

/** The fix for unusable `*-data` or file PEM; PEM pasted where base64 belongs is the usual mistake. */
function pemFix(file: string | undefined, data: string | undefined, field: string, what: string): string {
  if (file) return `point ${field} at a PEM file holding ${what}`;
  if (data?.includes('-----BEGIN')) {
    return `${field}-data holds PEM text, but it must be base64 of it: base64-encode it (base64 -w0 FILE) or use ${field}: FILE`;
  }
  return `set ${field}-data to the base64 of ${what} (base64 -w0 FILE), or copy it again from a working kubeconfig`;
}

/** kubectl's order: an explicit path, then the first entry of $KUBECONFIG, then ~/.kube/config. */
function resolveKubeconfigPath(explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  if (explicit) return expandHome(explicit, env);
  const fromEnv = env.KUBECONFIG?.split(process.platform === 'win32' ? ';' : ':').find(
    (p) => p.trim() !== '',
  );
  if (fromEnv) return expandHome(fromEnv, env);
  return join(env.HOME ?? homedir(), '.kube', 'config');
}

function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  return p === '~' || p.startsWith('~/') ? join(env.HOME ?? homedir(), p.slice(1)) : p;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function firstLine(err: unknown): string {
  return message(err).split('\n')[0] ?? '';
}

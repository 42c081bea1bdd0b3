import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { isIP } from 'node:net';
import { VigilError } from '../domain/vigil-error.js';
import { explainKubeError } from './explain-kube-error.js';
import { KubeClient, type RequestCredentials } from './kube-client.js';
import type { KubeConnection } from './kube-connection.js';
import {
  KubeconfigFormatError,
  parseKubeconfig,
  type KubeconfigCluster,
  type KubeconfigFile,
  type KubeconfigUser,
} from './kubeconfig-file.js';
import { certificatePemProblem, clientKeyPemProblem } from './kubeconfig-pem-problem.js';
import { tokenFileCredentials, userCredentials } from './user-credentials.js';

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
/** Where the kubelet mounts a pod's service-account token and the cluster CA. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const IN_CLUSTER_CONTEXT = 'in-cluster';

/**
 * Loads one cluster's credentials into its own KubeClient, so one cluster's token can never reach
 * another's API server. Every problem becomes `kubeconfig-invalid` naming the file, vigil's cluster
 * name and the fix, because this runs at startup where a stack trace helps nobody.
 */
export function loadClusterConnection(
  cfg: ClusterAccessConfig,
  env: NodeJS.ProcessEnv = process.env,
  deps: { serviceAccountDir?: string } = {},
): ClusterConnection {
  const timeoutMs = cfg.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const invalid = (message: string, cause?: unknown) =>
    new VigilError('kubeconfig-invalid', message, cause === undefined ? {} : { cause });
  let kubeconfigPath: string | undefined;
  let file: KubeconfigFile;
  let source: string;
  let credentials: (() => Promise<RequestCredentials>) | undefined;

  if (cfg.inCluster) {
    source = 'the in-cluster service account';
    const host = env.KUBERNETES_SERVICE_HOST;
    const port = env.KUBERNETES_SERVICE_PORT;
    if (!host || !port) {
      throw invalid(
        `cluster "${cfg.name}" is set to inCluster but KUBERNETES_SERVICE_HOST/PORT are not set: vigil is not running in a pod; set clusters[].kubeconfig instead`,
      );
    }
    const dir = deps.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
    const server = `https://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
    file = {
      clusters: [
        { name: IN_CLUSTER_CONTEXT, server, caFile: join(dir, 'ca.crt'), insecureSkipTlsVerify: false },
      ],
      // The token is read below (tokenFileCredentials), not through a user entry.
      users: [{ name: IN_CLUSTER_CONTEXT }],
      contexts: [{ name: IN_CLUSTER_CONTEXT, cluster: IN_CLUSTER_CONTEXT, user: IN_CLUSTER_CONTEXT }],
      currentContext: IN_CLUSTER_CONTEXT,
    };
    credentials = tokenFileCredentials(
      join(dir, 'token'),
      `the service-account token ${join(dir, 'token')} of cluster "${cfg.name}"`,
      {
        invalid: (m) =>
          invalid(
            `cannot load the in-cluster service account: ${m}; check that the pod mounts its service-account token (automountServiceAccountToken)`,
          ),
      },
    );
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
    try {
      file = parseKubeconfig(text, dirname(path));
    } catch (err) {
      if (!(err instanceof KubeconfigFormatError)) throw err;
      throw invalid(
        `kubeconfig ${path} for cluster "${cfg.name}" cannot be parsed: ${err.message}; fix the YAML (try \`kubectl --kubeconfig ${path} config view\`)`,
        err,
      );
    }
  }

  const contexts = file.contexts;
  const contextName = cfg.context ?? file.currentContext;
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
  const cluster: KubeconfigCluster | undefined = file.clusters.find((c) => c.name === context.cluster);
  if (!cluster) {
    throw invalid(
      `context "${contextName}" in ${source} refers to cluster "${context.cluster}", which is not defined (cluster "${cfg.name}"); add it under clusters: or pick another context`,
    );
  }
  const user: KubeconfigUser | undefined = file.users.find((u) => u.name === context.user);
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
  if (serverUrl.protocol === 'http:' && !cluster.insecureSkipTlsVerify) {
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
  if (cluster.proxyUrl !== undefined && cluster.proxyUrl !== '') {
    throw invalid(
      `cluster "${cluster.name}" in ${source} sets proxy-url ${cluster.proxyUrl} (cluster "${cfg.name}"), which vigil does not support yet; run vigil where it reaches the API server directly (in the cluster: clusters[].inCluster), or tunnel the port and point server at it`,
    );
  }
  if (kubeconfigPath !== undefined) {
    credentials = userCredentials(user, {
      kubeconfigPath,
      timeoutMs,
      invalid: (m) => invalid(`${m} (cluster "${cfg.name}")`),
    });
  }

  const errCtx = { cluster: cfg.name, server: cluster.server, timeoutMs };
  const client = new KubeClient({
    server: cluster.server,
    ...(caPem !== undefined ? { caPem } : {}),
    ...(clientCertificatePem !== undefined ? { clientCertificatePem } : {}),
    ...(clientKeyPem !== undefined ? { clientKeyPem } : {}),
    insecureSkipTlsVerify: cluster.insecureSkipTlsVerify,
    ...(cluster.tlsServerName !== undefined ? { tlsServerName: cluster.tlsServerName } : {}),
    timeoutMs,
    ...(credentials ? { credentials } : {}),
  });

  return {
    name: cfg.name,
    contextName,
    ...(kubeconfigPath !== undefined ? { kubeconfigPath } : {}),
    server: { url: cluster.server, host, port, ...(servername !== undefined ? { servername } : {}) },
    ...(caPem !== undefined ? { caPem } : {}),
    insecureSkipTlsVerify: cluster.insecureSkipTlsVerify,
    ...(clientCertificatePem !== undefined ? { clientCertificatePem } : {}),
    kube: { client, scope: errCtx },
    async ping() {
      try {
        await client.get('/version');
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

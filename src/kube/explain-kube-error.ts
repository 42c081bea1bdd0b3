import { CredentialPluginError } from './credential-plugin-error.js';
import { KubeAccessError } from './kube-access-error.js';
import { KubeApiError } from './kube-api-error.js';
import { KubeRedirectError } from './kube-redirect-error.js';
import { KubeResponseError } from './kube-response-error.js';
import { ListBoundError } from './list-bound-error.js';

export interface KubeErrorContext {
  /** vigil's name for the cluster (config `clusters[].name`). */
  cluster: string;
  /** API server URL from the kubeconfig. */
  server: string;
  verb?: string;
  resource?: string;
  /** The request bound that fired, for the timeout message. */
  timeoutMs?: number;
}

/**
 * kube-client.ts fails with Node's own errors: transport failures carry a string `code` (ENOTFOUND,
 * ECONNREFUSED, CERT_HAS_EXPIRED, ERR_SSL_*), sometimes one `cause` deep; its timeout surfaces as an
 * AbortError whose `cause` is a DOMException named TimeoutError (numeric `code` 23, so never read a
 * bare numeric `code` as an HTTP status); HTTP errors are KubeApiError with the raw Status JSON as
 * `body` (undefined for 401). "connection failed" helps nobody at 3 a.m., so each case names the
 * endpoint and the next step.
 */
export function explainKubeError(err: unknown, ctx: KubeErrorContext): KubeAccessError {
  if (err instanceof KubeAccessError) return err;
  const endpoint = endpointOf(ctx.server);
  const host = hostOf(ctx.server);
  const where = `cluster "${ctx.cluster}" (${endpoint})`;
  const what =
    ctx.verb || ctx.resource ? ` while trying to ${[ctx.verb, ctx.resource].filter(Boolean).join(' ')}` : '';
  const make = (code: string, message: string, { withoutCause, ...extra }: MakeExtra = {}): KubeAccessError =>
    new KubeAccessError(code, message, { endpoint, ...(withoutCause ? {} : { cause: err }), ...extra });

  const chain = causeChain(err);
  const special = explainVigilSide(chain, ctx, where, what, make);
  if (special) return special;
  const api = chain.find((e): e is KubeApiError => e instanceof KubeApiError);
  if (api) return explainHttp(api, ctx, where, what, make);

  for (const e of chain) {
    const name = e instanceof Error ? e.name : '';
    const code = errorCode(e);
    if (name === 'TimeoutError' || name === 'AbortError' || TIMEOUT_CODES.has(code)) {
      const bound = ctx.timeoutMs !== undefined ? ` within ${ctx.timeoutMs} ms` : '';
      return make(
        'kube-timeout',
        `API server of ${where} did not answer${bound}${what}; it may be overloaded or a firewall drops traffic. Check the API server and the network path from vigil`,
        { retryable: true },
      );
    }
    if (DNS_CODES.has(code)) {
      return make(
        'kube-dns',
        `cannot resolve ${host} for ${where}: DNS lookup failed (${code}); check the server URL ${ctx.server} in the kubeconfig and the DNS seen from where vigil runs`,
        { retryable: true },
      );
    }
    if (code === 'ECONNREFUSED') {
      return make(
        'kube-refused',
        `connection refused by ${endpoint} for ${where}: the API server is down or the port is wrong; check that kube-apiserver is running and the server URL ${ctx.server}`,
        { retryable: true },
      );
    }
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
      return make(
        'kube-refused',
        `${endpoint} is unreachable (${code}) for ${where}; check the address and the network path from vigil`,
        { retryable: true },
      );
    }
    if (TLS_HINTS[code] !== undefined || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
      return make(
        'kube-tls',
        `TLS with the API server of ${where} failed: ${tlsAdvice(code, host, ctx.cluster)}`,
        {
          tlsCode: code,
        },
      );
    }
    if (code === 'ECONNRESET' || code === 'EPIPE') {
      return make(
        'kube-unknown',
        `the API server of ${where} closed the connection${what} (${code}); retrying; if it persists check the API server logs and any load balancer in front of it`,
        { retryable: true },
      );
    }
  }
  const last = chain[chain.length - 1];
  const detail = last instanceof Error ? last.message : String(last);
  return make('kube-unknown', `call to the API server of ${where} failed${what}: ${detail}`);
}

/**
 * Failures vigil itself raises around a request: the credential plugin, a refused redirect, an answer
 * that is not Kubernetes, a list stopped by its bounds. None of them quotes what the other side sent.
 */
function explainVigilSide(
  chain: unknown[],
  ctx: KubeErrorContext,
  where: string,
  what: string,
  make: Make,
): KubeAccessError | undefined {
  for (const e of chain) {
    if (e instanceof CredentialPluginError) {
      return make('kube-credential-plugin', `cannot authenticate to ${where}: ${e.userMessage}`, {
        retryable: e.retryable,
      });
    }
    if (e instanceof KubeRedirectError) {
      return make(
        'kube-redirect',
        `API server of ${where} answered${what} with a redirect (HTTP ${e.status}) to ${e.location}; vigil does not follow redirects away from ${e.origin} (another host could read vigil's credentials or forge the answer). Point the server URL in the kubeconfig at kube-apiserver itself`,
      );
    }
    if (e instanceof KubeResponseError || e instanceof SyntaxError) {
      // JSON.parse's SyntaxError quotes the body around the error, which may be Secret data.
      const answer = e instanceof KubeResponseError ? e.message : 'a body that is not JSON';
      return make(
        'kube-bad-response',
        `API server of ${where} answered${what} with ${answer}; kube-apiserver never does this: check that the server URL ${ctx.server} in the kubeconfig reaches kube-apiserver itself, not a login page, proxy or load balancer`,
        { withoutCause: e instanceof SyntaxError },
      );
    }
    if (e instanceof ListBoundError) {
      const list = ctx.resource ? `listing ${ctx.resource}` : 'the list';
      return make(
        'kube-list-bound',
        `${list} on ${where} was stopped: ${e.message}; ${boundAdvice[e.bound](ctx.server)}`,
      );
    }
  }
  return undefined;
}

const boundAdvice: Record<ListBoundError['bound'], (server: string) => string> = {
  'repeated-continue-token': (server) =>
    `check what answers at ${server} (a proxy or gateway that rewrites continue tokens?) and the kube-apiserver logs`,
  'max-pages': (server) => `check what answers at ${server}; a cluster this large is beyond one vigil run`,
  'max-items': (server) => `check what answers at ${server}; a cluster this large is beyond one vigil run`,
  'max-duration': () =>
    'the API server answers too slowly for a complete list: check kube-apiserver load and the network path from vigil',
};

interface MakeExtra {
  retryable?: boolean;
  httpStatus?: number;
  tlsCode?: string;
  /** Leave the original error out: its message quotes what the other side sent. */
  withoutCause?: boolean;
}

type Make = (code: string, message: string, extra?: MakeExtra) => KubeAccessError;

function explainHttp(
  api: KubeApiError,
  ctx: KubeErrorContext,
  where: string,
  what: string,
  make: Make,
): KubeAccessError {
  const status = api.code;
  const statusMessage = statusMessageOf(api.body);
  const said = statusMessage ? `: ${statusMessage}` : '';
  const http = { httpStatus: status };
  switch (true) {
    case status === 401:
      return make(
        'kube-unauthorized',
        `API server of ${where} answered 401 Unauthorized${what}: token expired or rejected; refresh the kubeconfig credentials (or the service-account token) for this cluster`,
        http,
      );
    case status === 403:
      return make('kube-forbidden', forbiddenMessage(statusMessage, ctx, where), http);
    case status === 404:
      return make('kube-not-found', `not found on ${where}${what}${said}`, http);
    case status === 410:
      return make(
        'kube-gone',
        `API server of ${where} answered 410 Gone${what}${said}; the list snapshot expired, restart the list`,
        { ...http, retryable: true },
      );
    case status >= 500:
      return make(
        'kube-server-error',
        `API server of ${where} failed with HTTP ${status}${what}${said}; retrying; if it persists check kube-apiserver health (/readyz?verbose)`,
        { ...http, retryable: true },
      );
    default:
      return make('kube-unknown', `API server of ${where} answered HTTP ${status}${what}${said}`, http);
  }
}

/** RBAC denials read `secrets is forbidden: User "X" cannot list resource "secrets" in API group "" ...`. */
function forbiddenMessage(statusMessage: string | undefined, ctx: KubeErrorContext, where: string): string {
  const m = statusMessage
    ? /User "([^"]*)" cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)")?/.exec(
        statusMessage,
      )
    : null;
  const user = m?.[1];
  const verb = m?.[2] ?? ctx.verb ?? 'get';
  const fullResource = m?.[3] ?? ctx.resource ?? 'the resource';
  const group = m?.[4] ?? '';
  const namespace = m?.[5];
  const resource = fullResource.split('/')[0] ?? fullResource;
  const who = user ? `"${user}"` : 'vigil';
  const scope = namespace ? `a Role in namespace ${namespace}` : 'a ClusterRole';
  return (
    `API server of ${where} denied ${who} permission to ${verb} ${fullResource}` +
    (group ? ` (API group ${group})` : '') +
    ` (403 Forbidden). Add to ${scope} bound to ${who}: ` +
    `{apiGroups: ["${group}"], resources: ["${resource}"], verbs: ["${verb}"]}`
  );
}

function tlsAdvice(code: string, host: string, cluster: string): string {
  const hint = TLS_HINTS[code];
  return hint
    ? `${hint(host, cluster)} (${code})`
    : `handshake error ${code}; check that the server URL points at kube-apiserver`;
}

const TLS_HINTS: Record<string, (host: string, cluster: string) => string> = {
  CERT_HAS_EXPIRED: (h) =>
    `the API server certificate for ${h} has expired; renew it (kubeadm: \`kubeadm certs renew apiserver\`, then restart kube-apiserver)`,
  CERT_NOT_YET_VALID: (h) =>
    `the API server certificate for ${h} is not valid yet; check the clocks of vigil and the control plane`,
  DEPTH_ZERO_SELF_SIGNED_CERT: (h, c) =>
    `${h} presents a self-signed certificate that the kubeconfig CA of cluster ${c} does not trust; set certificate-authority-data to the cluster CA, or check that the URL reaches the real API server`,
  SELF_SIGNED_CERT_IN_CHAIN: (h, c) =>
    `${h} presents a chain ending in a root CA that the kubeconfig of cluster ${c} does not trust; update certificate-authority-data to the current cluster CA`,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: (h, c) =>
    `the certificate of ${h} is not signed by the CA in the kubeconfig of cluster ${c}; update certificate-authority-data (was the CA rotated?)`,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: (h, c) =>
    `the issuer of the certificate of ${h} is not in the kubeconfig CA of cluster ${c}; update certificate-authority-data (was the CA rotated?)`,
  CERT_SIGNATURE_FAILURE: (h) =>
    `the certificate signature of ${h} is invalid; the certificate is corrupt or forged`,
  ERR_TLS_CERT_ALTNAME_INVALID: (h) =>
    `the API server certificate does not name ${h}; add it to the certificate's SANs or set tls-server-name in the kubeconfig`,
};

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ABORT_ERR']);

/**
 * The error's string code. Node reports an OpenSSL record-layer failure (a port that does not speak
 * TLS) as EPROTO with the reason only in the message ("SSL routines:…:wrong version number:"); it is
 * named ERR_SSL_WRONG_VERSION_NUMBER here, as Node names the other OpenSSL errors.
 */
function errorCode(e: unknown): string {
  const code = typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : '';
  if (code === 'EPROTO' && e instanceof Error) {
    const reason = /SSL routines:[^:]*:([a-z0-9 ]+):/i.exec(e.message)?.[1];
    if (reason) return `ERR_SSL_${reason.trim().toUpperCase().replace(/ +/g, '_')}`;
  }
  return code;
}

function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  const seen = new Set<unknown>();
  for (let e: unknown = err; e !== undefined && e !== null && !seen.has(e);) {
    seen.add(e);
    chain.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return chain;
}

function statusMessageOf(body: unknown): string | undefined {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      // Never quoted: whatever answered may have sent Secret data (a list body with an error status,
      // found by test/fuzz/kube-list.test.ts), and the message reaches chat. Only its size is named.
      const bytes = Buffer.byteLength(body);
      return bytes > 0 ? `a body that is not JSON (${bytes} bytes, not shown)` : undefined;
    }
  }
  if (parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string') {
    return (parsed as { message: string }).message;
  }
  return undefined;
}

function endpointOf(server: string): string {
  try {
    const url = new URL(server);
    return `${url.hostname}:${url.port || (url.protocol === 'http:' ? '80' : '443')}`;
  } catch {
    return server;
  }
}

function hostOf(server: string): string {
  try {
    return new URL(server).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return server;
  }
}

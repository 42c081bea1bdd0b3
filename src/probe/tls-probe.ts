import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { VigilError } from '../domain/vigil-error.js';
import type { TlsProbeResult } from './tls-probe-result.js';

export { parseHostPort } from './parse-host-port.js';

export interface TlsProbeOptions {
  host: string;
  port: number;
  /** SNI and identity-check name; defaults to `host` when it is a name (never sent for IPs). */
  servername?: string;
  /** Trust anchors for `authorized`; the system store when absent. */
  caPem?: string;
  /** Bound on DNS + connect + handshake together. */
  timeoutMs?: number;
  clientCertPem?: string;
  clientKeyPem?: string;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Handshakes without trusting the peer, so that an expired, self-signed or foreign certificate is still
 * read and reported (DOMAIN.md "Reading a certificate that has already expired": Node only runs
 * checkServerIdentity after verification succeeds, so we run it ourselves on the raw peer cert).
 */
export function probeTls(opts: TlsProbeOptions): Promise<TlsProbeResult> {
  const { host, port } = opts;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const target = isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
  // SNI carries host names only (RFC 6066); Node warns (DEP0123) when given an IP.
  const sniCandidate = opts.servername ?? host;
  const servername = isIP(sniCandidate) === 0 ? sniCandidate : undefined;

  return new Promise<TlsProbeResult>((resolve, reject) => {
    let settled = false;
    const socket = tls.connect({
      host,
      port,
      rejectUnauthorized: false,
      // Without an explicit servername Node derives SNI from host; an empty string suppresses it for IPs.
      servername: servername ?? '',
      // Node would otherwise fold a name mismatch into `authorized`; we report chain trust and identity apart.
      checkServerIdentity: () => undefined,
      ...(opts.caPem !== undefined ? { ca: opts.caPem } : {}),
      ...(opts.clientCertPem !== undefined ? { cert: opts.clientCertPem } : {}),
      ...(opts.clientKeyPem !== undefined ? { key: opts.clientKeyPem } : {}),
    });

    const finish = (outcome: { result: TlsProbeResult } | { error: VigilError }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if ('result' in outcome) {
        // A graceful close flushes our last handshake flight, so servers log a clean goodbye rather
        // than a reset; the unref'd timer ends sockets whose peer never answers the FIN.
        socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
        resolve(outcome.result);
      } else {
        socket.destroy();
        reject(outcome.error);
      }
    };

    const timer = setTimeout(() => {
      finish({
        error: new VigilError(
          'probe-timeout',
          `no TLS handshake with ${target} within ${timeoutMs} ms; check that the host is up, the port is right and no firewall drops the traffic`,
          { retryable: true },
        ),
      });
    }, timeoutMs);

    socket.once('secureConnect', () => {
      try {
        const peer = socket.getPeerCertificate(true);
        const chain = peerChain(peer);
        const identity =
          chain.length > 0
            ? tls.checkServerIdentity(opts.servername ?? host, peer as tls.PeerCertificate)
            : undefined;
        const authError = socket.authorizationError as Error | string | undefined;
        const protocol = socket.getProtocol();
        finish({
          result: {
            host,
            port,
            ...(servername !== undefined ? { servername } : {}),
            authorized: socket.authorized,
            ...(authError
              ? { authorizationError: typeof authError === 'string' ? authError : authError.message }
              : {}),
            ...(identity ? { identityError: identity.message } : {}),
            chain,
            ...(protocol ? { protocol } : {}),
          },
        });
      } catch (err) {
        finish({
          error: new VigilError(
            'probe-tls',
            `cannot read the certificate presented by ${target}: ${errText(err)}`,
            {
              cause: err,
            },
          ),
        });
      }
    });

    // Stays attached after we resolve: an etcd-style server that wanted a client certificate drops us
    // right after the TLS 1.3 handshake, and an unhandled 'error' event would crash the process.
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      const error = classifySocketError(err, target);
      // Under TLS 1.2 a server that requires a client certificate aborts the handshake, yet its
      // certificate already arrived: keep it on the error so the expiry is still reported.
      const chain = error.code === 'probe-tls' ? safePeerChain(socket) : [];
      finish({ error: chain.length > 0 ? withChain(error, chain, target) : error });
    });
    socket.once('close', () =>
      finish({
        error: new VigilError(
          'probe-reset',
          `${target} closed the connection before the TLS handshake finished; check that the port serves TLS`,
          { retryable: true },
        ),
      }),
    );
  });
}

/** Leaf first; Node links each certificate to its issuer and the root to itself. */
function peerChain(peer: tls.DetailedPeerCertificate): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let current: tls.DetailedPeerCertificate | undefined = peer;
  while (current?.raw && current.raw.length > 0 && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(new X509Certificate(current.raw));
    if (current.issuerCertificate === current) break;
    current = current.issuerCertificate;
  }
  return chain;
}

/**
 * A failed handshake that still showed the server's certificate (TLS 1.2 server demanding a client
 * certificate): `chain` is the peer chain, leaf first, unverified.
 */
export class TlsProbeError extends VigilError {
  readonly chain: X509Certificate[];
  constructor(code: string, userMessage: string, chain: X509Certificate[], cause: unknown) {
    super(code, userMessage, { cause });
    this.name = 'TlsProbeError';
    this.chain = chain;
  }
}

function withChain(error: VigilError, chain: X509Certificate[], target: string): TlsProbeError {
  const leaf = chain[0];
  const seen = leaf
    ? `; the server presented ${leaf.subject.replace(/\n/g, ', ')} valid until ${leaf.validTo}`
    : '';
  return new TlsProbeError(
    error.code,
    `${error.userMessage}${seen}. If ${target} requires a client certificate, configure one for this endpoint`,
    chain,
    error.cause,
  );
}

function safePeerChain(socket: tls.TLSSocket): X509Certificate[] {
  try {
    return peerChain(socket.getPeerCertificate(true));
  } catch {
    return [];
  }
}

function classifySocketError(err: NodeJS.ErrnoException, target: string): VigilError {
  const code = err.code ?? '';
  const host = target.replace(/:\d+$/, '');
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return new VigilError(
        'probe-dns',
        `cannot resolve ${host} (${target}): DNS lookup failed (${code}); check the name in tlsEndpoints and the DNS seen from where vigil runs`,
        { retryable: true, cause: err },
      );
    case 'ECONNREFUSED':
      return new VigilError(
        'probe-refused',
        `connection refused by ${target}: nothing listens on that port; check the port and that the service is running`,
        { retryable: true, cause: err },
      );
    case 'ETIMEDOUT':
      return new VigilError(
        'probe-timeout',
        `connecting to ${target} timed out; check routes and firewalls`,
        {
          retryable: true,
          cause: err,
        },
      );
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new VigilError(
        'probe-unreachable',
        `${target} is unreachable (${code}); check the address and the network path from where vigil runs`,
        { retryable: true, cause: err },
      );
    case 'ECONNRESET':
    case 'EPIPE':
      return new VigilError(
        'probe-reset',
        `${target} reset the connection during the TLS handshake (${code}); the port may not serve TLS, or the server rejected us (client certificate required?)`,
        { retryable: true, cause: err },
      );
    default:
      return new VigilError(
        'probe-tls',
        `TLS handshake with ${target} failed (${code || err.message}); check that the port serves TLS and accepts TLS 1.2+`,
        { cause: err },
      );
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

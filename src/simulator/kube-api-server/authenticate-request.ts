import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** `anonymous`: no credentials at all; `rejected`: credentials that did not verify (always a 401). */
export type Authentication = { user: string } | 'anonymous' | 'rejected';

/**
 * Union authenticator like kube-apiserver's: a client certificate that chains to the client CA
 * wins, else a known bearer token; presented-but-bad credentials are a 401 even on paths that allow
 * anonymous access. The TLS layer only *requests* the certificate (rejectUnauthorized: false) so a
 * token client without a certificate still connects, and the verdict is read from socket.authorized.
 */
export function authenticateRequest(req: IncomingMessage, tokens: Record<string, string>): Authentication {
  const socket = req.socket as TLSSocket;
  const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
  const presentedCert = peer !== undefined && Object.keys(peer).length > 0;
  if (presentedCert && socket.authorized) {
    const cn = peer.subject?.CN;
    const user = Array.isArray(cn) ? cn[0] : cn;
    if (user) return { user };
  }
  const header = req.headers.authorization;
  const token = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (token !== undefined && Object.hasOwn(tokens, token)) return { user: tokens[token] as string };
  if (presentedCert || header !== undefined) return 'rejected';
  return 'anonymous';
}

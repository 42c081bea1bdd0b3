import type { X509Certificate } from 'node:crypto';

/** What a TLS handshake showed, whether or not the peer is trusted. */
export interface TlsProbeResult {
  host: string;
  port: number;
  servername?: string;
  /** Chain verified against the given CA (or the system store when none given). */
  authorized: boolean;
  /** OpenSSL code such as CERT_HAS_EXPIRED or DEPTH_ZERO_SELF_SIGNED_CERT when not authorized. */
  authorizationError?: string;
  /** Host name / IP mismatch against the leaf, when checked. */
  identityError?: string;
  /** Peer chain as presented, leaf first. */
  chain: X509Certificate[];
  protocol?: string;
}

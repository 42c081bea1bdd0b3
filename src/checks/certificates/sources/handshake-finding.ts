import { isIP } from 'node:net';
import type { Finding } from '../../../domain/finding.js';
import { fingerprint } from '../../../domain/fingerprint.js';
import { VigilError } from '../../../domain/vigil-error.js';
import { TlsProbeError } from '../../../probe/tls-probe.js';
import type { CheckContext } from '../../check.js';
import { certificateFinding, thresholdsFor, type CertificateLocation } from '../certificate-finding.js';
import { evaluateBundle } from '../evaluate-bundle.js';

export interface HandshakeTarget {
  host: string;
  port: number;
  servername?: string;
  caPem?: string;
  /** Whether failing verification against `caPem` is itself a problem (clients would refuse it). */
  assessTrust: boolean;
  /** Says where the trust anchor came from, for the message. */
  trustAnchor?: string;
}

export function hostPort(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/**
 * Reads the certificate a server presents, even an expired or untrusted one (verification off, then
 * judged by hand): in the incidents behind vigil the expired certificate was the API server's own.
 */
export async function handshakeFinding(
  ctx: CheckContext,
  loc: CertificateLocation,
  t: HandshakeTarget,
): Promise<Finding> {
  const endpoint = hostPort(t.host, t.port);
  // SNI takes host names only (RFC 6066); without it, name-based virtual hosts show a default certificate.
  const servername = t.servername ?? (isIP(t.host) ? undefined : t.host);
  try {
    const result = await ctx.probeTls({
      host: t.host,
      port: t.port,
      ...(servername ? { servername } : {}),
      ...(t.caPem ? { caPem: t.caPem } : {}),
      timeoutMs: ctx.config.certificates.probeTimeoutSeconds * 1000,
    });
    if (result.chain.length === 0) {
      return probeFailure(loc, `${endpoint} completed the TLS handshake but presented no certificate`);
    }
    const evaluation = evaluateBundle(
      result.chain,
      ctx.now,
      thresholdsFor(ctx.config.certificates, loc.source),
      {
        kind: 'chain',
      },
    );
    const evidence = [`endpoint ${endpoint}${result.servername ? ` (SNI ${result.servername})` : ''}`];
    if (evaluation.earliest.sans.length > 0) evidence.push(`SANs: ${evaluation.earliest.sans.join(', ')}`);
    let problem: string | undefined;
    const untrusted = !result.authorized && result.authorizationError !== 'CERT_HAS_EXPIRED';
    if (!result.authorized && result.authorizationError) {
      const line = `verification against ${t.trustAnchor ?? 'the trust store'}: ${result.authorizationError}`;
      if (t.assessTrust && untrusted) problem = `not trusted (${result.authorizationError})`;
      evidence.push(line);
    }
    if (result.identityError) evidence.push(`host name check: ${result.identityError}`);
    return certificateFinding(loc, evaluation, ctx.now, {
      evidence,
      ...(problem ? { problem, atLeast: 'critical' as const } : {}),
    });
  } catch (err) {
    const why =
      err instanceof VigilError ? err.userMessage : `TLS handshake with ${endpoint} failed: ${String(err)}`;
    // etcd with client-cert-auth over TLS 1.2 aborts the handshake for lack of a client certificate,
    // but only after it sent its own: the probe keeps that chain, and its expiry still counts.
    const chain = err instanceof TlsProbeError ? err.chain : [];
    if (chain.length > 0) {
      const thresholds = thresholdsFor(ctx.config.certificates, loc.source);
      const evaluation = evaluateBundle(chain, ctx.now, thresholds, { kind: 'chain' });
      return certificateFinding(loc, evaluation, ctx.now, {
        evidence: [`endpoint ${endpoint}`, `read before the handshake failed: ${why}`],
      });
    }
    return probeFailure(loc, why);
  }
}

function probeFailure(loc: CertificateLocation, why: string): Finding {
  return {
    cluster: loc.cluster,
    check: 'certificates',
    severity: 'unknown',
    source: loc.source,
    object: loc.object,
    summary: `${loc.label}: certificate not observed: ${why}`,
    nextStep: `Check that vigil can reach ${loc.host}:${loc.port} (firewall, node down, wrong address); until then this certificate is not watched.`,
    fingerprint: fingerprint(loc.cluster, 'certificates', loc.source, loc.object),
  };
}

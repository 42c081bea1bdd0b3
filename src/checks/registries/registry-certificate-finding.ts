import type { Finding } from '../../domain/finding.js';
import type { TlsProbeResult } from '../../probe/tls-probe-result.js';
import { certificateFinding, thresholdsFor } from '../certificates/certificate-finding.js';
import { evaluateBundle } from '../certificates/evaluate-bundle.js';
import { hostPort } from '../certificates/sources/handshake-finding.js';
import type { CheckContext } from '../check.js';
import { registryObject } from './registry-finding.js';

/**
 * The registry's serving certificate as a certificate finding (check `certificates`, source
 * `registry`), so its expiry sits in the certificate inventory with the others and warns weeks
 * before every node fails pulls with x509 errors. Trust and name problems are the registry
 * finding's business; this one judges expiry, with the verification result as evidence.
 */
export function registryCertificateFinding(
  ctx: CheckContext,
  registry: string,
  tls: TlsProbeResult,
): Finding | undefined {
  if (tls.chain.length === 0) return undefined;
  const endpoint = hostPort(tls.host, tls.port);
  const evaluation = evaluateBundle(tls.chain, ctx.now, thresholdsFor(ctx.config.certificates, 'registry'), {
    kind: 'chain',
  });
  const evidence = [`endpoint ${endpoint}${tls.servername ? ` (SNI ${tls.servername})` : ''}`];
  if (evaluation.earliest.sans.length > 0) evidence.push(`SANs: ${evaluation.earliest.sans.join(', ')}`);
  if (!tls.authorized && tls.authorizationError) {
    evidence.push(
      `verification against the system trust store and registries.caFiles: ${tls.authorizationError}`,
    );
  }
  if (tls.identityError) evidence.push(`host name check: ${tls.identityError}`);
  return certificateFinding(
    {
      cluster: ctx.cluster.name,
      source: 'registry',
      object: registryObject(registry),
      // Docker Hub is served by registry-1.docker.io:443; say so only when the names differ.
      label: endpoint === registry ? `registry ${registry}` : `registry ${registry} (${endpoint})`,
      host: tls.host,
      port: tls.port,
    },
    evaluation,
    ctx.now,
    { evidence },
  );
}

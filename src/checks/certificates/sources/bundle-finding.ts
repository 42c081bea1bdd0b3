import type { Finding } from '../../../domain/finding.js';
import { VigilError } from '../../../domain/vigil-error.js';
import type { CheckContext } from '../../check.js';
import {
  certificateFinding,
  thresholdsFor,
  unreadableFinding,
  type CertificateLocation,
} from '../certificate-finding.js';
import { evaluateBundle } from '../evaluate-bundle.js';
import { parseCertificates } from '../parse-certificates.js';

/** Parses base64 data from an object (Secret, ConfigMap, caBundle) into one finding for that key. */
export function bundleFinding(
  ctx: CheckContext,
  loc: CertificateLocation,
  data: Buffer | undefined,
  kind: 'chain' | 'ca-bundle',
  evidence: string[] = [],
): Finding {
  if (data === undefined || data.length === 0) return unreadableFinding(loc, 'the key is missing or empty');
  try {
    const parsed = parseCertificates(data);
    const evaluation = evaluateBundle(
      parsed.certificates,
      ctx.now,
      thresholdsFor(ctx.config.certificates, loc.source),
      {
        kind,
      },
    );
    const formatNote = parsed.format === 'pem' ? [] : [`read as ${parsed.format.toUpperCase()}`];
    return certificateFinding(loc, evaluation, ctx.now, { evidence: [...evidence, ...formatNote] });
  } catch (err) {
    return unreadableFinding(loc, err instanceof VigilError ? err.userMessage : String(err));
  }
}

/** Kubernetes stores Secret data and caBundles as base64; a bad encoding is reported like bad PEM. */
export function decodeBase64(value: string | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  return Buffer.from(value, 'base64');
}

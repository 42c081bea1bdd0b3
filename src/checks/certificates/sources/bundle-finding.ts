import type { Finding } from '../../../domain/finding.js';
import { VigilError } from '../../../domain/vigil-error.js';
import type { CheckContext } from '../../check.js';
import {
  certificateFinding,
  thresholdsFor,
  unreadableFinding,
  type CertificateLocation,
} from '../certificate-finding.js';
import { evaluateBundle, type BundleEvaluation, type BundleKind } from '../evaluate-bundle.js';
import { parseCertificates } from '../parse-certificates.js';

type Outcome = { evaluation: BundleEvaluation; format: string } | { error: string };

/**
 * Parsed bundles by content, for one check run. Clusters often copy the same certificate (a
 * wildcard, a CA) into hundreds of Secrets: parsing it once saves time, and findings that share the
 * evaluation share its objects, which keeps memory flat on large clusters.
 */
export class BundleCache {
  /**
   * By bundle kind and source, then by the data itself. The data is the key as it arrived (a flat
   * string, hashed once by V8): a key built by concatenation would be copied and hashed anew on
   * every lookup, which at 20,000 lookups of 3 KB cost more than the parsing it saves.
   */
  private readonly outcomes = new Map<string, Map<string, Outcome>>();
  private size = 0;
  constructor(private readonly maxEntries = 2000) {}

  get(scope: string, data: string, compute: () => Outcome): Outcome {
    let byData = this.outcomes.get(scope);
    if (!byData) this.outcomes.set(scope, (byData = new Map()));
    let outcome = byData.get(data);
    if (!outcome) {
      outcome = compute();
      // Bounded: a cluster of all-distinct certificates must not grow the cache without limit.
      if (this.size >= this.maxEntries) {
        this.outcomes.clear();
        this.outcomes.set(scope, (byData = new Map()));
        this.size = 0;
      }
      byData.set(data, outcome);
      this.size++;
    }
    return outcome;
  }
}

function evaluate(ctx: CheckContext, loc: CertificateLocation, data: Buffer, kind: BundleKind): Outcome {
  try {
    const parsed = parseCertificates(data);
    const thresholds = thresholdsFor(ctx.config.certificates, loc.source);
    return {
      evaluation: evaluateBundle(parsed.certificates, ctx.now, thresholds, { kind }),
      format: parsed.format,
    };
  } catch (err) {
    return { error: err instanceof VigilError ? err.userMessage : String(err) };
  }
}

/**
 * One finding for one key of an object (Secret, ConfigMap, caBundle). `data` is raw bytes, or the
 * base64 text as the API returns it, which is then also the cache key.
 */
export function bundleFinding(
  ctx: CheckContext,
  loc: CertificateLocation,
  data: Buffer | string | undefined,
  kind: BundleKind,
  evidence: string[] = [],
  cache?: BundleCache,
): Finding {
  if (data === undefined || data.length === 0) return unreadableFinding(loc, 'the key is missing or empty');
  const outcome =
    typeof data === 'string'
      ? cache
        ? cache.get(`${kind}\u0000${loc.source}`, data, () =>
            evaluate(ctx, loc, decodeBase64(data) as Buffer, kind),
          )
        : evaluate(ctx, loc, decodeBase64(data) as Buffer, kind)
      : evaluate(ctx, loc, data, kind);
  if ('error' in outcome) return unreadableFinding(loc, outcome.error);
  const formatNote = outcome.format === 'pem' ? [] : [`read as ${outcome.format.toUpperCase()}`];
  return certificateFinding(loc, outcome.evaluation, ctx.now, { evidence: [...evidence, ...formatNote] });
}

/** Kubernetes stores Secret data and caBundles as base64; a bad encoding is reported like bad PEM. */
export function decodeBase64(value: string | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  return Buffer.from(value, 'base64');
}

import type { Finding } from '../../../domain/finding.js';
import { VigilError } from '../../../domain/vigil-error.js';
import type { CheckContext } from '../../check.js';
import type { CertificateSource } from '../certificates-config.js';
import {
  certificateFinding,
  thresholdsFor,
  unreadableFinding,
  type CertificateLocation,
} from '../certificate-finding.js';
import { evaluateBundle, type BundleEvaluation, type BundleKind } from '../evaluate-bundle.js';
import { parseCertificates } from '../parse-certificates.js';

/** A bundle's evaluation and the format it was read as, or why it cannot be read. */
export type Evaluated = { evaluation: BundleEvaluation; format: string };
export type Outcome = Evaluated | { error: string };

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

function evaluate(ctx: CheckContext, source: CertificateSource, data: Buffer, kind: BundleKind): Outcome {
  try {
    const parsed = parseCertificates(data);
    const thresholds = thresholdsFor(ctx.config.certificates, source);
    return {
      evaluation: evaluateBundle(parsed.certificates, ctx.now, thresholds, { kind }),
      format: parsed.format,
    };
  } catch (err) {
    return { error: err instanceof VigilError ? err.userMessage : String(err) };
  }
}

/**
 * The evaluation of one key of an object (Secret, ConfigMap, caBundle) read by `source`, or why it
 * cannot be read.
 * `data` is raw bytes, or the base64 text as the API returns it, which is then also the cache key.
 */
export function bundleOutcome(
  ctx: CheckContext,
  source: CertificateSource,
  data: Buffer | string | undefined,
  kind: BundleKind,
  cache?: BundleCache,
): Outcome {
  if (data === undefined || data.length === 0) return { error: 'the key is missing or empty' };
  if (typeof data !== 'string') return evaluate(ctx, source, data, kind);
  if (!cache) return evaluate(ctx, source, decodeBase64(data) as Buffer, kind);
  return cache.get(`${kind}\u0000${source}`, data, () =>
    evaluate(ctx, source, decodeBase64(data) as Buffer, kind),
  );
}

/** What an outcome's format adds to the evidence: nothing for PEM. */
export function formatNote(format: string): string[] {
  return format === 'pem' ? [] : [`read as ${format.toUpperCase()}`];
}

/** One finding for one key of an object; see bundleOutcome. */
export function bundleFinding(
  ctx: CheckContext,
  loc: CertificateLocation,
  data: Buffer | string | undefined,
  kind: BundleKind,
  evidence: string[] = [],
  cache?: BundleCache,
): Finding {
  const outcome = bundleOutcome(ctx, loc.source, data, kind, cache);
  if ('error' in outcome) return unreadableFinding(loc, outcome.error);
  return certificateFinding(loc, outcome.evaluation, ctx.now, {
    evidence: [...evidence, ...formatNote(outcome.format)],
  });
}

/** Kubernetes stores Secret data and caBundles as base64; a bad encoding is reported like bad PEM. */
export function decodeBase64(value: string | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  return Buffer.from(value, 'base64');
}

import type { CertificatesConfig, CertificateSource } from './certificates-config.js';
import type { CertificateFacts, Finding } from '../../domain/finding.js';
import { fingerprint } from '../../domain/fingerprint.js';
import { compareSeverity, type Severity } from '../../domain/severity.js';
import { agoOrIn } from '../../time/ago.js';
import { isoUtcMinute } from '../../time/utc-minute.js';
import type { BundleEvaluation } from './evaluate-bundle.js';
import type { ExpiryThresholds } from './expiry-thresholds.js';
import { severityOfExpiry } from './expiry-thresholds.js';
import { nextStepFor, type NextStepContext } from './next-steps.js';

/** Identifies one place a certificate was read from. `object` is stable and keys the alert. */
export interface CertificateLocation extends Omit<NextStepContext, 'source'> {
  cluster: string;
  source: CertificateSource;
  object: string;
  /** How the object reads in a sentence, e.g. `Secret prod/web-tls (tls.crt)`. */
  label: string;
}

export function thresholdsFor(cfg: CertificatesConfig, source: CertificateSource): ExpiryThresholds {
  const o = cfg.sources[source] ?? {};
  return {
    warningDays: o.warningDays ?? cfg.warningDays,
    criticalDays: o.criticalDays ?? cfg.criticalDays,
    caWarningDays: o.caWarningDays ?? cfg.caWarningDays,
    caCriticalDays: o.caCriticalDays ?? cfg.caCriticalDays,
  };
}

export const roleText: Record<CertificateFacts['role'], string> = {
  leaf: 'certificate',
  intermediate: 'intermediate CA',
  ca: 'CA',
  'self-signed': 'self-signed certificate',
};

export function describeExpiry(c: CertificateFacts, now: Date): string {
  const at = new Date(c.notAfter);
  if (c.expiry === 'expired') return `expired ${agoOrIn(at, now)} (at ${isoUtcMinute(c.notAfter)})`;
  if (c.expiry === 'not-yet-valid') return `is not valid before ${isoUtcMinute(c.notBefore)}`;
  return `expires ${agoOrIn(at, now)} (${isoUtcMinute(c.notAfter)})`;
}

/**
 * What a finding says about one evaluated certificate, wherever it was read: computed once and
 * shared by every place that holds the same bundle (tls-secrets.ts keeps one per chain and key).
 */
export interface CertificateVerdict {
  severity: Severity;
  /** The summary after the place: `certificate CN=… expires in 9 days (…)`, and `; problem`. */
  text: string;
  evidence: readonly string[];
  certificate: CertificateFacts;
}

export function certificateVerdict(
  evaluation: BundleEvaluation,
  now: Date,
  extra: { evidence?: string[]; atLeast?: Severity; problem?: string } = {},
): CertificateVerdict {
  const c = evaluation.earliest;
  let severity = severityOfExpiry(c.expiry);
  if (extra.atLeast && compareSeverity(extra.atLeast, severity) > 0) severity = extra.atLeast;
  const evidence = [...(extra.evidence ?? [])];
  // Only worth saying when something other than the leaf runs out first (an intermediate, a CA).
  if (evaluation.all.length > 1 && c.role !== 'leaf' && c.role !== 'self-signed') {
    evidence.push(
      `${evaluation.all.length} certificates in the bundle; earliest to expire is the ${roleText[c.role]} ${c.subject}`,
    );
  }
  for (const s of evaluation.superseded) {
    evidence.push(
      `ignored ${s.subject} (expires ${isoUtcMinute(s.notAfter)}): superseded by a newer certificate in the same bundle`,
    );
  }
  const text =
    `${roleText[c.role]} ${c.subject} ${describeExpiry(c, now)}` +
    (extra.problem ? `; ${extra.problem}` : '');
  return { severity, text, evidence, certificate: c };
}

/** The finding of a verdict at one place. Each call builds a new object with its own evidence array. */
export function placedFinding(loc: CertificateLocation, v: CertificateVerdict): Finding {
  const { cluster, source, object, label, ...stepCtx } = loc;
  return {
    cluster,
    check: 'certificates',
    severity: v.severity,
    source,
    object,
    summary: `${label}: ${v.text}`,
    ...(v.severity !== 'ok'
      ? { nextStep: nextStepFor({ source, ...stepCtx, isCa: v.certificate.isCa }) }
      : {}),
    ...(v.evidence.length > 0 ? { evidence: [...v.evidence] } : {}),
    fingerprint: fingerprint(cluster, 'certificates', source, object),
    ...(loc.namespace ? { namespace: loc.namespace } : {}),
    certificate: v.certificate,
  };
}

export function certificateFinding(
  loc: CertificateLocation,
  evaluation: BundleEvaluation,
  now: Date,
  extra: { evidence?: string[]; atLeast?: Severity; problem?: string } = {},
): Finding {
  return placedFinding(loc, certificateVerdict(evaluation, now, extra));
}

/**
 * Data that should hold a certificate but cannot be read is a finding, never a silent skip: whatever
 * mounts it (an Ingress, a webhook) is as broken as if the certificate had expired.
 */
export function unreadableFinding(
  loc: CertificateLocation,
  reason: string,
  severity: Severity = 'warning',
): Finding {
  return {
    cluster: loc.cluster,
    check: 'certificates',
    severity,
    source: loc.source,
    object: loc.object,
    summary: `cannot parse ${loc.label}: ${reason}`,
    nextStep: `Inspect the data (metadata only: \`kubectl get -o yaml\` and \`openssl x509 -noout -dates\`) and replace it with a valid PEM certificate.`,
    fingerprint: fingerprint(loc.cluster, 'certificates', loc.source, loc.object),
    ...(loc.namespace ? { namespace: loc.namespace } : {}),
  };
}

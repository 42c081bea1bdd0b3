import type { X509Certificate } from 'node:crypto';
import type { CertificateFacts, CertificateRole } from '../../domain/finding.js';
import { formatName, parseSubjectAltName } from './describe-subject.js';
import {
  daysLeft,
  expiryStateOf,
  notAfterOf,
  notBeforeOf,
  type ExpiryThresholds,
} from './expiry-thresholds.js';

export interface BundleEvaluation {
  /** The certificate that expires first among those that matter, with its role. */
  earliest: CertificateFacts;
  /** Every certificate, in bundle order, with its facts. */
  all: CertificateFacts[];
  /** Certificates ignored because a newer valid one with the same subject is in the same bundle. */
  superseded: CertificateFacts[];
}

/**
 * `chain`: what a server presents or a `tls.crt` holds (leaf first). `ca-bundle`: trust anchors such as
 * `ca.crt`, a webhook `caBundle` or `kube-root-ca.crt`, where every CA is a peer, not a link.
 */
export type BundleKind = 'chain' | 'ca-bundle';

/** Issuer equals subject and the signature verifies with the certificate's own key. */
function isSelfSigned(cert: X509Certificate): boolean {
  if (cert.subject !== cert.issuer) return false;
  try {
    return cert.verify(cert.publicKey);
  } catch {
    // Unsupported key or signature algorithm: same names is the best evidence left.
    return true;
  }
}

function roleOf(cert: X509Certificate, kind: BundleKind): CertificateRole {
  const selfSigned = isSelfSigned(cert);
  if (kind === 'ca-bundle') {
    // Every self-signed entry of a trust bundle is a trust anchor, including old v1 roots that carry
    // no basicConstraints (node reports `ca: false` for them).
    if (selfSigned) return 'ca';
    return cert.ca ? 'intermediate' : 'leaf';
  }
  if (cert.ca) return selfSigned ? 'ca' : 'intermediate';
  // A self-signed serving cert (webhooks, kube-scheduler) is named as such: "replace the self-signed
  // cert" and "renew the leaf from its issuer" are different next steps.
  return selfSigned ? 'self-signed' : 'leaf';
}

export function describeCertificate(
  cert: X509Certificate,
  role: CertificateRole,
  now: Date,
  t: ExpiryThresholds,
  chainLength: number,
): CertificateFacts {
  return {
    subject: formatName(cert.subject),
    issuer: formatName(cert.issuer),
    sans: parseSubjectAltName(cert.subjectAltName),
    serialNumber: cert.serialNumber,
    fingerprint256: cert.fingerprint256,
    notBefore: notBeforeOf(cert).toISOString(),
    notAfter: notAfterOf(cert).toISOString(),
    daysLeft: daysLeft(cert, now),
    role,
    isCa: cert.ca,
    expiry: expiryStateOf(cert, now, t),
    chainLength,
  };
}

/**
 * During a CA rotation the old and the new CA sit side by side in the same bundle until every client
 * trusts the new one; alerting on the old one would page for a rotation that is going fine. The
 * newer certificate only supersedes once it is valid: a future-dated replacement protects nothing yet.
 */
function isSuperseded(cert: X509Certificate, all: X509Certificate[], now: Date): boolean {
  const at = now.getTime();
  return all.some(
    (other) =>
      other !== cert &&
      other.subject === cert.subject &&
      other.ca === cert.ca &&
      notAfterOf(other).getTime() > notAfterOf(cert).getTime() &&
      notBeforeOf(other).getTime() <= at &&
      at < notAfterOf(other).getTime(),
  );
}

// On equal notAfter the leaf is reported: it is the certificate an engineer renews first.
const tieRank: Record<CertificateRole, number> = { leaf: 0, 'self-signed': 1, intermediate: 2, ca: 3 };

export function evaluateBundle(
  certs: X509Certificate[],
  now: Date,
  t: ExpiryThresholds,
  opts: { kind?: BundleKind } = {},
): BundleEvaluation {
  if (certs.length === 0) throw new RangeError('evaluateBundle needs at least one certificate');
  const kind = opts.kind ?? 'chain';
  const all: CertificateFacts[] = [];
  const superseded: CertificateFacts[] = [];
  const current: CertificateFacts[] = [];
  certs.forEach((cert) => {
    const facts = describeCertificate(cert, roleOf(cert, kind), now, t, certs.length);
    all.push(facts);
    (isSuperseded(cert, certs, now) ? superseded : current).push(facts);
  });
  // The cert with the latest notAfter in a subject group is never superseded, so `current` is not empty.
  const earliest = current.reduce((best, c) => {
    const d = Date.parse(c.notAfter) - Date.parse(best.notAfter);
    return d < 0 || (d === 0 && tieRank[c.role] < tieRank[best.role]) ? c : best;
  });
  return { earliest, all, superseded };
}

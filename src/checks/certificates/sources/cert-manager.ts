import type { Finding } from '../../../domain/finding.js';
import { fingerprint } from '../../../domain/fingerprint.js';
import { worstSeverity, type Severity } from '../../../domain/severity.js';
import { agoOrIn } from '../../../time/ago.js';
import { isoUtcMinute } from '../../../time/utc-minute.js';
import type { CheckContext } from '../../check.js';
import { thresholdsFor } from '../certificate-finding.js';
import type { CertManagerCertificate } from '../certificate-reader.js';
import { nextStepFor } from '../next-steps.js';

const DAY = 86_400_000;

/**
 * cert-manager renews at 2/3 of the lifetime; a Certificate that is not Ready, or whose renewal time
 * has passed, is a renewal that is failing while the old certificate still works: the best moment to
 * act.
 */
export function certManagerFinding(ctx: CheckContext, c: CertManagerCertificate): Finding {
  const t = thresholdsFor(ctx.config.certificates, 'cert-manager');
  const now = ctx.now;
  const problems: string[] = [];
  const evidence: string[] = [];
  const levels: Severity[] = ['ok'];

  if (c.notAfter) {
    const left = (Date.parse(c.notAfter) - now.getTime()) / DAY;
    if (left <= 0) levels.push('critical');
    else if (left <= t.criticalDays) levels.push('critical');
    else if (left <= t.warningDays) levels.push('warning');
    evidence.push(
      `status.notAfter ${isoUtcMinute(c.notAfter)} (${left <= 0 ? 'expired ' : ''}${agoOrIn(new Date(c.notAfter), now)})`,
    );
  }
  if (c.ready && c.ready.status !== 'True') {
    levels.push('warning');
    problems.push(`not Ready${c.ready.reason ? ` (${c.ready.reason})` : ''}`);
    if (c.ready.message) evidence.push(`Ready=${c.ready.status}: ${c.ready.message}`);
    if (c.ready.lastTransitionTime)
      evidence.push(`not Ready since ${isoUtcMinute(c.ready.lastTransitionTime)}`);
  }
  if (c.renewalTime && Date.parse(c.renewalTime) < now.getTime()) {
    levels.push('warning');
    problems.push(`renewal was due ${agoOrIn(new Date(c.renewalTime), now)}`);
  }
  if (c.failedIssuanceAttempts && c.failedIssuanceAttempts > 0) {
    levels.push('warning');
    problems.push(`${c.failedIssuanceAttempts} failed issuance attempt(s)`);
    if (c.lastFailureTime) evidence.push(`last failure ${isoUtcMinute(c.lastFailureTime)}`);
  }
  if (c.secretName) evidence.push(`writes Secret ${c.namespace}/${c.secretName}`);

  const severity = worstSeverity(levels);
  const expiry = c.notAfter
    ? `; certificate ${Date.parse(c.notAfter) <= now.getTime() ? 'expired' : 'expires'} ${agoOrIn(new Date(c.notAfter), now)}`
    : '';
  const summary =
    problems.length > 0
      ? `cert-manager Certificate ${c.namespace}/${c.name} failed to renew: ${problems.join(', ')}${expiry}`
      : `cert-manager Certificate ${c.namespace}/${c.name} is Ready${expiry}`;
  return {
    cluster: ctx.cluster.name,
    check: 'certificates',
    severity,
    source: 'cert-manager',
    object: `certificate.cert-manager.io ${c.namespace}/${c.name}`,
    summary,
    ...(severity !== 'ok'
      ? { nextStep: nextStepFor({ source: 'cert-manager', namespace: c.namespace, name: c.name }) }
      : {}),
    ...(evidence.length ? { evidence } : {}),
    fingerprint: fingerprint(
      ctx.cluster.name,
      'certificates',
      'cert-manager',
      `certificate.cert-manager.io ${c.namespace}/${c.name}`,
    ),
    namespace: c.namespace,
    ...(c.notAfter ? { notAfter: new Date(c.notAfter).toISOString() } : {}),
  };
}

import type { CertificateFacts } from '../../domain/finding.js';
import { isoUtcMinute } from '../../time/utc-minute.js';

export interface RotationAssessment {
  evidence: string[];
  /** The kubelet should have replaced this certificate by now. */
  stalled: boolean;
  problem?: string;
}

// The kubelet's certificate manager (client-go) rotates at a random point between 70% and 90% of the
// lifetime; past 90% it has failed, whatever the jitter.
const lastRotationPoint = 0.9;

const dated = /kubelet-(?:client|server)-(\d{4})-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)\.pem$/;

/** What the `*-current.pem` symlink and the certificate's age say about the kubelet's rotation. */
export function assessKubeletRotation(
  file: string,
  links: string[],
  facts: CertificateFacts,
  now: Date,
): RotationAssessment {
  const evidence: string[] = [];
  const last = links.at(-1);
  if (last === undefined) {
    evidence.push(
      `${file} is a regular file, not the rotation symlink to a dated file: rotation is not managing it`,
    );
  } else {
    const target = last.slice(last.indexOf(' -> ') + 4);
    const m = dated.exec(target);
    // The kubelet names the file in the node's local time, so it is shown as written.
    evidence.push(
      m
        ? `rotation symlink points to ${target} (written ${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]} node time)`
        : `rotation symlink points to ${target}`,
    );
  }
  const from = Date.parse(facts.notBefore);
  const to = Date.parse(facts.notAfter);
  const deadline = new Date(from + (to - from) * lastRotationPoint);
  if (now.getTime() < deadline.getTime()) return { evidence, stalled: false };
  return {
    evidence,
    stalled: true,
    problem: `rotation is overdue: past 90% of its lifetime (${isoUtcMinute(deadline.toISOString())}), when the kubelet should have replaced it`,
  };
}

import type { Finding } from '../../domain/finding.js';
import { fingerprint } from '../../domain/fingerprint.js';
import { compactDuration } from '../../time/compact-duration.js';
import { MINUTE_MS } from '../../time/time-units.js';
import { isoUtcMinute } from '../../time/utc-minute.js';
import { wordedDuration } from '../../time/worded-duration.js';
import type { HostNote } from './host-layout.js';
import { hostCertificatesCheckName } from './host-check-name.js';

/** The source of findings about a node's report as a whole (not one of its certificates). */
export const nodeReportSource = 'host-report';

/**
 * One object per node whatever is wrong with its report (stale, unreadable, empty), so the alert
 * follows the node from one state to the next; a good report has no such finding, and an absent
 * finding counts toward resolving (src/alerts/reconcile.ts).
 */
export function nodeReportObject(node: string): string {
  return `node ${node} report`;
}

function reportFinding(
  cluster: string,
  node: string,
  f: Pick<Finding, 'severity' | 'summary'> & { nextStep?: string; evidence?: string[] },
): Finding {
  const object = nodeReportObject(node);
  return {
    cluster,
    check: hostCertificatesCheckName,
    source: nodeReportSource,
    object,
    ...f,
    fingerprint: fingerprint(cluster, hostCertificatesCheckName, nodeReportSource, object),
  };
}

const agentPods =
  'kubectl get pods -A -o wide -l app.kubernetes.io/name=vigil-agent --field-selector spec.nodeName=';

/**
 * How long a node may stay silent: `staleAfterMinutes`, or else two of the intervals it says it
 * reports at plus 15 minutes (one missed report, a pod restart, is not an alert). A report read just
 * now (interval 0: `vigil check --host-root`) is never stale.
 */
export function staleAfterMs(intervalMinutes: number, staleAfterMinutes: number | undefined): number {
  if (staleAfterMinutes !== undefined) return staleAfterMinutes * MINUTE_MS;
  return intervalMinutes > 0 ? (2 * intervalMinutes + 15) * MINUTE_MS : Number.POSITIVE_INFINITY;
}

export function staleReportFinding(
  cluster: string,
  node: string,
  o: { observedAt: string; intervalMinutes: number; now: Date },
): Finding {
  const age = o.now.getTime() - Date.parse(o.observedAt);
  return reportFinding(cluster, node, {
    severity: 'unknown',
    summary:
      `node ${node} has not reported its host certificates since ${isoUtcMinute(o.observedAt)} ` +
      `(${compactDuration(age)} ago; its agent reports every ${wordedDuration(o.intervalMinutes * MINUTE_MS)})`,
    nextStep:
      `Check vigil's agent on node ${node} (\`${agentPods}${node}\`, then \`kubectl logs\` of that pod): is it ` +
      'running, and can it reach Redis? Its certificates are judged from its last report until it reports ' +
      'again; after 7 days of silence the report expires and the node is no longer watched.',
  });
}

export function unreadableReportFinding(cluster: string, node: string, problem: string): Finding {
  return reportFinding(cluster, node, {
    severity: 'unknown',
    summary: `the report of node ${node} cannot be read: ${problem}`,
    nextStep:
      `Run the same vigil version for \`vigil serve\` and the agents (the DaemonSet of the same Helm release); ` +
      `the next report of node ${node} replaces this one.`,
  });
}

/**
 * A node on which no layout found anything is a blind spot, not a clean bill: a DaemonSet without its
 * hostPath mounts, or a distribution vigil does not know, would otherwise look like a healthy node.
 */
export function emptyReportFinding(cluster: string, node: string, notes: readonly HostNote[]): Finding {
  return reportFinding(cluster, node, {
    severity: 'unknown',
    summary: `no certificate file found on node ${node}`,
    nextStep:
      "Check that the node's directories are under the host root (`--host-root`: the directory holding the " +
      "node's /; the agent's DaemonSet: /etc/kubernetes, /var/lib/kubelet/pki and /var/lib/rancher mounted " +
      'under /host), or list the files in hostCertificates.extraPaths.',
    evidence: notes.map((n) => `${n.path}: ${n.message}`),
  });
}

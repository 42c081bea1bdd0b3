import type { Finding, Unobserved } from '../../domain/finding.js';
import { formatKubeadmTable, formatNextSteps } from './format-kubeadm-table.js';
import type { NodeRows } from './host-reports-result.js';
import { nodeReportSource } from './node-report-finding.js';

const byName = <T extends { name: string }>(a: T, b: T): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/**
 * What `vigil check --host-root` prints for one node: kubeadm's two tables exactly as
 * `kubeadm certs check-expiration` prints them (when the node has kubeadm's files), the certificates
 * kubeadm does not list (kubelet, k3s, RKE2, extra paths) in the same columns, vigil's next steps,
 * and what this node's files could not show.
 */
export function formatHostReport(
  node: NodeRows | undefined,
  findings: readonly Finding[],
  unobserved: readonly Unobserved[],
): string {
  const rows = node?.rows ?? [];
  const kubeadm = rows.filter((r) => r.listedByKubeadm);
  const others = rows.filter((r) => !r.listedByKubeadm);
  const parts: string[] = [];
  if (kubeadm.length > 0) parts.push(formatKubeadmTable(kubeadm, { nextSteps: false }));
  if (others.length > 0) {
    parts.push(
      `NOT LISTED BY KUBEADM (kubelet, k3s, RKE2, extra paths)\n${formatKubeadmTable(others, { nextSteps: false, omitEmpty: true })}`,
    );
  }
  const ordered = [
    ...kubeadm.filter((r) => r.role === 'certificate').sort(byName),
    ...kubeadm.filter((r) => r.role === 'ca').sort(byName),
    ...others.filter((r) => r.role === 'certificate').sort(byName),
    ...others.filter((r) => r.role === 'ca').sort(byName),
  ];
  const steps = formatNextSteps(ordered);
  if (steps !== '') parts.push(steps);
  const aboutNode = findings.filter((f) => f.source === nodeReportSource && f.severity !== 'ok');
  if (aboutNode.length > 0) {
    const lines = aboutNode.flatMap((f) => [
      `- ${f.summary} (${f.severity})`,
      ...(f.evidence ?? []).map((e) => `    ${e}`),
      ...(f.nextStep ? [`  next: ${f.nextStep}`] : []),
    ]);
    parts.push(`NODE\n${lines.join('\n')}\n`);
  }
  if (unobserved.length > 0) {
    const lines = unobserved.map((u) => `- ${u.what}: ${u.why}`);
    parts.push(`NOT OBSERVED ON THIS NODE\n${lines.join('\n')}\n`);
  }
  return parts.join('\n');
}

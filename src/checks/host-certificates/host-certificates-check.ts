import type { Check, CheckResult } from '../check.js';
import { certificateTable } from '../certificates/certificate-table.js';
import { agentReportReader, noHostReports } from './agent-report-reader.js';
import { hostCertificatesCheckName } from './host-check-name.js';
import type { HostReportReader } from './host-report-reader.js';

/**
 * The certificates only the nodes hold (kubeadm's client certificates and kubeconfigs, etcd's peer
 * certificate, the kubelet's rotation, k3s and RKE2), as `kubeadm certs check-expiration` lists them.
 * `vigil agent` on each node reads them and writes its report to Redis; this check judges every
 * node's latest report against now and the `certificates:` thresholds. It makes no API call.
 */
export const hostCertificatesCheck: Check<typeof hostCertificatesCheckName, HostReportReader> = {
  name: hostCertificatesCheckName,
  label: { one: 'host certificate', many: 'host certificates' },
  // It only reads Redis, so hourly costs nothing, and the agents report at the same pace: a node that
  // stops reporting is noticed within hours, not a day.
  schedule: { pattern: '0 * * * *', meaning: 'every hour' },
  command: {
    words: ['host-certs', 'hostcerts', 'host-certificates', 'host-certificate'],
    short: 'host-certs',
    usage: 'host-certs [cluster]',
    description: "certificates on the nodes' disks (kubeadm, kubelet, k3s, RKE2), from the node agents",
    flags: [],
    allClear: 'All host certificates ok',
    // No `menu`: the Teams menu is full (CONTRIBUTING.md "Recipe: add a check", step 5); typed, the
    // command works, and `/k8s certs` lists these certificates too.
  },
  table: certificateTable,
  reader: ({ cluster, nodeReports }) =>
    nodeReports ? agentReportReader(nodeReports, cluster.name) : noHostReports,
  readsApi: false,
  unobserved: () => [],
  async run(ctx): Promise<CheckResult> {
    // Imported on first run: it validates agents' reports with zod, which the registry (loaded by
    // `vigil --help`, the config and the chat commands) does not otherwise need.
    const { hostReportsResult } = await import('./host-reports-result.js');
    const { findings, unobserved } = hostReportsResult({
      cluster: ctx.cluster.name,
      mode: ctx.reader.mode,
      reports: await ctx.reader.reports(),
      now: ctx.now,
      thresholds: ctx.config.certificates,
      ...(ctx.config.hostCertificates.staleAfterMinutes !== undefined
        ? { staleAfterMinutes: ctx.config.hostCertificates.staleAfterMinutes }
        : {}),
    });
    return { findings, unobserved };
  },
};

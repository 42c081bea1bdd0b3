import type { HostCertificateRow } from './host-certificate-row.js';
import { tabwrite } from './tabwriter.js';

export interface KubeadmTableOptions {
  /** Append vigil's NEXT STEPS for every row that needs action (default true). */
  nextSteps?: boolean;
  /** Leave out a table (certificates or CAs) without rows; kubeadm itself always prints both. */
  omitEmpty?: boolean;
}

const byName = (a: HostCertificateRow, b: HostCertificateRow): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
const yesNo = (b: boolean): string => (b ? 'yes' : 'no').padEnd(8); // kubeadm prints it with %-8v

function marker(row: HostCertificateRow): string | undefined {
  switch (row.status) {
    case 'ok':
      return undefined;
    case 'missing':
      return `!MISSING! ${row.name}`;
    case 'unreadable':
      return `!UNREADABLE! ${row.name}`;
    case 'no-client-certificate':
      return `!NO CLIENT CERTIFICATE! ${row.name}`;
  }
}

/**
 * The two tables of `kubeadm certs check-expiration`, byte for byte for the rows kubeadm itself lists:
 * certificates then CAs, each sorted by name, aligned by Go's tabwriter (min width 10, padding 3),
 * `!MISSING! name` for an expected file that is absent. Rows kubeadm does not know (kubelet, k3s,
 * RKE2, extra paths) use the same columns; `!UNREADABLE!` marks a file vigil could not read. Pass
 * `rows.filter((r) => r.listedByKubeadm)` for kubeadm's exact table.
 */
export function formatKubeadmTable(
  rows: readonly HostCertificateRow[],
  opts: KubeadmTableOptions = {},
): string {
  const certs = rows.filter((r) => r.role === 'certificate').sort(byName);
  const cas = rows.filter((r) => r.role === 'ca').sort(byName);
  const lines: string[] = [];
  if (certs.length > 0 || !opts.omitEmpty) {
    lines.push('CERTIFICATE\tEXPIRES\tRESIDUAL TIME\tCERTIFICATE AUTHORITY\tEXTERNALLY MANAGED');
    for (const r of certs) {
      const m = marker(r);
      lines.push(
        m !== undefined
          ? `${m}\t\t\t\t`
          : `${r.name}\t${r.expires}\t${r.residualTime}\t${r.certificateAuthority}\t${yesNo(r.externallyManaged)}`,
      );
    }
  }
  if (cas.length > 0 || !opts.omitEmpty) {
    if (lines.length > 0) lines.push('');
    lines.push('CERTIFICATE AUTHORITY\tEXPIRES\tRESIDUAL TIME\tEXTERNALLY MANAGED');
    for (const r of cas) {
      const m = marker(r);
      lines.push(
        m !== undefined
          ? `${m}\t\t\t`
          : `${r.name}\t${r.expires}\t${r.residualTime}\t${yesNo(r.externallyManaged)}`,
      );
    }
  }
  const table = lines.length > 0 ? tabwrite(`${lines.join('\n')}\n`, { minWidth: 10, padding: 3 }) : '';
  if (opts.nextSteps === false) return table;
  const steps = formatNextSteps([...certs, ...cas]);
  return steps === '' ? table : `${table}\n${steps}`;
}

/**
 * vigil's NEXT STEPS under the table: one line per row that needs action, in the order given
 * (a kubeconfig reported on another row's certificate is left out, as in hostCertificateFindings).
 */
export function formatNextSteps(rows: readonly HostCertificateRow[]): string {
  const steps = rows.filter((r) => r.severity !== 'ok' && r.nextStep && !r.sameCertificateAs);
  if (steps.length === 0) return '';
  const items = steps.map(
    (r) => `- ${r.name} (${r.severity}): ${r.problem ? `${r.problem}. ` : ''}${r.nextStep}`,
  );
  return `NEXT STEPS\n${items.join('\n')}\n`;
}

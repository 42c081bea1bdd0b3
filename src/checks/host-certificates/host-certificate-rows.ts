import type { X509Certificate } from 'node:crypto';
import type { CertificateFacts } from '../../domain/finding.js';
import { compareSeverity, type Severity } from '../../domain/severity.js';
import { describeExpiry } from '../certificates/certificate-finding.js';
import { isoUtcMinute } from '../../time/utc-minute.js';
import { evaluateBundle, type BundleEvaluation } from '../certificates/evaluate-bundle.js';
import {
  defaultThresholds,
  severityOfExpiry,
  type ExpiryThresholds,
} from '../certificates/expiry-thresholds.js';
import { parseCertificates } from '../certificates/parse-certificates.js';
import type { HostCertificateRow } from './host-certificate-row.js';
import type { EntryRole, LayoutEntry, LayoutId } from './host-layout.js';
import { hostNextStep } from './host-next-steps.js';
import type { HostObservation, ObservedEntry } from './host-observation.js';
import { formatKubeadmExpires, formatResidualTime } from './kubeadm-time.js';
import { assessKubeletRotation } from './kubelet-rotation.js';

interface Parsed {
  observed: ObservedEntry;
  role: EntryRole;
  read?: { evaluation: BundleEvaluation; shown: CertificateFacts; x509: X509Certificate };
  /** The stored PEM did not parse (a corrupted agent report). */
  corrupt?: string;
}

interface KnownCa {
  name: string;
  layout: LayoutId;
  x509: X509Certificate;
  external: boolean;
  keyPath?: string;
}

const layoutLabel: Record<LayoutId, string> = {
  kubeadm: 'kubeadm',
  k3s: 'k3s',
  rke2: 'RKE2',
  kubelet: 'kubelet',
  extra: '',
};

function label(entry: LayoutEntry, node: string): string {
  return entry.layout === 'extra'
    ? `${entry.path} on node ${node}`
    : `${layoutLabel[entry.layout]} ${entry.name} on node ${node} (${entry.path})`;
}

function roleOf(entry: LayoutEntry, first: X509Certificate | undefined): EntryRole {
  if (entry.role !== 'auto') return entry.role;
  if (first) return first.ca ? 'ca' : 'certificate';
  return entry.name.endsWith('-ca') ? 'ca' : 'certificate';
}

function parse(observed: ObservedEntry, now: Date, t: ExpiryThresholds): Parsed {
  const { outcome, entry } = observed;
  if (outcome.status !== 'ok') return { observed, role: roleOf(entry, undefined) };
  let certs: X509Certificate[];
  try {
    certs = parseCertificates(Buffer.from(outcome.pem, 'latin1')).certificates;
  } catch {
    return { observed, role: roleOf(entry, undefined), corrupt: 'the stored certificate cannot be parsed' };
  }
  const role = roleOf(entry, certs[0]);
  const evaluation = evaluateBundle(certs, now, t, { kind: role === 'ca' ? 'ca-bundle' : 'chain' });
  // A layout's leaf file is judged by its leaf, as kubeadm does: the CA in the same file has a row of
  // its own. A CA bundle (rotation) and an arbitrary extra file are judged by what expires first.
  const index = role === 'ca' || entry.layout === 'extra' ? evaluation.all.indexOf(evaluation.earliest) : 0;
  const shown = evaluation.all[index] ?? evaluation.earliest;
  const x509 = certs[index] ?? (certs[0] as X509Certificate);
  return { observed, role, read: { evaluation, shown, x509 } };
}

function signedBy(cert: X509Certificate, ca: X509Certificate): boolean {
  if (cert.issuer !== ca.subject) return false;
  try {
    return cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}

function issuerName(facts: CertificateFacts): string {
  if (facts.role === 'self-signed' || facts.issuer === facts.subject) return 'self-signed';
  return /CN=([^,]+)/.exec(facts.issuer)?.[1] ?? facts.issuer;
}

const atLeast = (s: Severity, floor: Severity): Severity => (compareSeverity(floor, s) > 0 ? floor : s);

/**
 * Rows for one node's observation, judged at `now`: kubeadm's columns (expiry, residual time, CA,
 * externally managed) plus severity, summary, evidence and next step. CAs use the CA thresholds.
 */
export function hostCertificateRows(
  observation: HostObservation,
  now: Date,
  thresholds: ExpiryThresholds = defaultThresholds,
): HostCertificateRow[] {
  const node = observation.node;
  const parsed = observation.entries.map((o) => parse(o, now, thresholds));
  const cas: KnownCa[] = parsed.flatMap((p) =>
    p.role === 'ca' && p.read
      ? [
          {
            name: p.observed.entry.name,
            layout: p.observed.entry.layout,
            x509: p.read.x509,
            external: p.observed.keyPresent === false,
            ...(p.observed.entry.keyPath ? { keyPath: p.observed.entry.keyPath } : {}),
          },
        ]
      : [],
  );
  const caOf = (entry: LayoutEntry, x509: X509Certificate): KnownCa | undefined => {
    if (entry.caName !== undefined)
      return cas.find((c) => c.layout === entry.layout && c.name === entry.caName);
    const matching = cas.filter((c) => signedBy(x509, c.x509));
    return matching.find((c) => c.layout === entry.layout) ?? matching[0];
  };

  const rows = parsed.map((p): HostCertificateRow => {
    const { entry, outcome } = p.observed;
    const base = {
      node,
      layout: entry.layout,
      source: `host-${entry.layout}` as const,
      name: entry.name,
      path: entry.path,
      role: p.role,
      listedByKubeadm: entry.listedByKubeadm,
      ...(entry.covers ? { covers: entry.covers } : {}),
      expires: '',
      residualTime: '',
      certificateAuthority: '',
      externallyManaged: p.role === 'ca' && p.observed.keyPresent === false,
      evidence: [] as string[],
    };
    const what = label(entry, node);
    const step = {
      layout: entry.layout,
      name: entry.name,
      path: entry.path,
      node,
      role: p.role,
      ...(entry.rotation ? { rotation: entry.rotation } : {}),
    };
    if (outcome.status === 'missing') {
      return {
        ...base,
        status: 'missing',
        severity: 'ok',
        summary: `${what} is missing`,
        evidence: outcome.links.map((l) => `symlink ${l}`),
      };
    }
    if (outcome.status === 'no-client-certificate') {
      return {
        ...base,
        status: 'no-client-certificate',
        severity: 'ok',
        summary: `${what}: ${outcome.reason}`,
      };
    }
    if (outcome.status === 'unreadable' || p.corrupt !== undefined || !p.read) {
      const reason = outcome.status === 'unreadable' ? outcome.reason : (p.corrupt ?? 'cannot be read');
      const access = outcome.status === 'unreadable' && outcome.access;
      return {
        ...base,
        status: 'unreadable',
        // Not being allowed to look says nothing about the certificate; a broken file is a real fault.
        severity: access ? 'unknown' : 'warning',
        summary: `cannot read ${what}: ${reason}`,
        problem: reason,
        nextStep: hostNextStep({ ...step, unreadable: { access }, externallyManaged: false }),
        evidence: outcome.status === 'unreadable' ? outcome.links.map((l) => `symlink ${l}`) : [],
      };
    }
    const { shown, x509, evaluation } = p.read;
    const evidence: string[] = [];
    const ca = p.role === 'certificate' ? caOf(entry, x509) : undefined;
    const externallyManaged = p.role === 'ca' ? p.observed.keyPresent === false : (ca?.external ?? false);
    if (outcome.readFrom !== entry.path) evidence.push(`read from ${outcome.readFrom}`);
    for (const l of outcome.links) evidence.push(`symlink ${l}`);
    if (outcome.kubeconfig) {
      evidence.push(
        outcome.kubeconfig.embedded
          ? `client-certificate-data of user "${outcome.kubeconfig.user}"`
          : `client-certificate of user "${outcome.kubeconfig.user}" is ${outcome.readFrom}`,
      );
    }
    if (p.role === 'ca' && externallyManaged) {
      evidence.push(`externally managed: the CA key ${entry.keyPath ?? ''} is not on this node`);
    } else if (externallyManaged && ca) {
      evidence.push(
        `externally managed: its CA ${ca.name} has no key on this node (${ca.keyPath ?? 'key'} is absent)`,
      );
    }
    if (outcome.privateKeyInFile) evidence.push('the file also holds a private key, which vigil skipped');
    for (const s of evaluation.superseded) {
      evidence.push(
        `ignored ${s.subject} (expires ${isoUtcMinute(s.notAfter)}): superseded by a newer certificate in the same file`,
      );
    }
    let severity = severityOfExpiry(shown.expiry);
    let problem: string | undefined;
    if (entry.rotation) {
      const file = entry.path.slice(entry.path.lastIndexOf('/') + 1);
      const rotation = assessKubeletRotation(file, outcome.links, shown, now);
      evidence.push(...rotation.evidence);
      if (rotation.stalled) {
        severity = atLeast(severity, 'warning');
        problem = rotation.problem;
      }
    }
    const summary =
      `${what}: ${p.role === 'ca' ? 'CA' : 'certificate'} ${shown.subject} ${describeExpiry(shown, now)}` +
      (problem ? `; ${problem}` : '');
    return {
      ...base,
      status: 'ok',
      expires: formatKubeadmExpires(new Date(shown.notAfter)),
      residualTime: formatResidualTime(Date.parse(shown.notAfter) - now.getTime()),
      certificateAuthority: p.role === 'ca' ? '' : (entry.caName ?? ca?.name ?? issuerName(shown)),
      externallyManaged,
      severity,
      summary,
      ...(problem ? { problem } : {}),
      ...(severity !== 'ok'
        ? {
            nextStep: hostNextStep({
              ...step,
              externallyManaged,
              ...(entry.caName ? { caName: entry.caName } : ca ? { caName: ca.name } : {}),
              ...(ca?.keyPath ? { caKeyPath: ca.keyPath } : {}),
              ...(outcome.kubeconfig && !outcome.kubeconfig.embedded ? { referencesFile: true } : {}),
            }),
          }
        : {}),
      evidence,
      certificate: shown,
      ...(outcome.readFrom !== entry.path ? { readFrom: outcome.readFrom } : {}),
    };
  });

  // kubelet.conf usually names kubelet-client-current.pem: one certificate (or one broken file),
  // reported once, on the kubelet's row, which knows about rotation.
  const fileRows = new Map<string, HostCertificateRow>();
  rows.forEach((row, i) => {
    const outcome = parsed[i]?.observed.outcome;
    if (outcome?.status === 'missing' || outcome?.status === 'no-client-certificate') return;
    if (outcome?.status === 'ok' && outcome.kubeconfig) return;
    if (parsed[i]?.observed.entry.format === 'kubeconfig') return;
    fileRows.set(row.path, row);
    if (outcome?.status === 'ok') fileRows.set(outcome.readFrom, row);
  });
  rows.forEach((row, i) => {
    const outcome = parsed[i]?.observed.outcome;
    let named: string | undefined;
    let readFrom: string | undefined;
    if (outcome?.status === 'ok') {
      named = outcome.kubeconfig?.references;
      readFrom = outcome.readFrom;
    } else if (outcome?.status === 'unreadable') {
      named = outcome.references;
    }
    if (named === undefined) return;
    const owner = fileRows.get(named) ?? (readFrom !== undefined ? fileRows.get(readFrom) : undefined);
    if (!owner || owner === row) return;
    row.sameCertificateAs = owner.path;
    owner.evidence.push(`also the client certificate of ${row.path}`);
  });
  return rows;
}

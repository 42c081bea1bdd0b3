import type { Finding } from '../domain/finding.js';
import { fingerprint } from '../domain/fingerprint.js';
import { VigilError } from '../domain/vigil-error.js';
import { isoUtcMinute } from '../time/utc-minute.js';
import { evaluateBundle } from './certificates/evaluate-bundle.js';
import { defaultThresholds } from './certificates/expiry-thresholds.js';
import { describeExpiry } from './certificates/certificate-finding.js';
import type { ClusterTarget, ProbeTls } from './check.js';
import { hostPort } from './certificates/sources/handshake-finding.js';

export interface AccessResult {
  reachable: boolean;
  finding?: Finding;
}

const tlsCodeText: Record<string, string> = {
  CERT_HAS_EXPIRED: 'expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'is self-signed and not in the kubeconfig CA',
  SELF_SIGNED_CERT_IN_CHAIN: 'chains to a CA the kubeconfig does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'is signed by a CA the kubeconfig does not trust',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'is signed by a CA the kubeconfig does not trust',
  CERT_NOT_YET_VALID: 'is not valid yet (check the clocks)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'does not name this host',
};

/**
 * Proves the API answers with our credentials. When it does not because of TLS, the same endpoint is
 * re-probed without verification so the message names the certificate: in the incident behind vigil
 * the team spent most of the outage finding which certificate had expired.
 */
export async function checkClusterAccess(
  target: ClusterTarget,
  deps: { probeTls: ProbeTls; now: Date; timeoutMs: number },
): Promise<AccessResult> {
  try {
    await target.ping();
    return { reachable: true };
  } catch (err) {
    const e = err instanceof VigilError ? err : new VigilError('kube-unknown', String(err));
    const tlsCode = (e as VigilError & { tlsCode?: string }).tlsCode;
    const object = `cluster ${target.name} API ${target.server.url}`;
    const base = {
      cluster: target.name,
      check: 'cluster' as const,
      source: 'cluster-access',
      object,
      fingerprint: fingerprint(target.name, 'cluster', 'cluster-access', target.name),
    };
    if (e.code === 'kube-tls') {
      const detail = await describeServerCertificate(target, deps, tlsCode);
      return {
        reachable: false,
        finding: {
          ...base,
          severity: 'critical',
          summary: `cluster ${target.name} unreachable: ${detail.summary}`,
          nextStep:
            tlsCode === 'CERT_HAS_EXPIRED'
              ? 'Renew the API server certificate now (kubeadm: `kubeadm certs renew apiserver` on each control-plane node, then restart kube-apiserver); every client of this cluster is failing.'
              : 'Make the kubeconfig trust the CA that signs the API server certificate (certificate-authority-data), or fix the server certificate; clients verifying TLS cannot connect.',
          evidence: [e.userMessage, ...detail.evidence],
        },
      };
    }
    return {
      reachable: false,
      finding: {
        ...base,
        severity: 'unknown',
        summary: `cluster ${target.name} unreachable: ${e.userMessage}`,
        nextStep: nextStepFor(e.code),
        evidence: [`error code ${e.code}`],
      },
    };
  }
}

async function describeServerCertificate(
  target: ClusterTarget,
  deps: { probeTls: ProbeTls; now: Date; timeoutMs: number },
  tlsCode: string | undefined,
): Promise<{ summary: string; evidence: string[] }> {
  const { host, port, servername } = target.server;
  const endpoint = hostPort(host, port);
  try {
    const r = await deps.probeTls({
      host,
      port,
      ...(servername ? { servername } : {}),
      ...(target.caPem ? { caPem: target.caPem } : {}),
      timeoutMs: deps.timeoutMs,
    });
    const leaf = r.chain[0];
    if (!leaf) return { summary: `TLS failed (${tlsCode ?? 'unknown'}) on ${endpoint}`, evidence: [] };
    const facts = evaluateBundle([leaf], deps.now, defaultThresholds, { kind: 'chain' }).earliest;
    const what = tlsCode
      ? (tlsCodeText[tlsCode] ?? `failed verification (${tlsCode})`)
      : 'failed verification';
    const summary =
      tlsCode === 'CERT_HAS_EXPIRED'
        ? `API server certificate ${facts.subject} on ${endpoint} ${describeExpiry(facts, deps.now)}`
        : `API server certificate ${facts.subject} on ${endpoint} ${what} (${describeExpiry(facts, deps.now)})`;
    return {
      summary,
      evidence: [
        `subject ${facts.subject}, issuer ${facts.issuer}`,
        `SANs: ${facts.sans.join(', ') || '(none)'}`,
        `valid ${isoUtcMinute(facts.notBefore)} to ${isoUtcMinute(facts.notAfter)}`,
        `sha256 ${facts.fingerprint256}`,
      ],
    };
  } catch (err) {
    return {
      summary: `TLS failed (${tlsCode ?? 'unknown'}) on ${endpoint} and the certificate could not be re-read: ${err instanceof VigilError ? err.userMessage : String(err)}`,
      evidence: [],
    };
  }
}

function nextStepFor(code: string): string {
  switch (code) {
    case 'kube-dns':
      return 'Check the server name in the kubeconfig and DNS from where vigil runs.';
    case 'kube-refused':
      return 'Nothing listens on the API address: check that kube-apiserver is running and the address/port in the kubeconfig.';
    case 'kube-timeout':
      return 'The API did not answer in time: check the network path (VPN, firewall, load balancer) and kube-apiserver health.';
    case 'kube-unauthorized':
      return "vigil's credentials were rejected: refresh the token or client certificate in its kubeconfig (or the ServiceAccount token in-cluster).";
    case 'kube-forbidden':
      return 'Grant vigil read access with the ClusterRole in deploy/ (get/list only).';
    case 'kubeconfig-invalid':
      return 'Fix the kubeconfig named above or the cluster entry in vigil.yaml.';
    case 'kube-credential-plugin':
      return "The kubeconfig's credential plugin failed, not the API server: run it by hand as the user vigil runs as, then fix its login or users[].user.exec in the kubeconfig.";
    default:
      return 'Check kube-apiserver health and the kubeconfig; vigil will retry on the next run.';
  }
}

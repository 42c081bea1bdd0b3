import type { CertificateSource } from './certificates-config.js';
import type { Finding, FindingEntry, Unobserved } from '../../domain/finding.js';
import { fingerprint } from '../../domain/fingerprint.js';
import { VigilError } from '../../domain/vigil-error.js';
import type { Check, CheckContext, CheckResult } from '../check.js';
import type { CertificateReader } from './certificate-reader.js';
import { certificateTable } from './certificate-table.js';
import { caBundleFindings, caBundleKinds } from './sources/ca-bundles.js';
import { certManagerFinding } from './sources/cert-manager.js';
import { clusterCaFindings } from './sources/cluster-cas.js';
import {
  apiServerEndpointFindings,
  apiServerFinding,
  kubeletFindings,
  tlsEndpointFindings,
} from './sources/endpoints.js';
import { kubeconfigClientCertFinding } from './sources/kubeconfig-client-cert.js';
import { tlsSecretFindings } from './sources/tls-secrets.js';
import { sameCertificateIncidents } from './same-certificate.js';
import { unobservedCertificates } from './unobserved-certificates.js';
import { secretAccessOf } from '../secret-access.js';

interface SourceRun {
  source: CertificateSource;
  /** What was being read, for the message when it fails ("list TLS Secrets"). */
  what: string;
  /** The next step when the read is refused (403); default: grant it with the ClusterRole. */
  forbiddenStep?: string;
  run: () => Promise<{ findings: FindingEntry[]; unobserved?: Unobserved[] }>;
}

/**
 * A source that cannot be read (403, timeout) becomes one `unknown` finding plus an unobserved line:
 * the other sources still report, and the gap is visible instead of silent.
 */
async function runSource(ctx: CheckContext<CertificateReader>, s: SourceRun): Promise<CheckResult> {
  try {
    const r = await s.run();
    return { findings: r.findings, unobserved: r.unobserved ?? [] };
  } catch (err) {
    return sourceFailure(ctx, s, err);
  }
}

function sourceFailure(ctx: CheckContext, s: Omit<SourceRun, 'run'>, err: unknown): CheckResult {
  const message = err instanceof VigilError ? err.userMessage : String(err);
  const object = `source ${s.source}: ${s.what}`;
  return {
    findings: [
      {
        cluster: ctx.cluster.name,
        check: 'certificates',
        severity: 'unknown',
        source: s.source,
        object,
        summary: `cannot ${s.what}: ${message}`,
        nextStep:
          err instanceof VigilError && err.code === 'kube-forbidden'
            ? (s.forbiddenStep ??
              'Grant vigil read access with the ClusterRole in deploy/ (get/list only), or accept the gap.')
            : 'Check connectivity and permissions; this source is not watched until it can be read.',
        fingerprint: fingerprint(ctx.cluster.name, 'certificates', s.source, object),
      },
    ],
    unobserved: [{ what: s.what, why: message, howToObserve: 'fix the error above' }],
  };
}

/**
 * TLS Secrets as far as this cluster's Secret access reaches (secret-access.ts): across all
 * namespaces, namespace by namespace, or not at all. Only what may be read is asked for, so a
 * narrower mode is a "not observed" line (unobserved-certificates.ts), never a 403.
 */
function tlsSecretSources(ctx: CheckContext<CertificateReader>): SourceRun[] {
  const access = secretAccessOf(ctx.cluster);
  if (access.mode === 'none') return [];
  if (access.mode === 'all') {
    return [
      {
        source: 'tls-secret',
        what: 'list TLS Secrets',
        run: async () => ({ findings: await tlsSecretFindings(ctx) }),
      },
    ];
  }
  const fix =
    access.setBy === 'env'
      ? "the chart's rbac.mode namespaced creates that Role for each of rbac.namespaces"
      : `or remove the namespace from clusters[].secrets.namespaces of ${ctx.cluster.name}`;
  return [
    {
      source: 'tls-secret',
      what: `list TLS Secrets in ${access.namespaces.join(', ')}`,
      // One namespace after the other, as a single walk across namespaces would page: one page in
      // memory at a time. A namespace that cannot be read does not hide the others.
      run: async () => {
        const out: CheckResult = { findings: [], unobserved: [] };
        for (const namespace of access.namespaces) {
          try {
            for (const f of await tlsSecretFindings(ctx, namespace)) out.findings.push(f);
          } catch (err) {
            const failed = sourceFailure(
              ctx,
              {
                source: 'tls-secret',
                what: `list TLS Secrets in namespace ${namespace}`,
                forbiddenStep: `Grant vigil list on secrets in namespace ${namespace} with a Role bound to its ServiceAccount (${fix}).`,
              },
              err,
            );
            out.findings.push(...failed.findings);
            out.unobserved.push(...failed.unobserved);
          }
        }
        return out;
      },
    },
  ];
}

export const certificateCheck: Check<'certificates', CertificateReader> = {
  name: 'certificates',
  label: { one: 'certificate', many: 'certificates' },
  // Certificates change over days: 6 h is plenty, and listing every TLS Secret of a big cluster is
  // not free.
  schedule: { pattern: '0 */6 * * *', meaning: 'every 6 hours' },
  command: {
    words: ['certs', 'cert', 'certificates', 'certificate'],
    short: 'certs',
    usage: 'certs [cluster] [--expiring DAYS] [--chart]',
    description:
      'certificates that need attention, soonest first (--expiring: all expiring within DAYS days; --chart: a 90-day timeline picture, CA and leaf, thresholds drawn)',
    flags: ['expiring', 'chart'],
    menu: 'Certificates that need attention, soonest expiry first. Replace prod with your cluster, or leave it out for all.',
  },
  table: certificateTable,
  // Imported on first use: the registry loads without src/kube (check.ts ReaderFactory).
  reader: async ({ target }) =>
    new (await import('../../kube/kube-certificate-reader.js')).KubeCertificateReader(target.kube),
  unobserved: unobservedCertificates,
  incidents: sameCertificateIncidents,
  async run(ctx): Promise<CheckResult> {
    const sources: SourceRun[] = [
      {
        source: 'apiserver',
        what: 'handshake with the API server',
        run: async () => ({ findings: [await apiServerFinding(ctx)] }),
      },
      {
        source: 'tls-endpoint',
        what: 'handshake with tlsEndpoints',
        run: async () => ({ findings: await tlsEndpointFindings(ctx) }),
      },
      {
        source: 'kubeconfig-client-cert',
        what: 'read the kubeconfig client certificate',
        run: async () => ({
          findings: [kubeconfigClientCertFinding(ctx)].filter((f): f is Finding => f !== undefined),
        }),
      },
    ];
    if (ctx.apiReachable) {
      sources.push(
        ...tlsSecretSources(ctx),
        { source: 'cluster-ca', what: 'read the cluster CA ConfigMaps', run: () => clusterCaFindings(ctx) },
        {
          source: 'apiserver-endpoint',
          what: 'list the default/kubernetes endpoints',
          run: async () => ({ findings: await apiServerEndpointFindings(ctx) }),
        },
        {
          source: 'kubelet',
          what: 'list nodes for kubelet endpoints',
          run: async () => ({ findings: await kubeletFindings(ctx) }),
        },
        ...caBundleKinds.map((kind): SourceRun => ({
          source:
            kind === 'apiservice'
              ? 'apiservice-ca-bundle'
              : kind === 'crd-conversion'
                ? 'crd-conversion-ca-bundle'
                : 'webhook-ca-bundle',
          what: `list ${kind} caBundles`,
          run: async () => ({ findings: await caBundleFindings(ctx, kind) }),
        })),
        {
          source: 'cert-manager',
          what: 'list cert-manager Certificates',
          run: async () => {
            const certs = await ctx.reader.certManagerCertificates();
            return { findings: (certs ?? []).map((c) => certManagerFinding(ctx, c)) };
          },
        },
      );
    }
    const results = await Promise.all(sources.map((s) => runSource(ctx, s)));
    return { findings: results.flatMap((r) => r.findings), unobserved: results.flatMap((r) => r.unobserved) };
  },
};

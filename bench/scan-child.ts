/**
 * In-process timing of vigil's TLS Secret walk alone, run as a child of bench/secrets-scan.ts:
 *
 *   node --import tsx bench/scan-child.ts CONFIG.yaml
 *
 * Loads the config and the cluster connection the way `vigil check` does, pings the API (so the TLS
 * connection is warm, as it is in vigil where the access check runs first), then times
 * `tlsSecretFindings` only: paginated list with the server-side type selector, certificate parsing,
 * findings. The reader is wrapped to sample RSS and heap after every page, which shows whether memory
 * grows with the number of Secrets or stays at one page's worth. Prints one JSON line on stdout.
 */
import { loadConfig } from '../src/config/load-config.js';
import { tlsSecretFindings } from '../src/checks/certificates/sources/tls-secrets.js';
import type { CheckContext } from '../src/checks/check.js';
import type { CertificateReader, TlsSecret } from '../src/checks/certificates/certificate-reader.js';
import { KubeCertificateReader } from '../src/kube/kube-certificate-reader.js';
import { loadClusterConnection } from '../src/kube/load-cluster-connection.js';

export interface ScanChildReport {
  scanMs: number;
  secrets: number;
  pages: number;
  findings: number;
  findingsBySeverity: Record<string, number>;
  /** process.resourceUsage().maxRSS at the end, KiB: the child's peak resident set. */
  maxRssKb: number;
  rssBeforeMb: number;
  /** Largest RSS / heapUsed sampled after a page (MB). */
  rssPeakPagesMb: number;
  heapPeakPagesMb: number;
  /** Largest V8 heap committed (heapTotal) sampled after a page (MB): used plus not yet collected. */
  heapTotalPeakPagesMb: number;
  /** Largest `external` (Buffers and other memory V8 does not own) sampled after a page (MB). */
  externalPeakPagesMb: number;
  /** Heap in use after the walk, after a full GC when run with --expose-gc (what the findings cost). */
  heapAfterMb: number;
  heapBeforeMb: number;
  /** `external` and heapTotal before the walk (MB), to read the page peaks against. */
  externalBeforeMb: number;
  heapTotalBeforeMb: number;
  /** RSS sampled after the first and after the last page (MB). */
  rssFirstPageMb: number;
  rssLastPageMb: number;
}

const MB = 1024 * 1024;

async function main(configPath: string): Promise<ScanChildReport> {
  const config = loadConfig(configPath);
  const cluster = config.clusters[0];
  if (!cluster) throw new Error(`${configPath} lists no cluster`);
  const target = loadClusterConnection({
    ...cluster,
    requestTimeoutMs: cluster.requestTimeoutSeconds * 1000,
  });
  await target.ping();

  let pages = 0;
  let secrets = 0;
  const rssAfterPage: number[] = [];
  let heapPeak = 0;
  let externalPeak = 0;
  let heapTotalPeak = 0;
  const inner = new KubeCertificateReader(target.kube);
  const reader: CertificateReader = Object.assign(Object.create(inner) as CertificateReader, {
    async *tlsSecretPages(pageSize: number): AsyncIterable<TlsSecret[]> {
      for await (const page of inner.tlsSecretPages(pageSize)) {
        pages++;
        secrets += page.length;
        yield page;
        // Sampled after the page was turned into findings, before the next one is fetched.
        const m = process.memoryUsage();
        rssAfterPage.push(m.rss);
        heapPeak = Math.max(heapPeak, m.heapUsed);
        externalPeak = Math.max(externalPeak, m.external);
        heapTotalPeak = Math.max(heapTotalPeak, m.heapTotal);
      }
    },
  });
  const ctx: CheckContext<CertificateReader> = {
    cluster,
    config,
    target,
    reader,
    apiReachable: true,
    now: new Date(),
    probeTls: () => Promise.reject(new Error('scan-child does no handshakes')),
  };

  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const findings = await tlsSecretFindings(ctx);
  const scanMs = performance.now() - t0;
  gc?.();
  const heapAfter = process.memoryUsage().heapUsed;

  const findingsBySeverity: Record<string, number> = {};
  for (const f of findings) findingsBySeverity[f.severity] = (findingsBySeverity[f.severity] ?? 0) + 1;
  return {
    scanMs,
    secrets,
    pages,
    findings: findings.length,
    findingsBySeverity,
    maxRssKb: process.resourceUsage().maxRSS,
    rssBeforeMb: before.rss / MB,
    heapBeforeMb: before.heapUsed / MB,
    externalBeforeMb: before.external / MB,
    heapTotalBeforeMb: before.heapTotal / MB,
    heapAfterMb: heapAfter / MB,
    externalPeakPagesMb: externalPeak / MB,
    heapTotalPeakPagesMb: heapTotalPeak / MB,
    rssPeakPagesMb: Math.max(0, ...rssAfterPage) / MB,
    heapPeakPagesMb: heapPeak / MB,
    rssFirstPageMb: (rssAfterPage[0] ?? 0) / MB,
    rssLastPageMb: (rssAfterPage.at(-1) ?? 0) / MB,
  };
}

const configPath = process.argv[2];
if (!configPath) {
  process.stderr.write('usage: node --import tsx bench/scan-child.ts CONFIG.yaml\n');
  process.exitCode = 2;
} else {
  main(configPath).then(
    (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
    (err: unknown) => {
      process.stderr.write(
        `scan-child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = 1;
    },
  );
}

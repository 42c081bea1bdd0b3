import { certificateLabelNames, type CertificateSeries } from './certificate-series.js';

const notAfterName = 'vigil_cert_not_after_timestamp_seconds';
const expiresInName = 'vigil_cert_expires_in_seconds';

const notAfterHeader =
  `# HELP ${notAfterName} When the certificate expires (notAfter), Unix seconds; from the latest stored run of each cluster and check. Metadata only.\n` +
  `# TYPE ${notAfterName} gauge\n`;
const expiresInHeader =
  `# HELP ${expiresInName} Seconds until the certificate expires, negative once expired, as of the scrape.\n` +
  `# TYPE ${expiresInName} gauge\n`;

/** `{cluster="prod",...}`, escaped as the text format wants (backslash, double quote, newline). */
export function labelText(labels: CertificateSeries['labels']): string {
  return `{${certificateLabelNames
    .map((n) => `${n}="${labels[n].replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',')}}`;
}

/**
 * The two certificate gauge families in the Prometheus text format, written here rather than through
 * prom-client: with 10,000 certificates they are 20,000 samples whose labels change only when a run
 * stores new results, and prom-client would hash, copy and escape every label set on every scrape
 * (BENCHMARKS.md, metrics scrape). The not-after family is kept as text until the series change; the
 * expires-in family is only its cached label texts and one subtraction per certificate.
 */
export class CertificateExposition {
  private renderedFor: readonly CertificateSeries[] | undefined;
  private labels: string[] = [];
  private notAfterBlock = '';

  render(series: readonly CertificateSeries[], nowSeconds: number): string {
    if (series !== this.renderedFor) {
      this.labels = series.map((s) => labelText(s.labels));
      this.notAfterBlock =
        notAfterHeader + series.map((s, i) => `${notAfterName}${this.labels[i]} ${s.notAfter}\n`).join('');
      this.renderedFor = series;
    }
    const expiresIn = series.map((s, i) => `${expiresInName}${this.labels[i]} ${s.notAfter - nowSeconds}\n`);
    return `${this.notAfterBlock}${expiresInHeader}${expiresIn.join('')}`;
  }
}

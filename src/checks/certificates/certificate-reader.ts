/**
 * The port the certificate check reads a cluster through (implemented in src/kube). Shapes are plain
 * data so the check never sees Kubernetes API objects. Every method may throw a VigilError
 * (codes `kube-*`, see src/kube/explain-kube-error.ts) which the check turns into a finding.
 */
export interface TlsSecret {
  namespace: string;
  name: string;
  /**
   * Base64 values exactly as the API returns them, for the keys `isCertificateDataKey` accepts
   * only (never `tls.key`); decoded by the check, never logged.
   */
  data: Record<string, string>;
}

/** PKCS#12 keystores beside the PEM, e.g. cert-manager's `keystore.p12`. */
export const keystoreDataKey = /\.(p12|pfx)$/;

/** The Secret data keys the check reads; the reader drops every other one, private keys included. */
export function isCertificateDataKey(key: string): boolean {
  return key === 'tls.crt' || key === 'ca.crt' || keystoreDataKey.test(key);
}

export interface HostPort {
  host: string;
  port: number;
}

export interface KubeletEndpoint extends HostPort {
  node: string;
}

export type CaBundleKind = 'validating-webhook' | 'mutating-webhook' | 'apiservice' | 'crd-conversion';

export interface CaBundleRef {
  kind: CaBundleKind;
  /** e.g. `validatingwebhookconfiguration/cert-manager-webhook webhook webhook.cert-manager.io`. */
  object: string;
  /** Base64 PEM, as stored in the object. */
  caBundle: string;
  /** The Service the bundle is meant to verify, when the object names one. */
  service?: { namespace: string; name: string; port?: number };
}

export interface CertManagerCertificate {
  namespace: string;
  name: string;
  secretName?: string;
  notAfter?: string;
  renewalTime?: string;
  ready?: { status: string; reason?: string; message?: string; lastTransitionTime?: string };
  failedIssuanceAttempts?: number;
  lastFailureTime?: string;
}

export interface CertificateReader {
  /**
   * TLS Secrets in pages from the server-side `type=kubernetes.io/tls` selector, fetched lazily:
   * across all namespaces, or in `namespace` only.
   */
  tlsSecretPages(pageSize: number, namespace?: string): AsyncIterable<TlsSecret[]>;
  /** A ConfigMap's `data`, or null when it does not exist. */
  getConfigMapData(namespace: string, name: string): Promise<Record<string, string> | null>;
  /** Addresses behind `default/kubernetes` (EndpointSlices, falling back to Endpoints). */
  apiServerEndpoints(): Promise<HostPort[]>;
  /** Each node's InternalIP and kubelet port. */
  kubeletEndpoints(): Promise<KubeletEndpoint[]>;
  caBundles(kind: CaBundleKind): Promise<CaBundleRef[]>;
  /** cert-manager Certificates, or null when the CRD is not installed. */
  certManagerCertificates(): Promise<CertManagerCertificate[] | null>;
}

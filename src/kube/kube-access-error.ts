import { VigilError } from '../domain/vigil-error.js';

/**
 * A failed call to a cluster's API, already explained for the on-call engineer (see
 * explain-kube-error.ts). `endpoint` is the API server's host:port, so the certificate check can
 * re-probe the same address when `code` is `kube-tls`.
 */
export class KubeAccessError extends VigilError {
  readonly httpStatus?: number;
  /** OpenSSL / Node TLS code such as CERT_HAS_EXPIRED, when the failure was TLS verification. */
  readonly tlsCode?: string;
  readonly endpoint: string;

  constructor(
    code: string,
    userMessage: string,
    options: {
      endpoint: string;
      retryable?: boolean;
      cause?: unknown;
      httpStatus?: number;
      tlsCode?: string;
    },
  ) {
    super(code, userMessage, {
      ...(options.retryable !== undefined ? { retryable: options.retryable } : {}),
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
    });
    this.name = 'KubeAccessError';
    this.endpoint = options.endpoint;
    if (options.httpStatus !== undefined) this.httpStatus = options.httpStatus;
    if (options.tlsCode !== undefined) this.tlsCode = options.tlsCode;
  }
}

import { VigilError } from '../domain/vigil-error.js';
import { RegistryHttpError } from './registry-http.js';
import type { RegistryFailureKind } from './registry-probe-result.js';

const dnsCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const untrustedCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/** Maps an OpenSSL verification code to the failure kinds the issue names (expired, untrusted, wrong name). */
export function tlsKind(code: string): RegistryFailureKind {
  if (code === 'CERT_HAS_EXPIRED') return 'tls-expired';
  if (code === 'CERT_NOT_YET_VALID') return 'tls-not-yet-valid';
  if (untrustedCodes.has(code)) return 'tls-untrusted';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'tls-wrong-name';
  return 'tls-error';
}

/**
 * A transport error (from net, tls, http or our own deadline) as a failure kind plus a short reason
 * naming the code, for evidence like `connection refused (ECONNREFUSED)`.
 */
export function classifyTransportError(err: unknown): { kind: RegistryFailureKind; reason: string } {
  const code = codeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'TIMEOUT' || code === 'probe-timeout' || code === 'ETIMEDOUT') {
    return { kind: 'timeout', reason: 'no answer within the probe timeout' };
  }
  if (dnsCodes.has(code) || code === 'probe-dns')
    return { kind: 'dns', reason: `DNS lookup failed (${code})` };
  if (code === 'ECONNREFUSED' || code === 'probe-refused') {
    return { kind: 'refused', reason: 'connection refused (ECONNREFUSED)' };
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'probe-unreachable') {
    return { kind: 'unreachable', reason: `host unreachable (${code})` };
  }
  if (
    /wrong version number|packet length too long|http request/i.test(message) ||
    code === 'ERR_SSL_WRONG_VERSION_NUMBER'
  ) {
    return { kind: 'not-tls', reason: 'the port answers plain HTTP, not TLS' };
  }
  if (
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'probe-reset' ||
    /socket hang up/i.test(message)
  ) {
    return { kind: 'reset', reason: `connection closed by the server (${code || 'socket hang up'})` };
  }
  // A redirect vigil cannot follow (registry-http.ts): to ftp:, or to a Location that is no URL.
  if (code === 'BAD_SCHEME' || code === 'BAD_REDIRECT') {
    return { kind: 'bad-redirect', reason: `${message} (${code})` };
  }
  const kind = tlsKind(code);
  if (
    kind !== 'tls-error' ||
    code.startsWith('ERR_SSL_') ||
    code.startsWith('ERR_TLS_') ||
    code === 'EPROTO'
  ) {
    return { kind, reason: `TLS verification failed (${code})` };
  }
  return { kind: 'unexpected', reason: `${code ? `${code}: ` : ''}${message}` };
}

function codeOf(err: unknown): string {
  if (err instanceof RegistryHttpError) {
    const cause = (err.cause as NodeJS.ErrnoException | undefined)?.code;
    return cause ?? err.code;
  }
  if (err instanceof VigilError) {
    const cause = (err.cause as NodeJS.ErrnoException | undefined)?.code;
    return cause && !cause.startsWith('probe-') && err.code !== 'probe-timeout' ? cause : err.code;
  }
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

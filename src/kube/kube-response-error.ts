/**
 * An answer that is not what kube-apiserver sends: an HTML login page where a list belongs, a Secret
 * whose data value is a number. A real API server never does this, so the message (which completes
 * "cluster X answered list secrets with ...") says what arrived, never the content itself (it can be
 * anything, credentials included), and explain-kube-error.ts points at whatever answers the server URL.
 */
export class KubeResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeResponseError';
  }
}

/** What a value is, in words, for "... is a number, not base64 text". */
export function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') {
    return /^\s*</.test(value) ? 'an HTML or XML page' : 'a plain string';
  }
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

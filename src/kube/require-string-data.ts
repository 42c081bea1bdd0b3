import { KubeResponseError, describeJsonValue } from './kube-response-error.js';

/**
 * Secret and ConfigMap `data` are string maps, but a client gets whatever JSON arrived; a
 * number there reached the certificate parser as `toString() radix must be between 2 and 36`. Each
 * value is checked here, and a wrong one names the object and the key (never the value).
 */
export function requireStringData(data: unknown, object: string, expected: string): Record<string, string> {
  if (data === undefined || data === null) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new KubeResponseError(`${object} whose data is ${describeJsonValue(data)}, not a map of keys`);
  }
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') {
      throw new KubeResponseError(
        `${object} whose data[${JSON.stringify(key.slice(0, 100))}] is ${describeJsonValue(value)}, not ${expected}`,
      );
    }
  }
  return data as Record<string, string>;
}

/** One string field such as a webhook's `clientConfig.caBundle`; undefined stays undefined. */
export function requireStringField(
  value: unknown,
  object: string,
  field: string,
  expected: string,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new KubeResponseError(`${object} whose ${field} is ${describeJsonValue(value)}, not ${expected}`);
  }
  return value;
}

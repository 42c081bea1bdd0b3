/** A config value in words, for "must be a list, not the string "prod"". Long strings are clipped. */
export function describeConfigValue(value: unknown): string {
  if (value === null) return 'an empty value (null)';
  if (Array.isArray(value)) return `a list of ${value.length} item(s)`;
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
      if (Number.isNaN(value)) return '.nan (not a number)';
      if (!Number.isFinite(value)) return value > 0 ? '.inf (infinity)' : '-.inf (minus infinity)';
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'a mapping (key: value)';
    default:
      return typeof value;
  }
}

const expectedText: Record<string, string> = {
  array: 'a list',
  object: 'a mapping (key: value)',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/**
 * The message for a value of the wrong type. zod reported these as "is required" (it does not keep
 * the value), which sent people looking for a missing key that was right there.
 */
export function wrongTypeMessage(path: readonly PropertyKey[], expected: string, value: unknown): string {
  const got = describeConfigValue(value);
  if (path.length === 0) {
    return `the file must be a mapping of sections (clusters:, certificates:, schedules:, …; see vigil.example.yaml), not ${got}`;
  }
  const want = expectedText[expected] ?? expected;
  return `must be ${want}, not ${got}${hint(path, expected, value)}`;
}

function hint(path: readonly PropertyKey[], expected: string, value: unknown): string {
  const last = path[path.length - 1];
  if (value === null) return '; give it a value (a key with nothing after the colon is null)';
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    return `; quote it: "${String(value)}"`;
  }
  if (expected === 'array' && last === 'clusters' && typeof value === 'string') {
    return `; list each cluster as an item, e.g. clusters: [{ name: ${value.slice(0, 40)}, kubeconfig: ~/.kube/config }]`;
  }
  if (expected === 'array') return '; write it as a YAML list (one "- item" per line, or [a, b])';
  if ((expected === 'number' || expected === 'int') && typeof value === 'number') {
    return '; write a plain number such as 10';
  }
  if (expected === 'boolean' && typeof value === 'string') return '; write true or false without quotes';
  return '';
}

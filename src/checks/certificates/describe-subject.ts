/**
 * Turns node:crypto's multi-line names and SAN strings into the single-line forms used in messages.
 * Node escapes control characters and RFC 2253 specials inside values, so splitting on newlines and
 * on the ", " separator between SAN entries is safe.
 */

/** "CN=api\nO=acme" -> "CN=api, O=acme". */
export function formatName(name: string): string {
  return name
    .split('\n')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .join(', ');
}

/**
 * "DNS:a, IP Address:1.2.3.4" -> ['a', '1.2.3.4']. Since the fix for CVE-2021-44532, node writes a
 * value that contains a comma or quote as a JSON string (`DNS:"x\u002cy"`), so values are tokenised
 * rather than split on commas, and quoted ones are JSON-decoded.
 */
export function parseSubjectAltName(san: string | undefined): string[] {
  if (!san) return [];
  const values: string[] = [];
  let i = 0;
  while (i < san.length) {
    const colon = san.indexOf(':', i);
    if (colon < 0) break;
    let j = colon + 1;
    let value: string;
    if (san[j] === '"') {
      // Find the closing quote, skipping escaped characters.
      let k = j + 1;
      while (k < san.length && san[k] !== '"') k += san[k] === '\\' ? 2 : 1;
      const quoted = san.slice(j, k + 1);
      try {
        value = JSON.parse(quoted) as string;
      } catch {
        value = quoted;
      }
      j = k + 1;
    } else {
      const comma = san.indexOf(', ', j);
      const end = comma < 0 ? san.length : comma;
      value = san.slice(j, end);
      j = end;
    }
    values.push(value);
    // Skip the ", " separator before the next entry.
    i = san.startsWith(', ', j) ? j + 2 : j + 1;
  }
  return values;
}

/**
 * The CN of a one-line distinguished name as vigil writes it ("CN=api, O=acme", see
 * src/checks/certificates/describe-subject.ts), or "" when it has none. node:crypto escapes a comma
 * inside a value, so a ", " followed by `ATTR=` starts the next attribute.
 */
export function commonName(dn: string): string {
  for (const part of dn.split(/, (?=[A-Za-z][A-Za-z0-9.]*=)/)) {
    if (part.startsWith('CN=')) return part.slice(3);
  }
  return '';
}

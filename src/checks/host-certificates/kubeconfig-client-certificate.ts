import { posix } from 'node:path';
import { parse } from 'yaml';

export type KubeconfigClientCertificate =
  | { kind: 'embedded'; data: Buffer; user: string }
  | { kind: 'file'; path: string; user: string }
  | { kind: 'none'; reason: string }
  | { kind: 'invalid'; reason: string };

type Named<T> = { name?: unknown } & T;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** " (line N)" from the error's offset; the library's own message quotes the document. */
function lineOf(err: unknown, text: string): string {
  const offset = isRecord(err) && Array.isArray(err.pos) ? err.pos[0] : undefined;
  if (typeof offset !== 'number') return '';
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return ` (line ${line})`;
}

/**
 * The client certificate a kubeconfig authenticates with: that of the current context's user, or of
 * the only user. `data` must already be redacted (src/checks/host-certificates/redact-secrets.ts); parse
 * errors report a line number only, because the YAML library's messages quote the document.
 */
export function kubeconfigClientCertificate(
  data: Buffer,
  kubeconfigPath: string,
): KubeconfigClientCertificate {
  let doc: unknown;
  const text = data.toString('utf8');
  try {
    doc = parse(text, { logLevel: 'error', prettyErrors: false });
  } catch (err) {
    return { kind: 'invalid', reason: `not a valid kubeconfig: YAML syntax error${lineOf(err, text)}` };
  }
  if (!isRecord(doc) || !Array.isArray(doc.users)) {
    return { kind: 'invalid', reason: 'not a kubeconfig: it has no `users` list' };
  }
  const users = doc.users.filter(isRecord) as Named<{ user?: unknown }>[];
  const contexts = Array.isArray(doc.contexts)
    ? (doc.contexts.filter(isRecord) as Named<{ context?: unknown }>[])
    : [];
  const current = contexts.find((c) => c.name === doc['current-context'])?.context;
  const userName = isRecord(current) && typeof current.user === 'string' ? current.user : undefined;
  const chosen =
    userName !== undefined
      ? users.find((u) => u.name === userName)
      : users.length === 1
        ? users[0]
        : undefined;
  if (!chosen) {
    return {
      kind: 'invalid',
      reason:
        userName !== undefined
          ? `the current context's user "${userName}" is not in the users list`
          : `${users.length} users and no current-context: cannot tell which one is used`,
    };
  }
  const user = isRecord(chosen.user) ? chosen.user : {};
  const name = typeof chosen.name === 'string' ? chosen.name : '?';
  const embedded = user['client-certificate-data'];
  if (typeof embedded === 'string' && embedded.length > 0) {
    return { kind: 'embedded', data: Buffer.from(embedded, 'base64'), user: name };
  }
  const file = user['client-certificate'];
  if (typeof file === 'string' && file.length > 0) {
    // Relative paths are relative to the kubeconfig's directory, as client-go resolves them.
    return { kind: 'file', path: posix.resolve(posix.dirname(kubeconfigPath), file), user: name };
  }
  return {
    kind: 'none',
    reason: `user "${name}" authenticates without a client certificate (token or exec credentials)`,
  };
}

export type RegistryChallenge =
  { scheme: 'bearer'; realm: string; service?: string; scope?: string } | { scheme: 'basic'; realm?: string };

/**
 * Parses `WWW-Authenticate` as registries send it (RFC 7235 auth-params, quoted or token values):
 * `Bearer realm="https://auth.docker.io/token",service="registry.docker.io"` or `Basic realm="x"`.
 * A Bearer challenge is only usable with an absolute http(s) realm; anything else is undefined, which
 * the probe reports as a broken challenge rather than guessing.
 */
export function parseChallenge(header: string | string[] | undefined): RegistryChallenge | undefined {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  for (const value of values) {
    const m = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*(.*)$/s.exec(value);
    if (!m) continue;
    const scheme = (m[1] ?? '').toLowerCase();
    const params = parseParams(m[2] ?? '');
    if (scheme === 'basic') return { scheme: 'basic', ...(params.realm ? { realm: params.realm } : {}) };
    if (scheme === 'bearer') {
      const realm = params.realm;
      if (!realm) continue;
      let url: URL;
      try {
        url = new URL(realm);
      } catch {
        continue;
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') continue;
      return {
        scheme: 'bearer',
        realm,
        ...(params.service ? { service: params.service } : {}),
        ...(params.scope ? { scope: params.scope } : {}),
      };
    }
  }
  return undefined;
}

function parseParams(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const key = (m[1] ?? '').toLowerCase();
    out[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    if (re.lastIndex >= s.length) break;
  }
  return out;
}

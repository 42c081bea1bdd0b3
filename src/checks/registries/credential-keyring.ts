/**
 * The kubelet's pull-secret keyring (pkg/credentialprovider keyring.go), so vigil probes with the
 * credentials a pull would use. Values live in memory only: never logged, never in a finding, and
 * `toJSON`/inspection of a credential prints nothing secret.
 */
export interface PullCredential {
  /** Where it came from, safe to print: `pull secret shop/regcred`. */
  origin: string;
  /** The `auths` key that matched, safe to print: `myreg.example.com`. */
  key?: string;
  username: string;
  password: string;
}

interface Entry {
  key: string;
  credential: PullCredential;
}

/** A credential that renders as its origin alone, whatever serialises or logs it. */
export function makeCredential(
  origin: string,
  username: string,
  password: string,
  key?: string,
): PullCredential {
  const c = { origin, ...(key !== undefined ? { key } : {}) } as PullCredential;
  Object.defineProperties(c, {
    username: { value: username, enumerable: false },
    password: { value: password, enumerable: false },
    toJSON: { value: () => ({ origin, key }), enumerable: false },
  });
  return c;
}

export type DockerConfigParse =
  { ok: true; entries: { key: string; username: string; password: string }[] } | { ok: false; error: string };

/**
 * `.dockerconfigjson` is `{"auths": {...}}`; the legacy `.dockercfg` is the map itself. An entry has
 * `username`/`password` or `auth` (base64 of `user:password`). Errors never quote the data.
 */
export function parseDockerConfig(text: string, legacy: boolean): DockerConfigParse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, error: 'not valid JSON' };
  }
  const auths = legacy ? parsed : (parsed as { auths?: unknown } | null)?.auths;
  if (!auths || typeof auths !== 'object' || Array.isArray(auths)) {
    return { ok: false, error: legacy ? 'not a JSON object' : 'no "auths" object' };
  }
  const entries: { key: string; username: string; password: string }[] = [];
  for (const [key, value] of Object.entries(auths as Record<string, unknown>)) {
    const v = (value ?? {}) as { username?: unknown; password?: unknown; auth?: unknown };
    let username = typeof v.username === 'string' ? v.username : '';
    let password = typeof v.password === 'string' ? v.password : '';
    if ((!username || !password) && typeof v.auth === 'string' && v.auth !== '') {
      const decoded = Buffer.from(v.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        username = decoded.slice(0, colon);
        password = decoded.slice(colon + 1);
      }
    }
    entries.push({ key, username, password });
  }
  return { ok: true, entries };
}

/**
 * keyring.go `Add`: scheme dropped, `/v1/` and `/v2/` paths read as the host alone, and the index
 * reverse-sorted so that more specific paths match first.
 */
export class CredentialKeyring {
  private readonly entries: Entry[] = [];

  add(configKey: string, credential: PullCredential): void {
    const key = keyringKey(configKey);
    if (key === undefined) return;
    this.entries.push({ key, credential });
    // Stable reverse lexical order, like sort.Reverse(sort.StringSlice(index)).
    this.entries.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * keyring.go `Lookup(image)` with `image` = `domain/repository`: every matching key, in index order;
   * when none matches, Docker Hub images fall back to credentials stored for `index.docker.io`.
   */
  lookup(imageName: string): PullCredential[] {
    const found = this.entries.filter((e) => urlsMatch(e.key, imageName)).map((e) => e.credential);
    if (found.length > 0) return found;
    if (isDefaultRegistryMatch(imageName)) {
      return this.entries.filter((e) => e.key === 'index.docker.io').map((e) => e.credential);
    }
    return [];
  }
}

function keyringKey(configKey: string): string | undefined {
  const rest = configKey.trim().replace(/^https?:\/\//, '');
  const slash = rest.indexOf('/');
  const host = slash === -1 ? rest : rest.slice(0, slash);
  if (host === '') return undefined;
  let path = slash === -1 ? '' : rest.slice(slash).replace(/[?#].*$/, '');
  // Docker's ResolveAuthConfig treats `/v1/` and `/v2/` as the bare host.
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  return path.length > 0 && path !== '/' ? `${host}${path}` : host;
}

/**
 * keyring.go `URLsMatch`: same port, same number of host labels, each label matched by a
 * filepath.Match glob (so `*` stays inside one label), and the key's path a plain string prefix of
 * the image path (so `reg.io/team` also matches `reg.io/teamx/app`, as the kubelet does).
 */
export function urlsMatch(glob: string, target: string): boolean {
  const g = splitSchemeless(glob);
  const t = splitSchemeless(target);
  if (!g || !t) return false;
  if (g.port !== t.port) return false;
  if (g.labels.length !== t.labels.length) return false;
  if (!t.path.startsWith(g.path)) return false;
  return g.labels.every((label, i) => globMatch(label, t.labels[i] ?? ''));
}

function splitSchemeless(s: string): { labels: string[]; port: string; path: string } | undefined {
  // Parsed by hand: WHATWG URL drops a default port (`:443`) that Go's url.Parse keeps, and the
  // port must compare exactly as the kubelet compares it.
  const slash = s.indexOf('/');
  const authority = slash === -1 ? s : s.slice(0, slash);
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority);
  if (!m || !m[1]) return undefined;
  // net.SplitHostPort drops IPv6 brackets, so `[::1]` is one label `::1`, never a glob class.
  return {
    labels: m[1]
      .replace(/^\[(.*)\]$/, '$1')
      .toLowerCase()
      .split('.'),
    port: m[2] ?? '',
    path: slash === -1 ? '' : s.slice(slash),
  };
}

/** Go's filepath.Match on one label: `*`, `?` and `[...]` classes; no separator can occur here. */
function globMatch(pattern: string, value: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) return false;
      const body = pattern.slice(i + 1, end).replace(/^\^/, '!');
      re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  }
  try {
    return new RegExp(`${re}$`, 'i').test(value);
  } catch {
    return false;
  }
}

/** keyring.go `isDefaultRegistryMatch`: will this image pull from Docker Hub? */
function isDefaultRegistryMatch(image: string): boolean {
  const slash = image.indexOf('/');
  const first = slash === -1 ? image : image.slice(0, slash);
  if (first === '') return false;
  if (slash === -1) return true;
  if (first === 'docker.io' || first === 'index.docker.io') return true;
  return !/[.:]/.test(first);
}

/**
 * What a request path addresses, before any lookup: the REST layout of the API server.
 *   /api/v1/{plural}[/{name}]                        cluster-scoped, or namespaced across namespaces
 *   /api/v1/namespaces/{ns}/{plural}[/{name}]        namespaced
 *   /apis/{group}/{version}/... the same shapes for named groups.
 * The resource is kept as raw (group, version, plural) because authorization runs before the
 * resource is looked up, exactly as on a real server (a forbidden unknown resource is a 403, not 404).
 */
export type KubeRoute =
  | { type: 'version' | 'healthz' | 'readyz' | 'livez' | 'api' | 'apis' | 'unknown' }
  | { type: 'group'; group: string }
  | { type: 'resourceList'; group: string; version: string }
  | {
      type: 'resource';
      verb: 'get' | 'list';
      group: string;
      version: string;
      plural: string;
      namespace?: string;
      name?: string;
    };

const simple: Record<string, KubeRoute['type']> = {
  '/version': 'version',
  '/healthz': 'healthz',
  '/readyz': 'readyz',
  '/livez': 'livez',
  '/api': 'api',
  '/apis': 'apis',
};

export function parseKubeRoute(pathname: string): KubeRoute {
  const trimmed = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const fixed = simple[trimmed];
  if (fixed) return { type: fixed } as KubeRoute;
  const seg = trimmed.split('/').slice(1).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (seg[0] === 'api' && seg[1] === 'v1') {
    [group, version, rest] = ['', 'v1', seg.slice(2)];
  } else if (seg[0] === 'apis' && seg[1] && seg.length === 2) {
    return { type: 'group', group: seg[1] };
  } else if (seg[0] === 'apis' && seg[1] && seg[2]) {
    [group, version, rest] = [seg[1], seg[2], seg.slice(3)];
  } else {
    return { type: 'unknown' };
  }
  if (rest.some((s) => s === '')) return { type: 'unknown' };
  const base = { type: 'resource' as const, group, version };
  if (rest.length === 0) return { type: 'resourceList', group, version };
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const [, namespace, plural, name] = rest as [string, string, string, string | undefined];
    if (rest.length > 4) return { type: 'unknown' }; // subresources (status, log, ...) are not served
    return name === undefined
      ? { ...base, verb: 'list', plural, namespace }
      : { ...base, verb: 'get', plural, namespace, name };
  }
  const [plural, name] = rest as [string, string | undefined];
  if (rest.length > 2) return { type: 'unknown' };
  return name === undefined ? { ...base, verb: 'list', plural } : { ...base, verb: 'get', plural, name };
}

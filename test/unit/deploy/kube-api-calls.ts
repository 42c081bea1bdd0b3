/**
 * Static inventory of the Kubernetes API calls vigil makes, read from the source of src/kube/ (the
 * only caller of the Kubernetes API), and the RBAC check of a ClusterRole's rules against it.
 * Used by rbac-covers-reads.test.ts; no Kubernetes and no Helm needed.
 */

/** One permission a call needs: a resource (group, resource, verb) or a non-resource URL. */
export type Permission =
  | { kind: 'resource'; group: string; resource: string; verb: string }
  | { kind: 'url'; url: string; verb: string };

export interface ApiCall {
  file: string;
  line: number;
  /** The REST path as written, `${…}` for what the call fills in. */
  path: string;
  /** The RBAC verb of the GET: `list` for a collection, `get` for one object. */
  method: string;
  permission: Permission;
  /**
   * What one call reaches: objects of one namespace (`/api/v1/namespaces/${ns}/secrets`, a Role
   * there can grant it), or beyond (`/api/v1/secrets`, cluster-scoped kinds, URLs: a ClusterRole only).
   */
  scope: 'namespace' | 'cluster';
  /** The object's name, when the path names it literally (`…/endpoints/kubernetes`). */
  literalName?: string;
}

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

/**
 * The permission a GET of one REST path needs, e.g. `/apis/apps/v1/statefulsets` ->
 * apps/statefulsets/list, `` `/api/v1/namespaces/${ns}/persistentvolumeclaims/${name}` `` ->
 * core/persistentvolumeclaims/get, `/version` -> get /version. A GET of a collection is `list`, of
 * one object `get`, of an object's subresource (`.../pods/${name}/log`) `get` on `pods/log`. Throws
 * for a path it cannot read.
 */
export function permissionOfPath(path: string): {
  permission: Permission;
  scope: ApiCall['scope'];
  literalName?: string;
} {
  if (!path.startsWith('/api/') && !path.startsWith('/apis/')) {
    return { permission: { kind: 'url', url: path, verb: 'get' }, scope: 'cluster' };
  }
  const parts = path.split('/').slice(1);
  const core = parts[0] === 'api';
  const group = core ? '' : (parts[1] ?? '');
  let rest = parts.slice(core ? 2 : 3);
  let scope: ApiCall['scope'] = 'cluster';
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    scope = 'namespace';
    rest = rest.slice(2);
  }
  const [resource, name, sub] = rest;
  if (!resource || !/^[a-z]+$/.test(resource) || rest.length > 3) {
    throw new Error(`REST path ${path}: cannot tell the resource`);
  }
  const literalName = name !== undefined && !name.includes('${') ? name : undefined;
  return {
    permission: {
      kind: 'resource',
      group,
      resource: sub ? `${resource}/${sub}` : resource,
      verb: name === undefined ? 'list' : 'get',
    },
    scope,
    ...(literalName !== undefined ? { literalName } : {}),
  };
}

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** REST path literals: `'/api/v1/pods'`, `` `/api/v1/namespaces/${ns}/secrets/${name}` ``, `'/version'`. */
const pathLiteral = /(['`])(\/(?:apis?\/[^'`\s]*|version))\1/g;

/**
 * Every Kubernetes API call in one source file of src/kube. The client there (src/kube/kube-client.ts)
 * only GETs, and every reader names the REST path it reads as a literal, so each path literal is one
 * call. A call whose path is a variable (`this.kube.get(path, …)`) is judged by the literals of its
 * file; a file that calls the client with no path literal at all is a problem, so a read cannot slip
 * past the RBAC check.
 */
export function scanKubeSource(file: string, text: string): { calls: ApiCall[]; problems: string[] } {
  const calls: ApiCall[] = [];
  const problems: string[] = [];
  for (const m of text.matchAll(pathLiteral)) {
    const path = (m[2] as string).replace(/\$\{encodeURIComponent\(([^)]*)\)\}/g, '${$1}');
    try {
      const { permission, scope, literalName } = permissionOfPath(path);
      calls.push({
        file,
        line: lineOf(text, m.index ?? 0),
        path,
        method: permission.verb,
        permission,
        scope,
        ...(literalName !== undefined ? { literalName } : {}),
      });
    } catch (err) {
      problems.push(`${file}:${lineOf(text, m.index ?? 0)}: ${(err as Error).message}`);
    }
  }
  // list-in-pages.ts's listAll GETs the path its callers name; it reads nothing of its own.
  const generic = /export function listAll\b/.test(text);
  const callsClient = /\b(?:this\.kube|client)\.get\(|\blistAll\s*[<(]/.test(text);
  if (callsClient && !generic && calls.length === 0) {
    problems.push(
      `${file}: the Kubernetes client is called but no REST path literal (/api/v1/...) was found to judge`,
    );
  }
  return { calls, problems };
}

export function describePermission(p: Permission): string {
  return p.kind === 'url' ? `${p.verb} ${p.url}` : `${p.group || 'core'}/${p.resource}/${p.verb}`;
}

function ruleGrants(rule: PolicyRule, p: Permission): boolean {
  if (!rule.verbs.includes(p.verb)) return false;
  if (p.kind === 'url') return (rule.nonResourceURLs ?? []).includes(p.url);
  return (rule.apiGroups ?? []).includes(p.group) && (rule.resources ?? []).includes(p.resource);
}

/**
 * Whether the rules allow a call. A rule limited by resourceNames allows it only when every name the
 * call can use is listed: the literal name in the call, or the names `nameSources` finds for the
 * resource (for reads whose name is passed in by the check). The rules of a Role (`of: 'Role'`)
 * apply in its namespace only, so they never allow a call that reaches beyond one namespace.
 */
export function isCovered(
  rules: readonly PolicyRule[],
  call: ApiCall,
  nameSources: Readonly<Record<string, readonly string[]>>,
  of: 'ClusterRole' | 'Role' = 'ClusterRole',
): boolean {
  if (of === 'Role' && call.scope !== 'namespace') return false;
  return rules.some((rule) => {
    if (!ruleGrants(rule, call.permission)) return false;
    if (!rule.resourceNames || rule.resourceNames.length === 0) return true;
    if (call.permission.kind !== 'resource' || call.permission.verb !== 'get') return false;
    const names = call.literalName !== undefined ? [call.literalName] : nameSources[call.permission.resource];
    return names !== undefined && names.length > 0 && names.every((n) => rule.resourceNames?.includes(n));
  });
}

/** Every (group, resource, verb) and (URL, verb) a rule grants, for the "nothing unused" check. */
export function grantsOf(rule: PolicyRule): Permission[] {
  const out: Permission[] = [];
  for (const verb of rule.verbs) {
    for (const url of rule.nonResourceURLs ?? []) out.push({ kind: 'url', url, verb });
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) out.push({ kind: 'resource', group, resource, verb });
    }
  }
  return out;
}

export function samePermission(a: Permission, b: Permission): boolean {
  return describePermission(a) === describePermission(b);
}

/**
 * Static inventory of the Kubernetes API calls vigil makes, read from the source of src/kube/ (the
 * only importer of @kubernetes/client-node), and the RBAC check of a ClusterRole's rules against it.
 * Used by rbac-covers-reads.test.ts; no Kubernetes and no Helm needed.
 */

/** One permission a call needs: a resource (group, resource, verb) or a non-resource URL. */
export type Permission =
  | { kind: 'resource'; group: string; resource: string; verb: string }
  | { kind: 'url'; url: string; verb: string };

export interface ApiCall {
  file: string;
  line: number;
  apiClass: string;
  method: string;
  permission: Permission;
  /**
   * What one call reaches: objects of one namespace (`listNamespacedSecret`, a Role there can grant
   * it), or beyond (`listSecretForAllNamespaces`, cluster-scoped kinds, URLs: a ClusterRole only).
   */
  scope: 'namespace' | 'cluster';
  /** `name: 'literal'` in the call's arguments, when the object is read by a fixed name. */
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
 * API group of each client-node API class. A class missing here fails the test with a message
 * saying to add it: guessing a group would let a wrong rule pass.
 */
export const apiGroups: Readonly<Record<string, string>> = {
  CoreV1Api: '',
  AppsV1Api: 'apps',
  BatchV1Api: 'batch',
  AutoscalingV2Api: 'autoscaling',
  PolicyV1Api: 'policy',
  DiscoveryV1Api: 'discovery.k8s.io',
  NetworkingV1Api: 'networking.k8s.io',
  StorageV1Api: 'storage.k8s.io',
  EventsV1Api: 'events.k8s.io',
  CoordinationV1Api: 'coordination.k8s.io',
  CertificatesV1Api: 'certificates.k8s.io',
  RbacAuthorizationV1Api: 'rbac.authorization.k8s.io',
  AdmissionregistrationV1Api: 'admissionregistration.k8s.io',
  ApiregistrationV1Api: 'apiregistration.k8s.io',
  ApiextensionsV1Api: 'apiextensions.k8s.io',
};

/** Operation prefixes of client-node's generated methods and the RBAC verb each one needs. */
const verbs: readonly (readonly [string, string])[] = [
  ['deleteCollection', 'deletecollection'],
  ['list', 'list'],
  ['read', 'get'],
  ['watch', 'watch'],
  ['create', 'create'],
  ['replace', 'update'],
  ['patch', 'patch'],
  ['delete', 'delete'],
  ['connectGet', 'get'],
  ['connectPost', 'create'],
];

/** Method-name suffixes that address a subresource (`readNamespacedPodLog` is GET pods/log). */
const subresources = ['Status', 'Scale', 'Log', 'Eviction', 'Binding', 'EphemeralContainers'];

/** Kubernetes' plural for a kind: `StatefulSet` -> `statefulsets`, `NetworkPolicy` -> `networkpolicies`. */
export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === 'endpoints') return lower;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  if (/(ss|sh|ch|x|us)$/.test(lower)) return `${lower}es`;
  return `${lower}s`;
}

/**
 * The permission a typed client-node method needs, e.g. AppsV1Api `listStatefulSetForAllNamespaces`
 * -> apps/statefulsets/list, CoreV1Api `readNamespacedPersistentVolumeClaim` ->
 * core/persistentvolumeclaims/get. Throws for a class or method shape it does not know.
 */
export function permissionOf(apiClass: string, method: string, args = ''): Permission {
  if (apiClass === 'VersionApi') {
    if (method === 'getCode') return { kind: 'url', url: '/version', verb: 'get' };
    throw new Error(`unknown VersionApi method ${method}`);
  }
  const op = verbs.find(
    ([prefix]) => method.startsWith(prefix) && /^[A-Z]/.test(method.slice(prefix.length)),
  );
  if (!op) throw new Error(`${apiClass}.${method}: no known operation prefix (list, read, create, ...)`);
  const [prefix, verb] = op;
  if (apiClass === 'CustomObjectsApi') {
    // Group and plural are arguments here; only literals can be checked statically.
    const group = /\bgroup:\s*'([^']+)'/.exec(args)?.[1];
    const plural = /\bplural:\s*'([^']+)'/.exec(args)?.[1];
    if (!group || !plural) {
      throw new Error(`CustomObjectsApi.${method}: group and plural must be string literals in the call`);
    }
    return { kind: 'resource', group, resource: plural, verb: method.startsWith('get') ? 'get' : verb };
  }
  const group = apiGroups[apiClass];
  if (group === undefined) {
    throw new Error(`API class ${apiClass} has no known API group: add it to apiGroups in kube-api-calls.ts`);
  }
  let kind = method
    .slice(prefix.length)
    .replace(/^Namespaced/, '')
    .replace(/ForAllNamespaces$/, '');
  let sub = '';
  for (const s of subresources) {
    if (kind.endsWith(s) && kind.length > s.length && kind !== 'ComponentStatus') {
      kind = kind.slice(0, -s.length);
      sub = `/${s.toLowerCase()}`;
      break;
    }
  }
  return { kind: 'resource', group, resource: `${pluralOf(kind)}${sub}`, verb };
}

/** Whether a method addresses one namespace (`readNamespacedSecret`, `listNamespacedCustomObject`). */
export function scopeOf(apiClass: string, method: string): ApiCall['scope'] {
  if (apiClass === 'VersionApi') return 'cluster';
  return /^[a-z]+(?:Collection|Get|Post|Put|Patch|Delete|Head|Options)?Namespaced[A-Z]/.test(method)
    ? 'namespace'
    : 'cluster';
}

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** The text of a call's argument list, from its opening parenthesis to the matching one. */
function argsAt(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

/**
 * Every Kubernetes API call in one source file. API clients are found where they are built
 * (`x = makeApiClient(kc, CoreV1Api, ...)` or `kc.makeApiClient(CoreV1Api)`), then calls on them.
 * Problems (an API class imported but never bound, an API-looking call on an unknown receiver) are
 * returned so that a call path the scan cannot follow fails the test instead of escaping it.
 */
export function scanKubeSource(file: string, text: string): { calls: ApiCall[]; problems: string[] } {
  const problems: string[] = [];
  const receivers = new Map<string, string>();
  const bind = /(?:this\.)?(\w+)\s*=\s*(?:\w+\.)?makeApiClient\(\s*(?:\w+\s*,\s*)?(\w+)/g;
  for (const m of text.matchAll(bind)) receivers.set(m[1] as string, m[2] as string);

  const imported = new Set<string>();
  for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@kubernetes\/client-node'/g)) {
    for (const raw of (m[1] as string).split(',')) {
      const name = raw.trim();
      if (/^\w+Api$/.test(name)) imported.add(name);
    }
  }
  const bound = new Set(receivers.values());
  for (const cls of imported) {
    if (!bound.has(cls)) {
      problems.push(
        `${file}: ${cls} is imported but never bound with makeApiClient; the scan cannot see its calls`,
      );
    }
  }

  const calls: ApiCall[] = [];
  for (const m of text.matchAll(/(?:this\.)?(\w+)\.(\w+)\(/g)) {
    const [, receiver, method] = m as unknown as [string, string, string];
    const apiClass = receivers.get(receiver);
    const open = (m.index ?? 0) + m[0].length - 1;
    if (!apiClass) {
      if (/^(list|read|watch|create|replace|patch|delete|connect)[A-Z]/.test(method)) {
        problems.push(
          `${file}:${lineOf(text, m.index ?? 0)}: ${receiver}.${method}() looks like an API call on a client the scan does not know`,
        );
      }
      continue;
    }
    const args = argsAt(text, open);
    try {
      const permission = permissionOf(apiClass, method, args);
      const literalName = /\bname:\s*'([^']+)'/.exec(args)?.[1];
      calls.push({
        file,
        line: lineOf(text, m.index ?? 0),
        apiClass,
        method,
        permission,
        scope: scopeOf(apiClass, method),
        ...(literalName !== undefined ? { literalName } : {}),
      });
    } catch (err) {
      problems.push(`${file}:${lineOf(text, m.index ?? 0)}: ${(err as Error).message}`);
    }
  }
  const raw = rawListCalls(file, text);
  calls.push(...raw.calls);
  problems.push(...raw.problems);
  return { calls, problems };
}

/**
 * Lists read as plain JSON (src/kube/get-json-list.ts) name their REST path as a literal in the same
 * file: `'/api/v1/secrets'` (every namespace) or `` `/api/v1/namespaces/${ns}/secrets` `` (one).
 * Each such path is a `list` call; a file that calls getJsonList with no path literal the scan can
 * read is a problem, so a raw read cannot slip past the RBAC check.
 */
function rawListCalls(file: string, text: string): { calls: ApiCall[]; problems: string[] } {
  const calls: ApiCall[] = [];
  const problems: string[] = [];
  const callsRaw = [...text.matchAll(/\bgetJsonList\(/g)].filter(
    (m) => !/function\s+$/.test(text.slice(Math.max(0, (m.index ?? 0) - 20), m.index)),
  );
  if (callsRaw.length === 0) return { calls, problems };
  const path = /['`](\/apis?\/(?:([a-z0-9.-]+)\/)?v[0-9a-z]+\/(namespaces\/\$\{[^}]+\}\/)?([a-z]+))['`]/g;
  for (const m of text.matchAll(path)) {
    const [, , group, namespaced, resource] = m as unknown as [
      string,
      string,
      string | undefined,
      string | undefined,
      string,
    ];
    const isCore = m[1]?.startsWith('/api/') ?? false;
    calls.push({
      file,
      line: lineOf(text, m.index ?? 0),
      apiClass: 'rest',
      method: 'getJsonList',
      permission: { kind: 'resource', group: isCore ? '' : (group ?? ''), resource, verb: 'list' },
      scope: namespaced ? 'namespace' : 'cluster',
    });
  }
  if (calls.length === 0) {
    problems.push(`${file}: getJsonList is called but no REST path literal (/api/v1/...) was found to judge`);
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

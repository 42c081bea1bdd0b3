import { fieldMatcher, parseFieldSelector } from './field-selector.js';
import { KubeStatusError, kubeStatus } from './kube-status.js';
import { parseLabelSelector } from './label-selector.js';
import type { ListPages } from './list-pages.js';
import type { ObjectStore } from './object-store.js';
import { groupVersionOf, storageKeyOf, type ResourceType } from './resource-type.js';

type Json = Record<string, unknown>;

export interface ResourceRequest {
  type: ResourceType;
  verb: 'get' | 'list';
  namespace?: string;
  name?: string;
  query: URLSearchParams;
}

export interface ServeContext {
  store: ObjectStore;
  pages: ListPages;
  maxPageSize?: number;
}

/** GET of one object or a list, with the scope checks the real router applies. */
export function serveResource(ctx: ServeContext, r: ResourceRequest): Json {
  // Namespaced objects have no cluster-scoped item path and vice versa: both are plain 404s.
  if (r.namespace !== undefined && !r.type.namespaced) throw new KubeStatusError(kubeStatus.pathNotFound());
  if (r.verb === 'get') {
    if (r.type.namespaced && r.namespace === undefined) throw new KubeStatusError(kubeStatus.pathNotFound());
    const obj = ctx.store.get(r.type, r.namespace, r.name ?? '');
    if (!obj) throw new KubeStatusError(kubeStatus.notFound(r.type, r.name ?? ''));
    // Served at the version the request named (CRDs serve several versions of one stored object).
    return { ...obj, apiVersion: groupVersionOf(r.type), kind: r.type.kind };
  }
  if (r.query.get('watch') === 'true' || r.query.get('watch') === '1') {
    throw new KubeStatusError(kubeStatus.badRequest('watch is not supported by the fake API server'));
  }
  const predicate = listPredicate(r.type, r.query.get('labelSelector'), r.query.get('fieldSelector'));
  const page = ctx.pages.page({
    current: () => ctx.store.list(r.type, r.namespace),
    prefix: `${storageKeyOf(r.type)}/${r.namespace ?? ''}`,
    currentRv: ctx.store.revision,
    limit: pageLimit(r.query.get('limit'), ctx.maxPageSize),
    ...(r.query.get('continue') ? { continueToken: r.query.get('continue') as string } : {}),
    ...(predicate ? { predicate } : {}),
  });
  const gv = groupVersionOf(r.type);
  return {
    kind: `${r.type.kind}List`,
    apiVersion: gv,
    metadata: {
      resourceVersion: page.resourceVersion,
      ...(page.continue ? { continue: page.continue } : {}),
      ...(page.remainingItemCount !== undefined ? { remainingItemCount: page.remainingItemCount } : {}),
    },
    items: page.items.map((o) => listItem(o, r.type, gv)),
  };
}

function listItem(obj: Json, t: ResourceType, gv: string): Json {
  if (t.custom) return { ...obj, apiVersion: gv, kind: t.kind };
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = obj;
  return rest;
}

/** Both selectors are validated up front, so a bad one fails even when nothing would match. */
function listPredicate(
  t: ResourceType,
  labelSelector: string | null,
  fieldSelector: string | null,
): ((obj: Json) => boolean) | undefined {
  const labels = labelSelector ? parseLabelSelector(labelSelector) : undefined;
  const fieldReqs = fieldSelector ? parseFieldSelector(fieldSelector) : [];
  const fields = fieldReqs.length > 0 ? fieldMatcher(t.kind, fieldReqs) : undefined;
  if (!labels && !fields) return undefined;
  return (obj) => {
    const meta = (obj['metadata'] ?? {}) as Json;
    const objLabels = (meta['labels'] ?? {}) as Record<string, string>;
    return (!labels || labels(objLabels)) && (!fields || fields(obj));
  };
}

/** The real server honours `limit` as asked; a configured cap models servers/proxies that clamp it. */
function pageLimit(raw: string | null, max: number | undefined): number | undefined {
  const asked = raw ? Number.parseInt(raw, 10) : 0;
  const limit = Number.isFinite(asked) && asked > 0 ? asked : 0;
  if (limit === 0) return undefined; // no limit asked: the whole list, as on a real server
  return max !== undefined && max > 0 ? Math.min(limit, max) : limit;
}

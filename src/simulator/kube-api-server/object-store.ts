import { randomUUID } from 'node:crypto';
import type { KeyedObject } from './list-pages.js';
import { storageKeyOf, type ResourceType } from './resource-type.js';

type Json = Record<string, unknown>;

/**
 * The fake's "etcd": objects per resource, keyed `namespace/name` (or `name`), and one global
 * revision counter that every write bumps, which becomes list and object resourceVersions.
 * Objects are deep-copied on the way in so a test mutating its fixture later cannot rewrite history
 * (paginated walks hold references to stored objects).
 */
export class ObjectStore {
  private readonly byResource = new Map<string, Map<string, Json>>();
  private rv = 1000;

  get revision(): number {
    return this.rv;
  }

  put(t: ResourceType, input: Json): Json {
    const obj = structuredClone(input);
    const meta = ((obj['metadata'] as Json | undefined) ?? {}) as Json;
    obj['metadata'] = meta;
    const name = meta['name'];
    if (typeof name !== 'string' || name === '') throw new Error(`${t.kind} without metadata.name`);
    if (t.namespaced && (typeof meta['namespace'] !== 'string' || meta['namespace'] === '')) {
      throw new Error(`${t.kind} ${name} is namespaced but has no metadata.namespace`);
    }
    if (!t.namespaced) delete meta['namespace'];
    const key = keyOf(t, meta['namespace'] as string | undefined, name);
    const bucket = this.bucket(t);
    const previous = bucket.get(key)?.['metadata'] as Json | undefined;
    this.rv++;
    // An update keeps identity and age; only what the test did not choose is filled in.
    meta['uid'] ??= previous?.['uid'] ?? randomUUID();
    meta['creationTimestamp'] ??=
      previous?.['creationTimestamp'] ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    meta['resourceVersion'] ??= String(this.rv);
    bucket.set(key, obj);
    return obj;
  }

  remove(
    t: Pick<ResourceType, 'group' | 'plural' | 'namespaced'>,
    namespace: string | undefined,
    name: string,
  ) {
    if (this.bucket(t).delete(keyOf(t, namespace, name))) this.rv++;
  }

  /** Drops every object of a resource (a CRD deletion removes its custom objects). */
  removeAll(t: Pick<ResourceType, 'group' | 'plural'>) {
    if (this.byResource.delete(storageKeyOf(t))) this.rv++;
  }

  get(t: ResourceType, namespace: string | undefined, name: string): Json | undefined {
    return this.bucket(t).get(keyOf(t, namespace, name));
  }

  /** Objects under the prefix: the whole resource, or one namespace of it. */
  list(t: ResourceType, namespace?: string): KeyedObject[] {
    const out: KeyedObject[] = [];
    for (const [key, obj] of this.bucket(t)) {
      if (namespace === undefined || key.startsWith(`${namespace}/`)) out.push({ key, obj });
    }
    return out;
  }

  private bucket(t: Pick<ResourceType, 'group' | 'plural'>): Map<string, Json> {
    const id = storageKeyOf(t);
    let b = this.byResource.get(id);
    if (!b) this.byResource.set(id, (b = new Map()));
    return b;
  }
}

function keyOf(t: Pick<ResourceType, 'namespaced'>, namespace: string | undefined, name: string): string {
  return t.namespaced ? `${namespace ?? ''}/${name}` : name;
}

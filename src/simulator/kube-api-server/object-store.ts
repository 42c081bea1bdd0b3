import { createHash, randomUUID } from 'node:crypto';
import type { KeyedObject } from './list-pages.js';
import { storageKeyOf, type ResourceType } from './resource-type.js';

type Json = Record<string, unknown>;

/**
 * The fake's "etcd": objects per resource, keyed `namespace/name` (or `name`), and one global
 * revision counter that every write bumps, which becomes list and object resourceVersions.
 * Objects are deep-copied on the way in so a test mutating its fixture later cannot rewrite history
 * (paginated walks hold references to stored objects).
 *
 * Generated objects (`putGenerated`) are held as their key and a builder only, and built each time
 * they are read: a benchmark cluster of 100,000 Secrets then costs the fake a few megabytes of keys
 * instead of gigabytes of objects (BENCHMARKS.md "TLS Secret scan at scale").
 */
export class ObjectStore {
  private readonly byResource = new Map<string, Map<string, Json | Generated>>();
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
    const previous = resolve(bucket.get(key))?.['metadata'] as Json | undefined;
    this.rv++;
    // An update keeps identity and age; only what the test did not choose is filled in.
    meta['uid'] ??= previous?.['uid'] ?? randomUUID();
    meta['creationTimestamp'] ??=
      previous?.['creationTimestamp'] ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    meta['resourceVersion'] ??= String(this.rv);
    bucket.set(key, obj);
    return obj;
  }

  /**
   * `count` objects built on demand by `build(i)`, which must return the same object for the same `i`
   * every time (name and namespace included; called once here to learn the keys). uid,
   * creationTimestamp and resourceVersion are filled in as `put` does, but stably: the uid is derived
   * from the key and all of them share one revision. Replaces any stored object with the same key.
   */
  putGenerated(t: ResourceType, count: number, build: (i: number) => Json): void {
    const bucket = this.bucket(t);
    this.rv++;
    const rv = String(this.rv);
    const created = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    for (let i = 0; i < count; i++) {
      const meta = (build(i)['metadata'] ?? {}) as Json;
      const name = meta['name'];
      if (typeof name !== 'string' || name === '')
        throw new Error(`generated ${t.kind} ${i} has no metadata.name`);
      const ns = t.namespaced ? meta['namespace'] : undefined;
      if (t.namespaced && (typeof ns !== 'string' || ns === '')) {
        throw new Error(`generated ${t.kind} ${name} is namespaced but has no metadata.namespace`);
      }
      const key = keyOf(t, ns as string | undefined, name);
      bucket.set(key, new Generated(() => withIdentity(build(i), key, rv, created, t.namespaced)));
    }
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
    return resolve(this.bucket(t).get(keyOf(t, namespace, name)));
  }

  /** Objects under the prefix: the whole resource, or one namespace of it. */
  list(t: ResourceType, namespace?: string): KeyedObject[] {
    const out: KeyedObject[] = [];
    for (const [key, value] of this.bucket(t)) {
      if (namespace !== undefined && !key.startsWith(`${namespace}/`)) continue;
      out.push(value instanceof Generated ? value.keyed(key) : { key, obj: value });
    }
    return out;
  }

  private bucket(t: Pick<ResourceType, 'group' | 'plural'>): Map<string, Json | Generated> {
    const id = storageKeyOf(t);
    let b = this.byResource.get(id);
    if (!b) this.byResource.set(id, (b = new Map()));
    return b;
  }
}

function keyOf(t: Pick<ResourceType, 'namespaced'>, namespace: string | undefined, name: string): string {
  return t.namespaced ? `${namespace ?? ''}/${name}` : name;
}

/** A stored object that is built when read (ObjectStore.putGenerated). */
class Generated {
  constructor(readonly build: () => Json) {}

  /** The object under its key, built only when a list page reads `obj`. */
  keyed(key: string): KeyedObject {
    const build = this.build;
    return {
      key,
      get obj() {
        return build();
      },
    };
  }
}

function resolve(value: Json | Generated | undefined): Json | undefined {
  return value instanceof Generated ? value.build() : value;
}

function withIdentity(obj: Json, key: string, rv: string, created: string, namespaced: boolean): Json {
  const meta = ((obj['metadata'] as Json | undefined) ?? {}) as Json;
  obj['metadata'] = meta;
  if (!namespaced) delete meta['namespace'];
  // A stable uid for a stable object: the same key always reads back the same uid.
  const h = createHash('sha1').update(key).digest('hex');
  meta['uid'] ??=
    `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  meta['creationTimestamp'] ??= created;
  meta['resourceVersion'] ??= rv;
  return obj;
}

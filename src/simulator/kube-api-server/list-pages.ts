import { decodeContinue, encodeContinue } from './continue-token.js';
import { KubeStatusError, kubeStatus } from './kube-status.js';

type Json = Record<string, unknown>;

/** One stored object with its etcd-style key (`namespace/name`, or `name` when cluster-scoped). */
export interface KeyedObject {
  key: string;
  obj: Json;
}

export interface PageRequest {
  /** Everything under the request's key prefix (resource, and namespace when the path names one). */
  current: () => KeyedObject[];
  /** Identifies the prefix so a token is only honoured for the list that issued it. */
  prefix: string;
  currentRv: number;
  limit?: number;
  continueToken?: string;
  /** Label and field selector predicate; undefined when the request has none. */
  predicate?: (obj: Json) => boolean;
}

export interface Page {
  items: Json[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/**
 * Chunked lists with etcd semantics. The first page pins a snapshot of the prefix at the current
 * revision; continue tokens name that revision, so one paginated walk is consistent even while
 * objects change. expireAll() plays etcd compaction: old revisions are gone and their tokens get a 410.
 */
export class ListPages {
  private readonly snapshots = new Map<string, KeyedObject[]>();
  private compactedRv = 0;

  expireAll(currentRv: number): void {
    this.snapshots.clear();
    // Revisions before the current one are compacted; the current one stays readable, as in etcd,
    // so a list restarted after a 410 works even when nothing was written since.
    this.compactedRv = currentRv - 1;
  }

  page(req: PageRequest): Page {
    let rv = req.currentRv;
    let start = '';
    let items: KeyedObject[];
    if (req.continueToken) {
      const token = decodeContinue(req.continueToken);
      start = token.start;
      if (token.rv === -1) {
        items = sortByKey(req.current());
      } else {
        const snap = this.snapshots.get(snapshotId(req.prefix, token.rv));
        if (!snap || token.rv <= this.compactedRv) {
          throw new KubeStatusError(kubeStatus.continueExpired(encodeContinue({ rv: -1, start })));
        }
        rv = token.rv;
        items = snap;
      }
    } else {
      items = sortByKey(req.current());
    }

    const limit = req.limit && req.limit > 0 ? req.limit : Infinity;
    const out: Json[] = [];
    let lastIndex = -1;
    for (let i = firstAtOrAfter(items, start); i < items.length; i++) {
      if (out.length >= limit) break;
      const item = items[i] as KeyedObject;
      lastIndex = i;
      // Read once: a generated object is built on each read of `obj` (ObjectStore.putGenerated).
      const obj = item.obj;
      if (!req.predicate || req.predicate(obj)) out.push(obj);
    }
    // Like etcd3's store: more keys after the last scanned one means a continue token, even when
    // none of them match the selector (the next page is then empty). Clients must cope with that.
    const remaining = lastIndex >= 0 ? items.length - 1 - lastIndex : 0;
    const page: Page = { items: out, resourceVersion: String(rv) };
    if (out.length >= limit && remaining > 0) {
      const last = items[lastIndex] as KeyedObject;
      this.snapshots.set(snapshotId(req.prefix, rv), items);
      page.continue = encodeContinue({ rv, start: `${last.key}\u0000` });
      // The real server only counts when there is no selector: it cannot count matches it did not read.
      if (!req.predicate) page.remainingItemCount = remaining;
    }
    return page;
  }
}

function snapshotId(prefix: string, rv: number) {
  return `${prefix}@${rv}`;
}

/** etcd orders by key bytes; `namespace/name` keys therefore sort by namespace, then name. */
function sortByKey(items: KeyedObject[]): KeyedObject[] {
  return [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Binary search over the sorted keys: a walk of 200 pages over 100,000 objects stays linear. */
function firstAtOrAfter(items: KeyedObject[], start: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((items[mid] as KeyedObject).key < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

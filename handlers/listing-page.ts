import { problemCount } from '../src/alerts/index-snapshot.js';
import type {
  ListedFinding,
  ListedKey,
  ListedRun,
  ListingRange,
  RunSummary,
  SnapshotIndex,
} from '../src/alerts/snapshot-index.js';
import { PAGE_SIZE, pageBounds } from './paginate.js';

export type ListingPage =
  | { ok: true; items: ListedFinding[]; page: number; pages: number; remaining: number; total: number }
  | { ok: false; problem: string };

/**
 * One page of a listing over many runs (clusters, and the checks a command merges), read from the
 * stored lists: each run gives its first `page x 20` keys, the keys are merged in the listing's
 * order, and only the findings on the page are read. So `/k8s certs` over 200 clusters reads at most
 * 20 keys per run for page 1 and 20 findings in all, never a whole snapshot (issue 12).
 *
 * Ties across runs (the same object in two runs) keep the order of `runs`.
 */
export async function listingPage(
  index: Pick<SnapshotIndex, 'listed' | 'findings'>,
  runs: readonly RunSummary[],
  range: ListingRange,
  compare: (a: ListedKey, b: ListedKey) => number,
  page: number,
): Promise<ListingPage> {
  // A run with nothing in the list costs no read.
  const holding = runs.filter((r) => (range.order === 'dated' ? r.dated : problemCount(r)) > 0);
  const limit = page * PAGE_SIZE;
  // First a few keys of each run: 200 runs rarely put more than one or two each on a page. Then the
  // whole `limit` of the runs that could still reach the page: those whose last key read sorts before
  // the page's last key so far. A run whose last key read sorts after it cannot, since its unread
  // keys sort after that one. So the merge is exact in two reads, most of them small.
  const first = Math.min(limit, Math.max(2, Math.ceil((2 * limit) / Math.max(1, holding.length))));
  const listed = await index.listed(holding, range, first);
  const total = listed.reduce((n, l) => n + l.total, 0);
  const bounds = pageBounds(total, page);
  if (!bounds.ok) return bounds;
  const last = mergeRuns(listed, compare, bounds.end)[bounds.end - 1];
  const more = listed.flatMap((l, i) => {
    if (l.fetched >= Math.min(l.total, limit)) return [];
    const tail = l.key(l.fetched - 1);
    const c = last ? compare(tail, last) : -1;
    return c < 0 || (c === 0 && last !== undefined && i <= holding.indexOf(runOf(holding, last))) ? [i] : [];
  });
  if (more.length > 0) {
    const again = await index.listed(
      more.map((i) => holding[i]!),
      range,
      limit,
    );
    more.forEach((i, j) => (listed[i] = again[j]!));
  }
  const merged = mergeRuns(listed, compare, bounds.end).slice(bounds.start);
  const items = await index.findings(merged);
  return { ok: true, items, page, pages: bounds.pages, remaining: total - bounds.end, total };
}

/** The run a key was read from. */
function runOf(runs: readonly RunSummary[], key: ListedKey): RunSummary {
  return (
    runs.find((r) => r.cluster === key.cluster && r.check === key.check && r.version === key.version) ??
    runs[0]!
  );
}

interface Head {
  run: number;
  next: number;
  key: ListedKey;
}

/**
 * The first `count` keys of sorted runs, in order: a binary heap of one head per run, so 200 runs
 * cost about 20 x log2(200) comparisons and 200 + 20 decoded members for a page, not a sort of 4,000.
 */
export function mergeRuns(
  runs: readonly ListedRun[],
  compare: (a: ListedKey, b: ListedKey) => number,
  count: number,
): ListedKey[] {
  const before = (a: Head, b: Head) => {
    const c = compare(a.key, b.key);
    return c < 0 || (c === 0 && a.run < b.run);
  };
  const heap: Head[] = [];
  const push = (h: Head) => {
    heap.push(h);
    for (let i = heap.length - 1; i > 0;) {
      const up = (i - 1) >> 1;
      if (!before(heap[i]!, heap[up]!)) break;
      [heap[i], heap[up]] = [heap[up]!, heap[i]!];
      i = up;
    }
  };
  const pop = (): Head | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };
  runs.forEach((r, run) => {
    if (r.fetched > 0) push({ run, next: 1, key: r.key(0) });
  });
  const out: ListedKey[] = [];
  while (out.length < count) {
    const h = pop();
    if (!h) break;
    out.push(h.key);
    const r = runs[h.run]!;
    if (h.next < r.fetched) push({ run: h.run, next: h.next + 1, key: r.key(h.next) });
  }
  return out;
}

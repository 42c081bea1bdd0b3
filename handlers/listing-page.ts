import type {
  ListedFinding,
  ListedKey,
  ListingRange,
  RunSummary,
  SnapshotIndex,
} from '../src/alerts/snapshot-index.js';
import { problemCount } from '../src/alerts/index-snapshot.js';
import { PAGE_SIZE, pageBounds } from './paginate.js';

export type ListingPage =
  | { ok: true; items: ListedFinding[]; page: number; pages: number; remaining: number; total: number }
  | { ok: false; problem: string };

/**
 * One page of a listing over many runs (clusters, and the checks a command merges), read from the
 * stored lists: each run gives its first `page x 20` keys, the keys are merged in the listing's
 * order, and only the findings on the page are read. So `/k8s certs` over 200 clusters reads at most
 * 20 findings per run for page 1, and their members, never a whole snapshot (issue 12).
 *
 * Ties across runs (the same object in two runs) keep the order of `runs`, then each run's own.
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
  const listed = await index.listed(holding, range, page * PAGE_SIZE);
  const total = listed.reduce((n, l) => n + l.total, 0);
  const bounds = pageBounds(total, page);
  if (!bounds.ok) return bounds;
  const merged = listed
    .flatMap((l, source) => l.keys.map((key) => ({ key, source })))
    .sort((a, b) => compare(a.key, b.key) || a.source - b.source || a.key.rank - b.key.rank)
    .slice(bounds.start, bounds.end)
    .map((m) => m.key);
  const items = await index.findings(merged);
  return { ok: true, items, page, pages: bounds.pages, remaining: total - bounds.end, total };
}

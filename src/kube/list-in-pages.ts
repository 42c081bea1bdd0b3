import { KubeApiError } from './kube-api-error.js';
import type { KubeClient, Query } from './kube-client.js';
import { KubeResponseError, describeJsonValue } from './kube-response-error.js';
import { ListBoundError } from './list-bound-error.js';

/** A Kubernetes list as JSON: `metadata.continue` is the token of the next page. */
export interface ListPage<T> {
  items: T[];
  metadata?: { continue?: string };
}

interface Keyed {
  metadata?: { namespace?: string; name?: string };
}

/** Safety bounds of one paginated walk; each one that fires ends the walk with a ListBoundError. */
export interface ListLimits {
  maxPages: number;
  /** Items received, duplicates included: also bounds the set of keys kept for de-duplication. */
  maxItems: number;
  /** Wall time of the whole walk, consumer included (each request is bounded on its own too). */
  maxDurationMs: number;
}

/**
 * Far above any real cluster (200,000 TLS Secrets are 400 pages of 500), low enough that a server
 * that never stops paginating is noticed within one check run instead of holding it forever.
 */
export const defaultListLimits: ListLimits = {
  maxPages: 10_000,
  maxItems: 2_000_000,
  maxDurationMs: 15 * 60_000,
};

/**
 * Walks a paginated list with `limit`/`continue`, yielding each page as it arrives so the caller never
 * holds the whole collection (listing every Secret at once OOMed other tools; BENCHMARKS.md "TLS
 * Secret scan at scale").
 * A continue token expires after a few minutes (410 Gone); a slow consumer can hit that mid-walk, so the
 * list restarts once from the beginning and objects already yielded (by namespace/name) are skipped.
 * Only the keys are kept, not the objects.
 *
 * A server (or a proxy in front of it) that hands back a continue token it already gave would make
 * this loop forever while yielding nothing new, so a repeated token, too many pages, too many items
 * or too much time each stop the walk with a ListBoundError naming the bound.
 *
 * With `prefetch`, the request for the next page goes out before the current page is handed to the
 * consumer, so the API server prepares and sends it while the consumer works (the Secret walk of the
 * certificate check: BENCHMARKS.md "TLS Secret scan at scale"). A fetcher that can read the next
 * token from the head of a body still arriving calls `announce` with it (kube-apiserver writes
 * `metadata` before `items`), and the next request goes out at once, so the server prepares page
 * N+1 while page N is still being read and decoded. At most one request is ahead, every bound is
 * checked as without it, a token announced but not the one the decoded page names is dropped, and
 * a prefetched page that is never asked for is dropped.
 */
export async function* listInPages<T extends Keyed>(
  fetchPage: (
    continueToken: string | undefined,
    announce: (next: string | undefined) => void,
  ) => Promise<ListPage<T>>,
  limits: Partial<ListLimits> = {},
  clock: () => number = () => performance.now(),
  opts: { prefetch?: boolean } = {},
): AsyncGenerator<T[]> {
  const { maxPages, maxItems, maxDurationMs } = { ...defaultListLimits, ...limits };
  const started = clock();
  const yielded = new Set<string>();
  let tokens = new Set<string>();
  let restarted = false;
  let token: string | undefined;
  let pages = 0;
  let items = 0;
  /** The request for the page after the current one, sent before the current one was consumed. */
  let ahead: { token: string; page: Promise<ListPage<T>> } | undefined;
  /** The next token each request named, by the token it was sent with ('' for the first page). */
  let heads = new Map<string, string | undefined>();
  /** Pages counted once the current one is in. */
  let settled = 0;
  const request = (t: string | undefined): Promise<ListPage<T>> =>
    fetchPage(t, (next) => {
      if (heads.has(t ?? '')) return;
      heads.set(t ?? '', next);
      pump();
    });
  let pumping = false;
  const pump = () => {
    if (!opts.prefetch || ahead !== undefined || pumping || !heads.has(token ?? '')) return;
    const next = heads.get(token ?? '');
    if (next === undefined || next === token || tokens.has(next) || settled >= maxPages) return;
    // A fetcher may announce synchronously, from inside `request`: that must not send twice.
    pumping = true;
    try {
      const page = request(next);
      // Its failure is thrown when it is awaited; unawaited (the consumer stopped), it is dropped.
      page.catch(() => undefined);
      ahead = { token: next, page };
    } finally {
      pumping = false;
    }
  };
  for (;;) {
    if (pages >= maxPages) {
      throw new ListBoundError(
        'max-pages',
        `the list did not end after ${pages} pages (the page cap is ${maxPages}); the API server keeps handing out continue tokens`,
      );
    }
    const elapsed = clock() - started;
    if (pages > 0 && elapsed >= maxDurationMs) {
      throw new ListBoundError(
        'max-duration',
        `the list did not end within ${Math.round(elapsed / 1000)} s (the time cap is ${Math.round(maxDurationMs / 1000)} s), after ${pages} pages`,
      );
    }
    let page: ListPage<T>;
    try {
      const early = ahead;
      ahead = undefined;
      settled = pages + 1;
      const current = early !== undefined && early.token === token ? early.page : request(token);
      pump(); // the head of this page may already have named the next one
      page = await current;
    } catch (err) {
      ahead = undefined;
      heads = new Map();
      if (token !== undefined && !restarted && err instanceof KubeApiError && err.code === 410) {
        restarted = true;
        token = undefined;
        // The restarted walk may legitimately hand out the same tokens again (same revision).
        tokens = new Set();
        continue;
      }
      throw err;
    }
    pages += 1;
    const received: unknown = (page as { items?: unknown } | null | undefined)?.items;
    if (!Array.isArray(received)) throw new KubeResponseError(notAList(page));
    items += received.length;
    if (items > maxItems) {
      throw new ListBoundError(
        'max-items',
        `the list did not end after ${items} items (the item cap is ${maxItems}), in ${pages} pages`,
      );
    }
    // A null or a number among the items would reach every reader as a TypeError ("Cannot read
    // properties of null") quoted into the finding (found by test/fuzz/kube-list.test.ts).
    const odd = received.findIndex(
      (item: unknown) => !item || typeof item !== 'object' || Array.isArray(item),
    );
    if (odd >= 0) {
      throw new KubeResponseError(
        `a list whose item ${odd + 1} of ${received.length} is ${describeJsonValue(received[odd])}, not an object`,
      );
    }
    const fresh: T[] = [];
    for (const item of received as T[]) {
      const key = `${item?.metadata?.namespace ?? ''}/${item?.metadata?.name ?? ''}`;
      if (yielded.has(key)) continue;
      yielded.add(key);
      fresh.push(item);
    }
    const next = continueOf(page);
    if (heads.get(token ?? '') !== next) {
      // The decoded page is the truth: a request sent on another token is not this walk's.
      ahead = undefined;
      heads.set(token ?? '', next);
    }
    pump();
    if (fresh.length > 0) yield fresh;
    heads.delete(token ?? '');
    token = next;
    if (token === undefined) return;
    if (tokens.has(token)) {
      throw new ListBoundError(
        'repeated-continue-token',
        `the API server handed out a continue token it had already given (page ${pages}); a correct server never repeats one, so the list would never end`,
      );
    }
    tokens.add(token);
  }
}

function continueOf(page: ListPage<unknown>): string | undefined {
  const token: unknown = (page.metadata as { continue?: unknown } | null | undefined)?.continue;
  if (token === undefined || token === null || token === '') return undefined;
  if (typeof token !== 'string') {
    throw new KubeResponseError(`a list whose metadata.continue is ${describeJsonValue(token)}, not a token`);
  }
  return token;
}

function notAList(page: unknown): string {
  const kind = (page as { kind?: unknown } | null | undefined)?.kind;
  const named = typeof kind === 'string' && /^[A-Za-z]{1,60}$/.test(kind) ? ` of kind ${kind}` : '';
  const what =
    page && typeof page === 'object' && !Array.isArray(page)
      ? `an object${named} without an items list`
      : describeJsonValue(page);
  return `${what} instead of a Kubernetes list`;
}

/**
 * The pages of the list at `path` (a REST collection path such as `/api/v1/pods`), `pageSize` items
 * a page, through listInPages' bounds and 410 restart. The path literal at each call is what the RBAC
 * test (test/unit/deploy/kube-api-calls.ts) reads to prove the chart grants `list` on it.
 */
export function listAll<T extends Keyed>(
  client: KubeClient,
  path: string,
  query: Query,
  pageSize: number,
  opts: { prefetch?: boolean; limits?: Partial<ListLimits> } = {},
): AsyncGenerator<T[]> {
  return listInPages(
    (token) => client.get(path, { ...query, limit: pageSize, continue: token }) as Promise<ListPage<T>>,
    opts.limits,
    undefined,
    opts.prefetch ? { prefetch: true } : {},
  );
}

import { ApiException } from '@kubernetes/client-node';

interface ListPage<T> {
  items: T[];
  metadata?: { _continue?: string };
}

interface Keyed {
  metadata?: { namespace?: string; name?: string };
}

/**
 * Walks a paginated list with `limit`/`continue`, yielding each page as it arrives so the caller never
 * holds the whole collection (DOMAIN.md "Scale": listing every Secret at once OOMed other tools).
 * A continue token expires after a few minutes (410 Gone); a slow consumer can hit that mid-walk, so the
 * list restarts once from the beginning and objects already yielded (by namespace/name) are skipped.
 * Only the keys are kept, not the objects.
 */
export async function* listInPages<T extends Keyed>(
  fetchPage: (continueToken: string | undefined) => Promise<ListPage<T>>,
): AsyncGenerator<T[]> {
  const yielded = new Set<string>();
  let restarted = false;
  let token: string | undefined;
  for (;;) {
    let page: ListPage<T>;
    try {
      page = await fetchPage(token);
    } catch (err) {
      if (token !== undefined && !restarted && err instanceof ApiException && err.code === 410) {
        restarted = true;
        token = undefined;
        continue;
      }
      throw err;
    }
    const fresh: T[] = [];
    for (const item of page.items) {
      const key = `${item.metadata?.namespace ?? ''}/${item.metadata?.name ?? ''}`;
      if (yielded.has(key)) continue;
      yielded.add(key);
      fresh.push(item);
    }
    if (fresh.length > 0) yield fresh;
    token = page.metadata?._continue || undefined;
    if (token === undefined) return;
  }
}

/** Lines per page: 20 lines stay well inside Slack's message budget and read on a phone. */
export const PAGE_SIZE = 20;

export type Page<T> =
  { ok: true; items: T[]; page: number; pages: number; remaining: number } | { ok: false; problem: string };

export type PageBounds =
  { ok: true; page: number; pages: number; start: number; end: number } | { ok: false; problem: string };

/**
 * Where page `page` (1-based) of `total` items starts and ends; asking past the end is an error that
 * says how many pages exist. For listings read page by page from Redis, which know the total first.
 */
export function pageBounds(total: number, page = 1, size = PAGE_SIZE): PageBounds {
  const pages = Math.max(1, Math.ceil(total / size));
  if (page > pages) {
    return {
      ok: false,
      problem: `there ${pages === 1 ? 'is only 1 page' : `are only ${pages} pages`}; ask for --page 1 to ${pages}`,
    };
  }
  const start = (page - 1) * size;
  return { ok: true, page, pages, start, end: Math.min(total, start + size) };
}

/** One page of `items` (1-based); asking past the end is an error that says how many pages exist. */
export function paginate<T>(items: readonly T[], page = 1, size = PAGE_SIZE): Page<T> {
  const bounds = pageBounds(items.length, page, size);
  if (!bounds.ok) return bounds;
  const slice = items.slice(bounds.start, bounds.end);
  return { ok: true, items: slice, page, pages: bounds.pages, remaining: items.length - bounds.end };
}

/** The last line of a page that has more after it, with the exact command for the next one. */
export function moreLine(remaining: number, nextCommand: string): string {
  return `…and ${remaining} more: ${nextCommand}`;
}

/** ` (page 2 of 8)` for titles; empty when everything fits on one page. */
export function pageSuffix(page: number, pages: number): string {
  return pages > 1 ? ` (page ${page} of ${pages})` : '';
}

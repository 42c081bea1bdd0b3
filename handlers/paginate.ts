/** Lines per page: 20 lines stay well inside Slack's message budget and read on a phone. */
export const PAGE_SIZE = 20;

export type Page<T> =
  { ok: true; items: T[]; page: number; pages: number; remaining: number } | { ok: false; problem: string };

/** One page of `items` (1-based); asking past the end is an error that says how many pages exist. */
export function paginate<T>(items: readonly T[], page = 1, size = PAGE_SIZE): Page<T> {
  const pages = Math.max(1, Math.ceil(items.length / size));
  if (page > pages) {
    return {
      ok: false,
      problem: `there ${pages === 1 ? 'is only 1 page' : `are only ${pages} pages`}; ask for --page 1 to ${pages}`,
    };
  }
  const start = (page - 1) * size;
  const slice = items.slice(start, start + size);
  return { ok: true, items: slice, page, pages, remaining: items.length - start - slice.length };
}

/** The last line of a page that has more after it, with the exact command for the next one. */
export function moreLine(remaining: number, nextCommand: string): string {
  return `…and ${remaining} more: ${nextCommand}`;
}

/** ` (page 2 of 8)` for titles; empty when everything fits on one page. */
export function pageSuffix(page: number, pages: number): string {
  return pages > 1 ? ` (page ${page} of ${pages})` : '';
}

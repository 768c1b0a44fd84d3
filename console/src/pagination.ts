/**
 * Cursor pagination of a list route (`{ data, nextCursor }`): the cursors of the pages seen so far, so
 * that "Previous" goes back to exactly the page it was (a cursor only goes forward). Immutable values:
 * each move answers a new state.
 */
export interface Pages {
  /** The cursor of each page visited; `null` is the first page. */
  readonly cursors: readonly (string | null)[];
  /** The page shown: an index into `cursors`. */
  readonly index: number;
  /** The next page's cursor, as the shown page's answer gave it; `null` on the last page. */
  readonly nextCursor: string | null;
}

export const FIRST_PAGE: Pages = { cursors: [null], index: 0, nextCursor: null };

/** The cursor to request the shown page with. */
export function currentCursor(pages: Pages): string | null {
  return pages.cursors[pages.index] ?? null;
}

/** The shown page's answer arrived: remember where the next page starts. */
export function loaded(pages: Pages, nextCursor: string | null): Pages {
  return { ...pages, nextCursor };
}

export function hasNext(pages: Pages): boolean {
  return pages.nextCursor !== null;
}

export function hasPrevious(pages: Pages): boolean {
  return pages.index > 0;
}

/** Forward to the next page; the pages after the shown one are forgotten (their cursors may differ now). */
export function next(pages: Pages): Pages {
  if (pages.nextCursor === null) return pages;
  const cursors = [...pages.cursors.slice(0, pages.index + 1), pages.nextCursor];
  return { cursors, index: pages.index + 1, nextCursor: null };
}

export function previous(pages: Pages): Pages {
  if (pages.index === 0) return pages;
  return { ...pages, index: pages.index - 1, nextCursor: pages.cursors[pages.index] ?? null };
}

/** `path` with `limit` and, past the first page, `cursor` added to its query. */
export function pageUrl(path: string, pages: Pages, limit: number): string {
  const [base, query = ''] = path.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  params.set('limit', String(limit));
  const cursor = currentCursor(pages);
  if (cursor !== null) params.set('cursor', cursor);
  return `${base}?${params.toString()}`;
}

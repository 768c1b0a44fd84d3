/** Loading one resource or one page of a list, with its loading, error and loaded states. */
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useState } from 'preact/hooks';
import { ApiError, type OpsApi } from './api.js';
import { FIRST_PAGE, loaded, type Pages, pageUrl } from './pagination.js';

export const ApiContext = createContext<OpsApi | null>(null);

export function useApi(): OpsApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('no API client: sign in first');
  return api;
}

export type Resource<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'error'; readonly error: ApiError }
  | { readonly state: 'ready'; readonly data: T };

export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError('network', 0, String(error));
}

/** GETs `path` (again when it changes, or on `reload`); `null` loads nothing. */
export function useResource<T>(path: string | null): [Resource<T>, () => void] {
  const api = useApi();
  const [resource, setResource] = useState<Resource<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setResource({ state: 'loading' });
    api.get<T>(path).then(
      (data) => current && setResource({ state: 'ready', data }),
      (error) => current && setResource({ state: 'error', error: asApiError(error) }),
    );
    return () => {
      current = false;
    };
  }, [api, path, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return [resource, reload];
}

export interface ListPage<T> {
  readonly data: T[];
  readonly nextCursor: string | null;
}

/** One page of a list route; the pages reset when `path` (its filters) changes. */
export function usePagedList<T>(path: string | null, limit = 20) {
  const [pages, setPages] = useState<Pages>(FIRST_PAGE);
  useEffect(() => setPages(FIRST_PAGE), [path]);
  const [resource, reload] = useResource<ListPage<T>>(path === null ? null : pageUrl(path, pages, limit));
  const nextCursor = resource.state === 'ready' ? (resource.data.nextCursor ?? null) : null;
  useEffect(() => setPages((p) => (p.nextCursor === nextCursor ? p : loaded(p, nextCursor))), [nextCursor]);
  return { resource, reload, pages, setPages };
}

/**
 * The console's client of the ops routes: the ops key as a bearer token, JSON in and out, and every
 * failure turned into one ApiError the pages show (the problem's title and detail, or what went wrong
 * on the way). DOM-free: `fetch` is given, so tests drive it with a stub.
 */

export interface ProblemDetails {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly errors?: readonly { path: string; message: string }[];
}

export type ApiErrorKind = 'unauthorized' | 'not-found' | 'invalid' | 'conflict' | 'server' | 'network';

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    readonly status: number,
    message: string,
    readonly problem?: ProblemDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

function kindOf(status: number): ApiErrorKind {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status >= 500) return 'server';
  return 'invalid';
}

/** The error an answer of `status` stands for, worded from its problem body when it has one. */
export function errorOf(status: number, body: unknown): ApiError {
  const problem = body !== null && typeof body === 'object' ? (body as ProblemDetails) : undefined;
  const title = problem?.title ?? `HTTP ${status}`;
  const parts = [title, problem?.detail, ...(problem?.errors ?? []).map((e) => `${e.path}: ${e.message}`)];
  return new ApiError(kindOf(status), status, parts.filter(Boolean).join(' — '), problem);
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly idempotent?: boolean;
  /** A body sent as is (a statement's CSV), with its content type. */
  readonly raw?: { readonly text: string; readonly contentType: string };
}

export class OpsApi {
  constructor(
    private readonly key: string,
    private readonly fetchImpl: Fetch,
    private readonly newKey: () => string = () => globalThis.crypto.randomUUID(),
  ) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** A POST; creations carry a fresh `Idempotency-Key` (one per click, so a retry by the browser is safe). */
  post<T>(path: string, body: unknown = {}, idempotent = false): Promise<T> {
    return this.request<T>('POST', path, { body, idempotent });
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.key}`,
      Accept: 'application/json',
    };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (options.raw) headers['Content-Type'] = options.raw.contentType;
    if (options.idempotent) headers['Idempotency-Key'] = this.newKey();
    const body = options.raw?.text ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined);
    let response: Response;
    try {
      response = await this.fetchImpl(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    } catch (error) {
      throw new ApiError('network', 0, `The API could not be reached: ${(error as Error).message}`);
    }
    const text = await response.text();
    let answer: unknown = null;
    if (text !== '') {
      try {
        answer = JSON.parse(text);
      } catch {
        if (!response.ok) throw errorOf(response.status, null);
        throw new ApiError('server', response.status, 'The API answered something that is not JSON');
      }
    }
    if (!response.ok) throw errorOf(response.status, answer);
    return answer as T;
  }
}

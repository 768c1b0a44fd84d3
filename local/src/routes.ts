/**
 * HTTP API route selection, as API Gateway does it: an exact path beats a path with variables,
 * which beats a greedy `{proxy+}`; a route for the method beats `ANY`; `$default` catches the rest.
 */

export interface Route<T> {
  readonly routeKey: string;
  readonly target: T;
}

export interface RouteMatch<T> {
  readonly route: Route<T>;
  readonly pathParameters?: Record<string, string>;
}

interface Compiled<T> {
  readonly route: Route<T>;
  readonly method: string;
  readonly segments: readonly string[];
}

/** Compiles route keys once; `match` then picks the most specific route for a request. */
export class RouteTable<T> {
  private readonly compiled: Compiled<T>[] = [];
  private fallback?: Route<T>;

  constructor(routes: readonly Route<T>[]) {
    for (const route of routes) {
      if (route.routeKey === '$default') {
        this.fallback = route;
        continue;
      }
      const [method, path] = route.routeKey.split(' ');
      if (!method || !path?.startsWith('/')) throw new Error(`malformed route key ${route.routeKey}`);
      this.compiled.push({ route, method: method.toUpperCase(), segments: path.split('/').slice(1) });
    }
  }

  get routes(): readonly Route<T>[] {
    return [...this.compiled.map((c) => c.route), ...(this.fallback ? [this.fallback] : [])];
  }

  /** `path` is the raw (still percent-encoded) request path; segments are decoded one by one. */
  match(method: string, path: string): RouteMatch<T> | undefined {
    const segments = path.split('/').slice(1);
    let best: { score: number[]; match: RouteMatch<T> } | undefined;
    for (const c of this.compiled) {
      if (c.method !== 'ANY' && c.method !== method.toUpperCase()) continue;
      const params = matchSegments(c.segments, segments);
      if (!params) continue;
      const score = specificity(c);
      if (!best || compare(score, best.score) > 0) {
        const pathParameters = Object.keys(params).length > 0 ? params : undefined;
        best = { score, match: pathParameters ? { route: c.route, pathParameters } : { route: c.route } };
      }
    }
    if (best) return best.match;
    // API Gateway routes `/a/` to the route of `/a` (a route key cannot end with a slash).
    if (path.length > 1 && path.endsWith('/')) {
      const trimmed = this.match(method, path.slice(0, -1));
      if (trimmed && trimmed.route !== this.fallback) return trimmed;
    }
    return this.fallback ? { route: this.fallback } : undefined;
  }
}

function isGreedy(segment: string): boolean {
  return /^\{[^}]+\+\}$/.test(segment);
}

function isVariable(segment: string): boolean {
  return /^\{[^}]+\}$/.test(segment);
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function matchSegments(
  pattern: readonly string[],
  actual: readonly string[],
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    if (isGreedy(p)) {
      const rest = actual.slice(i);
      // A greedy variable needs at least one non-empty segment.
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      params[p.slice(1, -2)] = decode(rest.join('/'));
      return params;
    }
    const a = actual[i];
    if (a === undefined) return undefined;
    if (isVariable(p)) {
      if (a === '') return undefined;
      params[p.slice(1, -1)] = decode(a);
    } else if (p !== decode(a)) {
      return undefined;
    }
  }
  return pattern.length === actual.length ? params : undefined;
}

/** Literal segments first (left to right), then non-greedy over greedy, then method over ANY. */
function specificity(c: Compiled<unknown>): number[] {
  const greedy = c.segments.some(isGreedy);
  const literals = c.segments.map((s) => (isVariable(s) || isGreedy(s) ? 0 : 1));
  return [greedy ? 0 : 1, ...literals, c.segments.length, c.method === 'ANY' ? 0 : 1];
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The API's route table as the `$default` route's function knows it: the template's route keys
 * (`GET /v1/payments/{id}`), handed over at synth time by the API construct (infra/constructs/api.ts),
 * so the routes are wired in one place. Tells an unknown path (404) from a known path asked with
 * another method (405 + `Allow`).
 */

/** The methods the routes allow on `rawPath` (still percent-encoded), sorted; empty when none matches. */
export function allowedMethods(routeKeys: readonly string[], rawPath: string): string[] {
  const actual = rawPath.split('/').slice(1);
  const methods = new Set<string>();
  for (const key of routeKeys) {
    const [method, path] = key.split(' ');
    if (!method || !path) continue;
    if (matches(path.split('/').slice(1), actual)) methods.add(method);
  }
  return [...methods].sort();
}

function matches(pattern: readonly string[], actual: readonly string[]): boolean {
  if (pattern.length !== actual.length) return false;
  return pattern.every((p, i) => {
    const a = actual[i] ?? '';
    // A path variable takes any non-empty segment, as API Gateway's route selection does.
    if (/^\{[^}+]+\}$/.test(p)) return a !== '';
    return p === decode(a);
  });
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

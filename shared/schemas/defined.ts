/**
 * Builds a module-level schema (or any value made by calls) so that the bundler may drop it when nothing
 * reads it: `export const x = /* @__PURE__ *\/ defined(() => z.object(…))`. esbuild must assume that a
 * top-level call such as `z.object(…)` has side effects, so every schema of a module used to land in
 * every bundle that imported anything from that module; an unread pure call goes, with everything its
 * function would build. (create-payment carried every function's environment schema, URL and pattern
 * checks included: 2.3 KB.) The annotation sits at each call: esbuild honours a function's own
 * `@__NO_SIDE_EFFECTS__` only within its file.
 */
export function defined<T>(make: () => T): T {
  return make();
}

/** Tooling metadata shared by schema modules and the OpenAPI generator, without zod. */

/**
 * The JSON Schema of schemas zod cannot describe itself (a `queryInteger` is a digit string piped into a
 * number; a `stringMap` is a custom check): the OpenAPI document describes them as what the client sends.
 */
export const DOCUMENTED_AS = new WeakMap<object, Record<string, unknown>>();

/** zod to JSON Schema for the OpenAPI document: components from registries, inline parameter schemas. */
import * as z from 'zod/mini';
import type * as core from 'zod/v4/core';
import { DOCUMENTED_AS } from '../documented.js';
import { metadataSchema } from '../payment.js';
import { createWebhookEndpointBody } from '../webhooks.js';

export type JsonSchema = core.JSONSchema.BaseSchema;
export type Registry = core.$ZodRegistry<{ id: string; description?: string }>;

export const REF = '#/components/schemas/';

/** Refinements that JSON Schema cannot see (they are functions), restated as keywords. */
const REFINEMENTS = new Map<core.$ZodType, JsonSchema>([
  [metadataSchema, { maxProperties: 20 }],
  // `events` may not repeat a type (a refine on the array inside `optional`).
  [(createWebhookEndpointBody.shape.events as core.$ZodOptional)._zod.def.innerType, { uniqueItems: true }],
]);

/**
 * Replaces the JSON Schema of a schema registered in `DOCUMENTED_AS` (common.ts) by the registered one;
 * a `_default` around such a schema keeps its default.
 */
function documented({ zodSchema, jsonSchema }: { zodSchema: core.$ZodType; jsonSchema: JsonSchema }): void {
  const def = zodSchema._zod.def as { type: string; innerType?: object; defaultValue?: unknown };
  const withDefault = def.type === 'default' && def.innerType;
  const schema = DOCUMENTED_AS.get(withDefault || zodSchema);
  if (!schema) return;
  for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
  Object.assign(jsonSchema, withDefault ? { default: def.defaultValue } : {}, schema);
}

export function convert(registry: Registry, io: 'input' | 'output'): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, {
    io,
    uri: (id) => `${REF}${id}`,
    // The registry's `description`s go into the components.
    metadata: registry,
    unrepresentable: 'any',
    override: (context) => {
      const { zodSchema, jsonSchema } = context;
      documented(context);
      Object.assign(jsonSchema, REFINEMENTS.get(zodSchema));
      // `startsWith` also yields a `pattern`; its own format is not a JSON Schema format.
      if (jsonSchema.format === 'starts_with') delete jsonSchema.format;
      // zod strips unknown keys from a plain object's output, so it writes `additionalProperties: false`;
      // in a response that would forbid the fields the contract may add later. Strict objects keep it.
      const def = zodSchema._zod.def;
      if (io === 'output' && def.type === 'object' && def.catchall === undefined) {
        delete jsonSchema.additionalProperties;
      }
    },
  });
  const out: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    // A component is not a document of its own: no dialect, and `$id` would rebase its `$ref`s.
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
    out[id] = rest;
  }
  return out;
}

/** Inline JSON Schema of one zod schema (parameters and headers), without the dialect. */
export function inline(schema: core.$ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    override: documented,
  }) as JsonSchema;
  return rest;
}

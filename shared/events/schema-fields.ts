/**
 * The fields a consumer-side zod schema reads, from the schema itself: what docs/services.md lists under
 * each consumer and what the contract tests drop or retype to show the consumer refuses it.
 */
import type * as z from 'zod/mini';

export interface SchemaField {
  /** Keys from the detail down to the field (`['data', 'payment', 'id']`). */
  readonly path: readonly string[];
  /** `false` when the field, or an object above it, may be absent. */
  readonly required: boolean;
}

type Def = { type: string; innerType?: z.ZodMiniType; shape?: Record<string, z.ZodMiniType> };
const defOf = (schema: z.ZodMiniType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Every leaf field of `schema` (objects walked through; optional and nullable unwrapped). */
export function leavesOf(
  schema: z.ZodMiniType,
  path: readonly string[] = [],
  required = true,
): SchemaField[] {
  let def = defOf(schema);
  while ((def.type === 'optional' || def.type === 'nullable') && def.innerType) {
    if (def.type === 'optional') required = false;
    def = defOf(def.innerType);
  }
  if (def.type !== 'object' || !def.shape) return path.length > 0 ? [{ path, required }] : [];
  return Object.entries(def.shape).flatMap(([key, field]) => leavesOf(field, [...path, key], required));
}

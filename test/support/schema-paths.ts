/**
 * The fields a consumer-side zod schema relies on, read from the schema itself, and the details that
 * break each: for every field the schema requires, the detail without it (a producer that dropped or
 * renamed it); for every field it reads that the detail carries, the detail with an object in its place
 * (a producer that retyped it: no field a consumer reads is an object where the schema has a leaf).
 */
import type * as z from 'zod/mini';
import { leavesOf } from '../../shared/events/schema-fields.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** `detail` with the field at `path` deleted, or replaced by `value`; `undefined` if it has no such field. */
function changed(detail: unknown, path: readonly string[], value?: unknown): unknown {
  const copy = structuredClone(detail);
  let node: unknown = copy;
  for (const key of path.slice(0, -1)) node = isRecord(node) ? node[key] : undefined;
  const last = path.at(-1) as string;
  if (!isRecord(node) || !Object.hasOwn(node, last)) return undefined;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** The details a consumer reading with `schema` must refuse, each with what was done to `detail`. */
export function mutations(schema: z.ZodMiniType, detail: unknown): { what: string; detail: unknown }[] {
  return leavesOf(schema).flatMap(({ path, required }) => {
    const field = path.join('.');
    const dropped = required ? changed(detail, path) : undefined;
    const retyped = changed(detail, path, { retyped: true });
    return [
      ...(dropped === undefined ? [] : [{ what: `without ${field}`, detail: dropped }]),
      ...(retyped === undefined ? [] : [{ what: `${field} retyped`, detail: retyped }]),
    ];
  });
}

/**
 * How a client's map (payment `metadata`) is stored: as a list of `[key, value]` pairs, not as a
 * DynamoDB map. A map's keys would pass through `@aws-sdk/util-dynamodb`, whose `marshall` throws on an
 * own `constructor` key (it asks `value.constructor.name` what kind of object it has) and whose
 * `unmarshall` builds objects with `out[key] = value`, turning a `__proto__` key into a prototype
 * change. Pairs keep every key a client may send as data, whatever its name, and keep the client's
 * order (a DynamoDB map has none). Rebuilt with `Object.fromEntries`, whose keys are own properties.
 */

/** `[key, value]` pairs in the client's order. */
export type StoredPairs = [string, string][];

/** The pairs to store for `map`, or `undefined` for an empty map (nothing stored). */
export function toStoredPairs(map: Readonly<Record<string, string>> | undefined): StoredPairs | undefined {
  if (!map) return undefined;
  const pairs = Object.entries(map);
  return pairs.length > 0 ? pairs : undefined;
}

/**
 * The map back from its stored pairs. `legacy` is a map stored as a DynamoDB map by earlier versions
 * (its keys were all plain names: the ones that were not never got stored).
 */
export function fromStoredPairs(
  pairs: readonly (readonly [string, string])[] | undefined,
  legacy?: unknown,
): Record<string, string> {
  if (pairs) return Object.fromEntries(pairs);
  if (typeof legacy !== 'object' || legacy === null) return {};
  return Object.fromEntries(Object.entries(legacy).filter(([, v]) => typeof v === 'string'));
}

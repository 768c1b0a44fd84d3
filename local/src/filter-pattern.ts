/**
 * Lambda event filtering (the EventBridge pattern language) over one record: exact values, `prefix`,
 * `suffix`, `anything-but`, `numeric`, `exists`, `equals-ignore-case`, `wildcard` and `$or`.
 *
 * Rules, as AWS documents them: every key of a pattern must match (AND); a leaf is a list of matchers
 * of which one must match (OR); an array in the record matches when any element does; a missing field
 * matches only `exists: false`; several filters of a mapping are ORed.
 */

export type Pattern = Record<string, unknown>;

export class InvalidPatternError extends Error {
  override readonly name = 'InvalidPatternError';
}

const MISSING = Symbol('missing');

/** True when `event` matches `pattern`. Throws `InvalidPatternError` on a pattern AWS would reject. */
export function matchesPattern(pattern: Pattern, event: unknown): boolean {
  return matchObject(pattern, event);
}

/**
 * Checks a whole pattern up front (matching stops at the first key that fails, so a bad matcher deep in
 * a pattern would otherwise surface only when an event reaches it). Throws `InvalidPatternError`.
 */
export function validatePattern(pattern: unknown): void {
  if (!isPlainObject(pattern)) throw new InvalidPatternError('a pattern must be a JSON object');
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(sub) || sub.length < 2)
        throw new InvalidPatternError('$or needs a list of at least two patterns');
      for (const p of sub) validatePattern(p);
    } else if (Array.isArray(sub)) {
      for (const matcher of sub) {
        if (!isPlainObject(matcher)) continue;
        // Each matcher validates its argument when applied; try it on a string and on a number.
        matchOne(matcher, 'x');
        matchOne(matcher, 1);
      }
    } else if (isPlainObject(sub)) {
      validatePattern(sub);
    } else {
      throw new InvalidPatternError(
        `pattern value for ${key} must be a list or an object, got ${JSON.stringify(sub)}`,
      );
    }
  }
}

/** True when `event` matches at least one of `patterns`, or when there are none (no filter). */
export function matchesAnyPattern(patterns: readonly Pattern[], event: unknown): boolean {
  return patterns.length === 0 || patterns.some((p) => matchesPattern(p, event));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function matchObject(pattern: Pattern, value: unknown): boolean {
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(sub) || sub.length < 2)
        throw new InvalidPatternError('$or needs a list of at least two patterns');
      if (!sub.some((p) => isPlainObject(p) && matchObject(p, value))) return false;
      continue;
    }
    const field = isPlainObject(value) && key in value ? value[key] : MISSING;
    if (Array.isArray(sub)) {
      if (!matchLeaf(sub, field)) return false;
    } else if (isPlainObject(sub)) {
      // Under a missing parent every field is missing too, so only `exists: false` can still match.
      if (field !== MISSING && !isPlainObject(field)) return false;
      if (!matchObject(sub, field === MISSING ? undefined : field)) return false;
    } else {
      throw new InvalidPatternError(
        `pattern value for ${key} must be a list or an object, got ${JSON.stringify(sub)}`,
      );
    }
  }
  return true;
}

function matchLeaf(matchers: unknown[], field: unknown): boolean {
  // A list in the record matches when any of its elements does.
  const values = field === MISSING ? [MISSING] : Array.isArray(field) ? field : [field];
  return matchers.some((m) => values.some((v) => matchOne(m, v)));
}

function matchOne(matcher: unknown, value: unknown): boolean {
  if (!isPlainObject(matcher)) {
    if (value === MISSING) return false;
    if (typeof matcher === 'number' && typeof value === 'number') return matcher === value;
    return matcher === value;
  }
  const entries = Object.entries(matcher);
  if (entries.length !== 1)
    throw new InvalidPatternError(`matcher ${JSON.stringify(matcher)} must have one key`);
  const [op, arg] = entries[0] as [string, unknown];
  if (op === 'exists') {
    if (typeof arg !== 'boolean') throw new InvalidPatternError('exists takes true or false');
    // `exists` tests leaves: an object value does not count as existing.
    const present = value !== MISSING && !isPlainObject(value);
    return arg ? present : value === MISSING;
  }
  if (value === MISSING) return false;
  switch (op) {
    case 'prefix':
      return stringTest(arg, value, (v, a) => v.startsWith(a), 'prefix');
    case 'suffix':
      return stringTest(arg, value, (v, a) => v.endsWith(a), 'suffix');
    case 'equals-ignore-case':
      if (typeof arg !== 'string') throw new InvalidPatternError('equals-ignore-case takes a string');
      return typeof value === 'string' && value.toLowerCase() === arg.toLowerCase();
    case 'wildcard':
      if (typeof arg !== 'string') throw new InvalidPatternError('wildcard takes a string');
      return typeof value === 'string' && wildcard(arg).test(value);
    case 'numeric':
      return numeric(arg, value);
    case 'anything-but':
      return anythingBut(arg, value);
    default:
      throw new InvalidPatternError(`unsupported matcher ${op}`);
  }
}

function stringTest(
  arg: unknown,
  value: unknown,
  test: (v: string, a: string) => boolean,
  op: string,
): boolean {
  if (typeof value !== 'string') return false;
  if (typeof arg === 'string') return test(value, arg);
  if (isPlainObject(arg) && typeof arg['equals-ignore-case'] === 'string') {
    return test(value.toLowerCase(), (arg['equals-ignore-case'] as string).toLowerCase());
  }
  throw new InvalidPatternError(`${op} takes a string or { "equals-ignore-case": string }`);
}

function wildcard(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's');
}

const COMPARATORS: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function numeric(arg: unknown, value: unknown): boolean {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0 || arg.length > 4) {
    throw new InvalidPatternError(
      `numeric takes one or two [operator, number] pairs, got ${JSON.stringify(arg)}`,
    );
  }
  if (typeof value !== 'number') return false;
  for (let i = 0; i < arg.length; i += 2) {
    const compare = COMPARATORS[String(arg[i])];
    const bound = arg[i + 1];
    if (!compare || typeof bound !== 'number')
      throw new InvalidPatternError(`bad numeric condition ${JSON.stringify(arg)}`);
    if (!compare(value, bound)) return false;
  }
  return true;
}

function anythingBut(arg: unknown, value: unknown): boolean {
  if (isPlainObject(arg)) {
    const [op, inner] = (Object.entries(arg)[0] ?? []) as [string, unknown];
    if (op === 'prefix' || op === 'suffix' || op === 'wildcard') {
      if (typeof value !== 'string') return false;
      return !matchOne({ [op]: inner }, value);
    }
    if (op === 'equals-ignore-case') {
      if (typeof value !== 'string') return false;
      const list = Array.isArray(inner) ? inner : [inner];
      return !list.some((s) => typeof s === 'string' && s.toLowerCase() === value.toLowerCase());
    }
    throw new InvalidPatternError(`anything-but does not take ${op}`);
  }
  const excluded = Array.isArray(arg) ? arg : [arg];
  return !excluded.some((e) => e === value);
}

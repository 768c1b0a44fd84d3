/**
 * CloudWatch Logs filter patterns, the part subscription filters of JSON logs use: `""` (every event) and
 * JSON property comparisons `{ $.a.b = "text" }`, `{ $.a != "text" }`, `{ $.n = 5 }` (`!=`, `<`, `>`,
 * `<=`, `>=` on numbers), `"prefix*"` wildcards in strings, joined by `&&` or by `||` (not both, no
 * parentheses). Anything else throws at start, naming the pattern, rather than matching wrongly.
 */

export type LogFilter = (message: string) => boolean;

export class UnsupportedFilterPatternError extends Error {
  override readonly name = 'UnsupportedFilterPatternError';
}

type Comparison = { path: string[]; op: string; value: string | number };

const COMPARISON = /^\$((?:\.[A-Za-z0-9_-]+)+)\s*(=|!=|<=|>=|<|>)\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)$/;

function parseComparison(text: string, pattern: string): Comparison {
  const match = COMPARISON.exec(text.trim());
  if (!match)
    throw new UnsupportedFilterPatternError(
      `filter pattern ${pattern} is not emulated locally (near "${text.trim()}")`,
    );
  const [, path = '', op = '=', raw = ''] = match;
  const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : Number(raw);
  if (typeof value === 'string' && op !== '=' && op !== '!=')
    throw new UnsupportedFilterPatternError(`filter pattern ${pattern}: ${op} compares numbers only`);
  return { path: path.slice(1).split('.'), op, value };
}

function valueAt(record: unknown, path: readonly string[]): unknown {
  let value = record;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function holds({ path, op, value }: Comparison, record: unknown): boolean {
  const actual = valueAt(record, path);
  if (typeof value === 'string') {
    const equal =
      typeof actual === 'string' &&
      (value.endsWith('*') ? actual.startsWith(value.slice(0, -1)) : actual === value);
    return op === '=' ? equal : !equal;
  }
  if (typeof actual !== 'number') return op === '!=';
  switch (op) {
    case '=':
      return actual === value;
    case '!=':
      return actual !== value;
    case '<':
      return actual < value;
    case '>':
      return actual > value;
    case '<=':
      return actual <= value;
    default:
      return actual >= value;
  }
}

/** Compiles `pattern`. @throws UnsupportedFilterPatternError for what is not emulated. */
export function compileFilterPattern(pattern: string): LogFilter {
  const text = pattern.trim();
  if (text === '') return () => true;
  if (!text.startsWith('{') || !text.endsWith('}'))
    throw new UnsupportedFilterPatternError(
      `filter pattern ${pattern} is not emulated locally (JSON patterns only)`,
    );
  const body = text.slice(1, -1);
  if (body.includes('&&') && body.includes('||'))
    throw new UnsupportedFilterPatternError(
      `filter pattern ${pattern}: mixing && and || is not emulated locally`,
    );
  const any = body.includes('||');
  const comparisons = body.split(any ? '||' : '&&').map((part) => parseComparison(part, pattern));
  return (message) => {
    let record: unknown;
    try {
      record = JSON.parse(message);
    } catch {
      return false;
    }
    if (typeof record !== 'object' || record === null) return false;
    return any ? comparisons.some((c) => holds(c, record)) : comparisons.every((c) => holds(c, record));
  };
}

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/**
 * Whether Lambda's log-level filter (JSON log format) lets `line` through at `threshold`: the line's
 * `level` (a missing or unknown one counts as INFO) must be at least the threshold.
 */
export function admittedAtLevel(line: string, threshold: string | undefined): boolean {
  if (!threshold) return true;
  let level = 'INFO';
  try {
    const parsed = JSON.parse(line) as { level?: unknown };
    const raw = typeof parsed?.level === 'string' ? parsed.level.toUpperCase() : '';
    const named = raw === 'CRITICAL' ? 'FATAL' : raw;
    if (LEVELS.includes(named)) level = named;
  } catch {
    // Not JSON: Lambda takes it as INFO.
  }
  return LEVELS.indexOf(level) >= Math.max(0, LEVELS.indexOf(threshold.toUpperCase()));
}

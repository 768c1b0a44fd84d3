/**
 * UTC days of timestamps, read character by character: a statement row's day is checked a million
 * times per run, and a capturing regular expression or `new Date(…).toISOString()` per row cost more
 * than all the row's other checks together.
 */

const DASH = 45;
const COLON = 58;
const DOT = 46;
const PLUS = 43;
const T = 84;
const Z = 90;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** The number written by `count` decimal digits of `s` from `from`, or -1 if one is not a digit. */
function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i += 1) {
    const c = s.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    n = n * 10 + c;
  }
  return n;
}

function daysIn(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1] ?? 0;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** True when `s` holds `yyyy-mm-dd` of a real calendar day from index 0. */
function startsWithDay(s: string): boolean {
  if (s.charCodeAt(4) !== DASH || s.charCodeAt(7) !== DASH) return false;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  return y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo);
}

/** True when `date` is a real calendar day written `yyyy-mm-dd`. */
export function isDay(date: string): boolean {
  return date.length === 10 && startsWithDay(date);
}

/**
 * UTC day (`yyyy-mm-dd`) of an ISO 8601 timestamp in the RFC 3339 profile our events use
 * (`2026-03-01T10:07:00.123Z`, `2026-03-01T23:30:00+02:00`), or `undefined` when it is not one or
 * names no real instant. A timestamp without an offset has no UTC day and is refused.
 */
export function utcDayOf(ts: string): string | undefined {
  if (ts.length < 20 || !startsWithDay(ts)) return undefined;
  if (ts.charCodeAt(10) !== T || ts.charCodeAt(13) !== COLON || ts.charCodeAt(16) !== COLON) return undefined;
  const h = digits(ts, 11, 2);
  const mi = digits(ts, 14, 2);
  const s = digits(ts, 17, 2);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return undefined;
  let i = 19;
  if (ts.charCodeAt(i) === DOT) {
    const from = i + 1;
    for (i = from; digits(ts, i, 1) >= 0; i += 1);
    if (i === from || i - from > 9) return undefined;
  }
  if (i === ts.length - 1 && ts.charCodeAt(i) === Z) return ts.slice(0, 10);
  const sign = ts.charCodeAt(i);
  if (i !== ts.length - 6 || (sign !== PLUS && sign !== DASH) || ts.charCodeAt(i + 3) !== COLON)
    return undefined;
  const oh = digits(ts, i + 1, 2);
  const om = digits(ts, i + 4, 2);
  if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
  // Most times stay on their calendar day in UTC (every Beijing time from 08:00 on): no Date needed.
  const minutes = h * 60 + mi - (sign === PLUS ? 1 : -1) * (oh * 60 + om);
  if (minutes >= 0 && minutes < 1440) return ts.slice(0, 10);
  // setUTC* rather than Date.UTC, which reads the years 0-99 as 1900-1999.
  const t = new Date(0);
  t.setUTCFullYear(digits(ts, 0, 4), digits(ts, 5, 2) - 1, digits(ts, 8, 2));
  t.setUTCHours(h, mi - (sign === PLUS ? 1 : -1) * (oh * 60 + om), 0, 0);
  return t.toISOString().slice(0, 10);
}

/**
 * Blocklist near-misses: an email or customer id that is not on a blocklist as written, but is the same
 * identity once the usual evasions are undone (case, dots in a Gmail local part, a `+tag`, separators
 * in an id). The before-checks refuse exact matches; the score catches these.
 */

/** Domains whose mailboxes ignore dots in the local part (Gmail). `googlemail.com` is the same service. */
const DOT_INSENSITIVE_DOMAINS: Readonly<Record<string, string>> = {
  'gmail.com': 'gmail.com',
  'googlemail.com': 'gmail.com',
};

/**
 * The canonical form of an email: lower case; the `+tag` of the local part removed (sub-addressing,
 * RFC 5233, honoured by most large providers); for Gmail-like domains the dots removed and
 * `googlemail.com` read as `gmail.com`.
 */
export function normalizeEmail(email: string): string {
  const lower = email.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at <= 0) return lower;
  let local = lower.slice(0, at);
  let domain = lower.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  const canonical = DOT_INSENSITIVE_DOMAINS[domain];
  if (canonical) {
    domain = canonical;
    local = local.replaceAll('.', '');
  }
  return `${local}@${domain}`;
}

/** The canonical form of a merchant's customer id: lower case, without `-`, `_`, `.` and spaces. */
export function normalizeCustomerId(id: string): string {
  return id.toLowerCase().replace(/[\s._-]+/g, '');
}

/**
 * True when `value`, normalized, equals one of `blocked`, normalized. An identical value also counts:
 * the before-checks refuse those, so here it means the entry was added after the payment was created
 * (e.g. by a fraud report), which is at least as suspicious as a near-miss.
 */
export function matchesBlocklist(
  value: string | undefined,
  blocked: readonly string[],
  normalize: (v: string) => string,
): boolean {
  if (value === undefined || blocked.length === 0) return false;
  const wanted = normalize(value);
  return blocked.some((b) => normalize(b) === wanted);
}

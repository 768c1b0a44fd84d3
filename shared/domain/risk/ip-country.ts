/**
 * Where an IP address is, as a port. No GeoIP database ships with this system (none is available
 * offline, and the free ones have licence terms), so the default adapter knows only:
 *   1. the merchant's own statement, `metadata.ip_country` (ISO 3166-1 alpha-2), which wins;
 *   2. the documentation ranges (RFC 5737 for IPv4, RFC 3849 for IPv6), given fixed countries so that
 *      tests and demos can exercise the `ip_country_mismatch` rule. They never occur on the internet.
 * Every other address has no known country, so the rule does not fire for it. Plug a real lookup
 * (MaxMind GeoIP2, IPinfo, a channel's risk data) by implementing {@link IpCountryLookup}.
 */

export interface IpCountryLookup {
  /** The ISO 3166-1 alpha-2 country of `ip`, or `undefined` when unknown. */
  countryOf(ip: string): string | undefined;
}

/** Documentation ranges → the country this system pretends they are in (tests and demos only). */
export const DOCUMENTATION_RANGES: ReadonlyArray<{ prefix: string; range: string; country: string }> = [
  { prefix: '192.0.2.', range: '192.0.2.0/24 (RFC 5737 TEST-NET-1)', country: 'US' },
  { prefix: '198.51.100.', range: '198.51.100.0/24 (RFC 5737 TEST-NET-2)', country: 'DE' },
  { prefix: '203.0.113.', range: '203.0.113.0/24 (RFC 5737 TEST-NET-3)', country: 'GB' },
  { prefix: '2001:db8:', range: '2001:db8::/32 (RFC 3849)', country: 'JP' },
];

/** The offline adapter: documentation ranges only. */
export const documentationRangeLookup: IpCountryLookup = {
  countryOf(ip: string): string | undefined {
    const lower = ip.trim().toLowerCase();
    return DOCUMENTATION_RANGES.find((r) => lower.startsWith(r.prefix))?.country;
  },
};

const COUNTRY = /^[A-Z]{2}$/;

/**
 * The IP country of a payment: the merchant's `metadata.ip_country` when it is a valid code, else what
 * `lookup` says about `customer.ip`.
 */
export function ipCountryOf(
  payment: { customer?: { ip?: string } | null; metadata?: Record<string, string> | null },
  lookup: IpCountryLookup = documentationRangeLookup,
): string | undefined {
  const stated = payment.metadata?.ip_country;
  if (stated !== undefined && COUNTRY.test(stated)) return stated;
  const ip = payment.customer?.ip;
  return ip ? lookup.countryOf(ip) : undefined;
}

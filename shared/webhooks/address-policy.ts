/**
 * Which network addresses a merchant endpoint may reach: public unicast only. A merchant chooses the
 * URL, and our functions run inside AWS, where an internal address reaches the instance metadata
 * service (169.254.169.254), a VPC peer or our own services: a webhook must not be a way in (SSRF).
 *
 * Checked twice: at registration on what the name resolves to then, and at every delivery by the
 * connection's own lookup (`guardedLookup`), so the address connected to is the address checked: a
 * name whose DNS answer changes between the two (rebinding) still cannot reach an internal address.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** IPv4 ranges that are not public unicast (IANA special-purpose registry, RFC 6890 and successors). */
const V4_BLOCKED: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // CGNAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, instance metadata
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

/**
 * IPv6: only global unicast (2000::/3) may be public; within it these are not. Everything outside it
 * (unspecified, loopback, IPv4-mapped and -compatible, NAT64, ULA fc00::/7, link-local, multicast) is
 * refused by not being in 2000::/3.
 */
const V6_BLOCKED_IN_GLOBAL: readonly [string, number][] = [
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID, …)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address of any kind
  ['3fff::', 20], // documentation (RFC 9637)
];

const v4Blocked = new BlockList();
for (const [net, prefix] of V4_BLOCKED) v4Blocked.addSubnet(net, prefix, 'ipv4');
const v6Global = new BlockList();
v6Global.addSubnet('2000::', 3, 'ipv6');
const v6Blocked = new BlockList();
for (const [net, prefix] of V6_BLOCKED_IN_GLOBAL) v6Blocked.addSubnet(net, prefix, 'ipv6');

/** Whether `address` (an IPv4 or IPv6 literal, no brackets) is public unicast. */
export function isPublicAddress(address: string): boolean {
  switch (isIP(address)) {
    case 4:
      return !v4Blocked.check(address, 'ipv4');
    case 6:
      return v6Global.check(address, 'ipv6') && !v6Blocked.check(address, 'ipv6');
    default:
      return false;
  }
}

export type Lookup = (hostname: string) => Promise<readonly LookupAddress[]>;

/**
 * A resolver that does not answer within this is treated as not resolving: getaddrinfo can wait out
 * several resolver timeouts, longer than a registration request should take.
 */
export const LOOKUP_TIMEOUT_MS = 3000;

/** Every address the system resolver gives for `hostname`. */
export const systemLookup: Lookup = (hostname) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lookup of ${hostname} timed out`)), LOOKUP_TIMEOUT_MS);
    timer.unref();
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(addresses);
    });
  });

/** Why `hostname` may not be reached, or `undefined` when every address it resolves to is public. */
export async function resolutionRefusal(
  hostname: string,
  lookup: Lookup = systemLookup,
): Promise<string | undefined> {
  let addresses: readonly LookupAddress[];
  try {
    addresses = await lookup(hostname);
  } catch {
    return 'must be a host name that resolves';
  }
  if (addresses.length === 0) return 'must be a host name that resolves';
  // Every address, not the first: a client may connect to any of them.
  if (addresses.some((a) => !isPublicAddress(a.address))) return 'must not resolve to a non-public address';
  return undefined;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for `http.request` that resolves like the system does, then refuses the connection when
 * any address is not public: the socket connects only to addresses this function has checked.
 */
export function guardedLookup(lookup: Lookup = systemLookup) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    lookup(hostname).then(
      (addresses) => {
        const refused = addresses.find((a) => !isPublicAddress(a.address));
        if (refused || addresses.length === 0) {
          const error: NodeJS.ErrnoException = new Error(
            `${hostname} resolves to a non-public address${refused ? ` (${refused.address})` : ''}`,
          );
          error.code = 'EADDRNOTPUBLIC';
          callback(error, '');
          return;
        }
        if (options.all) callback(null, [...addresses]);
        else callback(null, addresses[0]?.address ?? '', addresses[0]?.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

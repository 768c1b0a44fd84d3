/**
 * Bundling alias for `@aws-sdk/endpoint-cache` (infra/constructs/function-bundles.ts): the same
 * `EndpointCache` on a `Map` kept in least-recently-used order. The SDK's is built on mnemonist's
 * LRU cache (~7 KB of every bundle) and DynamoDB clients make one at construction, although endpoint
 * discovery, its only user, is off unless configured (we never do).
 */

interface Endpoint {
  readonly Address: string;
  readonly CachePeriodInMinutes: number;
}

interface Expiring {
  readonly Address: string;
  readonly Expires: number;
}

export class EndpointCache {
  private readonly cache = new Map<string, Expiring[]>();

  constructor(private readonly capacity: number) {}

  getEndpoint(key: string): string | undefined {
    const endpoints = this.get(key);
    if (!endpoints || endpoints.length === 0) return undefined;
    return endpoints[Math.floor(Math.random() * endpoints.length)]?.Address;
  }

  get(key: string): Expiring[] | undefined {
    if (!this.has(key)) return undefined;
    const value = this.cache.get(key) as Expiring[];
    // Read: most recently used now.
    this.cache.delete(key);
    this.cache.set(key, value);
    const now = Date.now();
    const live = value.filter((e) => now < e.Expires);
    if (live.length === 0) {
      this.delete(key);
      return undefined;
    }
    return live;
  }

  set(key: string, endpoints: readonly Endpoint[]): void {
    const now = Date.now();
    this.cache.delete(key);
    this.cache.set(
      key,
      endpoints.map(({ Address, CachePeriodInMinutes }) => ({
        Address,
        Expires: now + CachePeriodInMinutes * 60 * 1000,
      })),
    );
    // Over capacity: the least recently used goes.
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value as string);
  }

  delete(key: string): void {
    this.set(key, []);
  }

  has(key: string): boolean {
    return (this.cache.get(key)?.length ?? 0) > 0;
  }

  clear(): void {
    this.cache.clear();
  }
}

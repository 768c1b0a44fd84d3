/**
 * A merchant's monthly statement from its usage and the price list: pure integer arithmetic.
 *
 * - Requests are priced per route in minor units per 1,000 requests (`perRequest[route]`, else
 *   `perRequest["*"]`, else free); one line per route used in the month.
 * - Payments are priced per payment created (`perPayment`): the first 201 answers of
 *   `POST /v1/payments` of the month, idempotent replays excluded (see docs/architecture.md, "Usage
 *   metering and billing", for why created rather than succeeded).
 *
 * Rounding (per-1,000 prices): each request line is rounded once, half up, to a whole minor unit:
 * `amount = ⌊(quantity × unitPrice + 500) / 1000⌋`, so it is within half a minor unit of the exact
 * `quantity × unitPrice / 1000`, and the total, the sum of the lines as shown, within half a unit per line.
 * Computed with BigInt: `quantity × unitPrice` can pass 2^53 long before the amount does.
 */

/** A statement's month, `yyyy-mm` (months 01–12). */
export const STATEMENT_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The route whose first 201s are the payments created. */
export const PAYMENT_ROUTE = 'POST /v1/payments';
/** The `perRequest` key that prices every route without its own price. */
export const ANY_ROUTE = '*';

export interface BillingPrices {
  readonly currency: string;
  /** Minor units per 1,000 requests, by route key or `*`. */
  readonly perRequest: Readonly<Record<string, number>>;
  /** Minor units per payment created. */
  readonly perPayment: number;
}

/** A route's usage over the month. */
export interface RouteUsage {
  readonly route: string;
  readonly requests: number;
  /** First 201s (objects created). */
  readonly created: number;
}

export interface StatementLine {
  readonly description: string;
  readonly quantity: number;
  /** Minor units per 1,000 requests on request lines, per payment on the payment line. */
  readonly unitPrice: number;
  readonly amount: number;
}

export interface Statement {
  readonly month: string;
  readonly currency: string;
  readonly lines: StatementLine[];
  readonly total: number;
}

/** The price of 1,000 requests of `route`. */
export function requestPriceOf(prices: BillingPrices, route: string): number {
  return Object.hasOwn(prices.perRequest, route)
    ? (prices.perRequest[route] ?? 0)
    : (prices.perRequest[ANY_ROUTE] ?? 0);
}

function safe(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('amount beyond 2^53 minor units');
  return Number(value);
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer`);
}

/** `quantity` requests at `pricePerThousand`, rounded half up to a minor unit. */
export function perThousandAmount(quantity: number, pricePerThousand: number): number {
  checkCount('quantity', quantity);
  checkCount('price', pricePerThousand);
  return safe((BigInt(quantity) * BigInt(pricePerThousand) + 500n) / 1000n);
}

/** The statement of `month` (`yyyy-mm`) for the given usage, one entry per route (summed if repeated). */
export function billingStatement(
  month: string,
  usage: readonly RouteUsage[],
  prices: BillingPrices,
): Statement {
  const byRoute = new Map<string, { requests: number; created: number }>();
  for (const u of usage) {
    checkCount('requests', u.requests);
    checkCount('created', u.created);
    const sum = byRoute.get(u.route) ?? { requests: 0, created: 0 };
    sum.requests += u.requests;
    sum.created += u.created;
    byRoute.set(u.route, sum);
  }
  const lines: StatementLine[] = [];
  for (const route of [...byRoute.keys()].sort()) {
    const { requests } = byRoute.get(route) ?? { requests: 0 };
    if (requests === 0) continue;
    const unitPrice = requestPriceOf(prices, route);
    lines.push({
      description: `API requests: ${route} (price per 1,000)`,
      quantity: requests,
      unitPrice,
      amount: perThousandAmount(requests, unitPrice),
    });
  }
  const payments = byRoute.get(PAYMENT_ROUTE)?.created ?? 0;
  if (payments > 0) {
    checkCount('perPayment', prices.perPayment);
    lines.push({
      description: 'Payments created',
      quantity: payments,
      unitPrice: prices.perPayment,
      amount: safe(BigInt(payments) * BigInt(prices.perPayment)),
    });
  }
  const total = safe(lines.reduce((sum, line) => sum + BigInt(line.amount), 0n));
  return { month, currency: prices.currency, lines, total };
}

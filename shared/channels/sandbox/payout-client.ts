/**
 * The client settlement pays out with: the sandbox bank's `POST /payouts` `{ id, merchantId, amount,
 * currency }` → `{ reference }`, idempotent by the payout id (a retried task pays nothing twice).
 */

/** The payout adapter: one POST, idempotent by the payout id; a non-2xx throws (the task retries). */
export function payoutClient(url: string, fetchImpl: typeof fetch = (i, init) => fetch(i, init)) {
  return async (payout: { id: string; merchantId: string; amount: number; currency: string }) => {
    const response = await fetchImpl(`${url.replace(/\/+$/, '')}/payouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payout),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok)
      throw new PayoutFailedError(`the bank answered ${response.status} to payout ${payout.id}`);
    return (await response.json()) as { reference: string };
  };
}

export class PayoutFailedError extends Error {
  override readonly name = 'PayoutFailedError';
}

/**
 * Is a sharded key's busiest shard busier than chance? The bench sees a few hundred lifecycles, so an even
 * spread over many shards still leaves one shard well above the mean (hot-keys.ts `perKeyLoad`).
 */

/** Below this chance of an even spread's busiest key reaching the count seen, the spread is skewed. */
export const NOISE_P = 0.001;

/**
 * The chance that, of `keys` Poisson counts of mean `mean`, the largest is at least `count`: 1 − F(count −
 * 1)^keys. The busiest of 64 shards is judged against the busiest of 64 draws, not of one (a 3σ test per
 * key called one shard in twenty of an even 64-way spread skewed).
 */
export function busiestByChance(count: number, mean: number, keys: number): number {
  if (count <= 0) return 1;
  let cdf = 0;
  if (mean > 500) {
    // Normal approximation with continuity correction (e^-mean underflows the series).
    const z = (count - 0.5 - mean) / Math.sqrt(mean);
    cdf = 0.5 * (1 + erf(z / Math.SQRT2));
  } else {
    let term = Math.exp(-mean);
    for (let i = 0; i < count; i += 1) {
      cdf += term;
      term = (term * mean) / (i + 1);
    }
  }
  return 1 - Math.min(1, cdf) ** keys;
}

/** Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

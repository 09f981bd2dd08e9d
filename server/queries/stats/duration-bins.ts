// The bins of the duration histograms in the rollups (server/db/sql/rollups/histograms.sql,
// stats_duration_bin), and percentiles read back from them (CONTRACT §8 "Percentiles").
//
// A histogram is an int4[] whose subscript is the signed bin:
//   d in [-50, 50]:  the bin is d itself (exact);
//   d > 50:          50 + ceil(ln(d / 50) / ln(γ)), γ = (1 + α) / (1 − α), α = 0.019,
//                    so bin k > 50 holds (50·γ^(k−51), 50·γ^(k−50)];
//   d < −50:         the negation of the bin of −d.
// The representative of a bin is within 2 % or 1 ms (whichever is larger) of every
// integer in it, so a percentile read from a histogram is within that bound of the
// exact one (percentile_disc over the raw rows): the bins are in the order of the
// durations, so the row of rank r lies in the bin where the counts reach r.

/** Relative half-width of a bin beyond the exact range. */
export const ALPHA = 0.019;
/** Ratio of a bin's upper bound to its lower bound beyond the exact range. */
export const GAMMA = (1 + ALPHA) / (1 - ALPHA);
/** Durations of at most this many milliseconds (either sign) have a bin of their own. */
export const EXACT_LIMIT = 50;
/** The largest duration a row can have (int4). */
const MAX_DURATION = 2 ** 31 - 1;
const LN_GAMMA = Math.log(GAMMA);

/** The bin of a duration in milliseconds, as stats_duration_bin computes it in SQL. */
export function durationBin(durationMs: number): number {
  if (Math.abs(durationMs) <= EXACT_LIMIT) return durationMs;
  const bin = EXACT_LIMIT + Math.ceil(Math.log(Math.abs(durationMs) / EXACT_LIMIT) / LN_GAMMA);
  return durationMs > 0 ? bin : -bin;
}

/** The least and greatest integer durations of a bin above the exact range. */
export function binIntegers(bin: number): [least: number, greatest: number] {
  const upper = Math.min(MAX_DURATION + 1, Math.floor(EXACT_LIMIT * GAMMA ** (bin - EXACT_LIMIT)) + 2);
  let least = Math.max(EXACT_LIMIT + 1, Math.floor(EXACT_LIMIT * GAMMA ** (bin - EXACT_LIMIT - 1)) - 1);
  let greatest = upper;
  // Settle the bounds on the very function that assigns bins, whatever the rounding of GAMMA ** k.
  while (durationBin(least) < bin) least++;
  while (least > EXACT_LIMIT + 1 && durationBin(least - 1) === bin) least--;
  while (greatest > MAX_DURATION || durationBin(greatest) > bin) greatest--;
  return [least, greatest];
}

const within = (value: number, exact: number) => Math.abs(value - exact) <= Math.max(0.02 * Math.abs(exact), 1);

/**
 * The duration that stands for every duration of a bin: the bin itself in the exact range,
 * else the integer nearest 2ab/(a+b) (a, b the bin's least and greatest integers, whose
 * relative distance to it is at most α), or the midpoint (a+b)/2 for the three bins (64,
 * 67, 68) where no integer is within 2 % or 1 ms of both ends.
 */
export function binRepresentative(bin: number): number {
  if (Math.abs(bin) <= EXACT_LIMIT) return bin;
  const [a, b] = binIntegers(Math.abs(bin));
  const nearest = Math.round((2 * a * b) / (a + b));
  const value = within(nearest, a) && within(nearest, b) ? nearest : (a + b) / 2;
  return bin > 0 ? value : -value;
}

/**
 * The p-th percentile (0 ≤ p ≤ 1) of the durations counted by a histogram of (bin, count),
 * nearest-rank as PostgreSQL's percentile_disc: the value of rank ceil(p·n) (float8, at
 * least 1) in ascending order, here its bin's representative, so within 2 % or 1 ms
 * (whichever is larger) of percentile_disc over the raw rows. null when nothing is counted.
 */
export function percentileFromHistogram(counts: Map<number, number> | Array<[bin: number, count: number]>, p: number): number | null {
  const bins = [...counts].filter(([, count]) => count > 0).sort(([x], [y]) => x - y);
  const n = bins.reduce((sum, [, count]) => sum + count, 0);
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(p * n));
  let seen = 0;
  for (const [bin, count] of bins) {
    seen += count;
    if (seen >= rank) return binRepresentative(bin);
  }
  return binRepresentative(bins[bins.length - 1]?.[0] ?? 0);
}

import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  EXACT_LIMIT,
  binIntegers,
  binRepresentative,
  durationBin,
  percentileFromHistogram,
} from '../../server/queries/stats/duration-bins';
import { useTestDatabase } from '../helpers/database';

// The bins of stats_duration_bin (sql/rollups/histograms.sql) as the TypeScript
// side reads them: every bin's representative is within 2 % or 1 ms of every
// integer of the bin (checked bin by bin against the SQL function), and
// percentiles of an SQL-built histogram are within that of percentile_disc.

const database = useTestDatabase();
const MAX = 2 ** 31 - 1;
const within = (value: number, exact: number) => Math.abs(value - exact) <= Math.max(0.02 * Math.abs(exact), 1);

async function sqlBins(durations: number[]): Promise<Map<number, number>> {
  const { rows } = await sql<{ d: number; bin: number }>`
    select d, stats_duration_bin(d) as bin from unnest(${durations}::int[]) d`.execute(database.current.db);
  return new Map(rows.map((r) => [r.d, r.bin]));
}

describe('duration bins', () => {
  it('are the SQL function bin for bin, ends included, and each representative serves all of its bin', async () => {
    const top = durationBin(MAX);
    expect(top).toBe(513);
    const ends: Array<[bin: number, least: number, greatest: number]> = [];
    for (let bin = EXACT_LIMIT + 1; bin <= top; bin++) ends.push([bin, ...binIntegers(bin)]);
    const probes = ends.flatMap(([, a, b]) => [a - 1, a, b, b + 1].filter((d) => d <= MAX)).flatMap((d) => [d, -d]);
    const inSql = await sqlBins([...probes, ...Array.from({ length: 2 * EXACT_LIMIT + 1 }, (_, i) => i - EXACT_LIMIT), -MAX]);
    for (const [bin, a, b] of ends) {
      expect([bin, inSql.get(a), inSql.get(b), inSql.get(-a), inSql.get(-b)]).toEqual([bin, bin, bin, -bin, -bin]);
      expect([bin, inSql.get(a - 1)]).toEqual([bin, bin - 1]);
      if (b < MAX) expect([bin, inSql.get(b + 1)]).toEqual([bin, bin + 1]);
      for (const sign of [1, -1]) {
        const r = binRepresentative(sign * bin);
        expect([bin, within(r, sign * a), within(r, sign * b)]).toEqual([bin, true, true]);
      }
    }
    for (let d = -EXACT_LIMIT; d <= EXACT_LIMIT; d++) expect([d, inSql.get(d), binRepresentative(d)]).toEqual([d, d, d]);
    for (const [d, bin] of inSql) expect([d, durationBin(d)]).toEqual([d, bin]);
    expect(inSql.get(-MAX)).toBe(-top);
  });

  it('give nearest-rank percentiles like percentile_disc, null for nothing', () => {
    expect(percentileFromHistogram(new Map(), 0.5)).toBeNull();
    expect(percentileFromHistogram([[3, 0]], 0.5)).toBeNull();
    const h: Array<[number, number]> = [
      [10, 2],
      [-4, 1],
      [7, 1],
    ];
    // Sorted: -4, 7, 10, 10. Ranks ceil(p·4), at least 1.
    expect([0, 0.25, 0.26, 0.5, 0.51, 1].map((p) => percentileFromHistogram(h, p))).toEqual([-4, -4, 7, 7, 10, 10]);
    expect(percentileFromHistogram(new Map(h), 0.75)).toBe(10);
  });

  const duration = fc.oneof(
    fc.integer({ min: -60, max: 60 }),
    fc.integer({ min: 0, max: 5000 }),
    fc.integer({ min: -MAX, max: MAX }),
    fc.constantFrom(0, 50, 51, -50, -51, 82, 85, 99, MAX, -MAX, 2 ** 30),
  );

  it('read from an SQL-built histogram are within 2 % or 1 ms of percentile_disc over the rows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(duration, { minLength: 1, maxLength: 300 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 }),
        async (durations, randomPs) => {
          const ps = [0.5, 0.95, 0.99, ...randomPs];
          const { rows } = await sql<{ lo: number; hist: (number | null)[]; exact: number[] }>`
            with h as (
              select stats_hist_from(array_agg(bin), array_agg(n)) as hist
              from (select stats_duration_bin(d) as bin, count(*)::int as n from unnest(${durations}::int[]) d group by 1) g
            )
            select array_lower(hist, 1) as lo, hist,
                   (select percentile_disc(${ps}::float8[]) within group (order by d) from unnest(${durations}::int[]) d) as exact
            from h`.execute(database.current.db);
          const row = rows[0];
          if (!row) throw new Error('no histogram');
          const counts = row.hist.map((n, i): [number, number] => [row.lo + i, n ?? 0]);
          for (const [i, p] of ps.entries()) {
            const exact = row.exact[i] ?? Number.NaN;
            const got = percentileFromHistogram(counts, p);
            expect([p, exact, got, got !== null && within(got, exact)]).toEqual([p, exact, got, true]);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

import { getRangeStats } from '../../queries/stats/range';
import { RangeSeriesEntry, RangeStats, RangeStatsInput } from '../../schemas/range';
import { RecentInvocation } from '../../schemas/stats';
import { FileOutput, csvFile, rangeFileName } from '../file';
import { appReadProcedure, appWriteProcedure, router } from '../init';
import { lastUtcDays } from '../../queries/stats/utc-days';
import { apiStatsOf, overviewOf } from './stats';
import { rangeError, rangeOf } from '../range';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { DB } from '../../db/types';

/** The range figures of an app; a broken rule of the range is BAD_REQUEST naming the field. */
async function rangeStatsOf(db: Kysely<DB>, appId: string, now: Date, input: z.output<typeof RangeStatsInput>) {
  const range = rangeOf(input, now);
  try {
    return { range, stats: await getRangeStats(db, appId, range) };
  } catch (error) {
    throw rangeError(error);
  }
}

const SERIES_COLUMNS = Object.keys(RangeSeriesEntry.shape);

/** The 30 UTC days the figures of /stats and /stats/api cover, for their file names. */
function monthOf(now: Date) {
  const { days } = lastUtcDays(now, 30);
  return { from: days.at(-1) ?? '', to: days[0] ?? '', tz: 'UTC' };
}

/** The insights of CONTRACT §8: ranges in any time zone, read from the rollups. */
export const insightsRouter = router({
  /** GET /stats/range: totals, the previous period and a series by hour or day over calendar days of a zone; needs read. */
  range: appReadProcedure
    .input(RangeStatsInput)
    .output(RangeStats)
    .query(async ({ ctx, input }) => (await rangeStatsOf(ctx.db, ctx.app.id, ctx.now(), input)).stats),

  /** GET /stats/range?format=csv: the series, one row per hour or day; needs read. */
  rangeCsv: appReadProcedure
    .input(RangeStatsInput)
    .output(FileOutput)
    .query(async ({ ctx, input }) => {
      const { range, stats } = await rangeStatsOf(ctx.db, ctx.app.id, ctx.now(), input);
      return csvFile(rangeFileName(ctx.app.naturalId, 'range', range), stats.series, SERIES_COLUMNS);
    }),

  /** GET /stats?format=csv: the figures of /stats as one row, nested fields joined with `.`; needs read. */
  overviewCsv: appReadProcedure.output(FileOutput).query(async ({ ctx }) => {
    const now = ctx.now();
    return csvFile(rangeFileName(ctx.app.naturalId, 'stats', monthOf(now)), [await overviewOf(ctx.db, ctx.app, now)]);
  }),

  /** GET /stats/api?format=csv: the last 100 invocations, one row each; needs write. */
  apiCsv: appWriteProcedure.output(FileOutput).query(async ({ ctx }) => {
    const now = ctx.now();
    const { recent } = await apiStatsOf(ctx.db, ctx.app.id, now);
    return csvFile(rangeFileName(ctx.app.naturalId, 'api', monthOf(now)), recent, Object.keys(RecentInvocation.shape));
  }),
});

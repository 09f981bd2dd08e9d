import { z } from 'zod';
import { isCalendarDay } from '../../lib/range';

// The inputs and answer of GET /stats/range (CONTRACT §8 "Ranges"). Shared by
// the tRPC procedure, the REST adapter, the pages and the OpenAPI document.
// The limits that need today's date (from after to, 400 days, hours over 31
// days) are checked by lib/range.ts resolveRange, naming the field.

const CalendarDay = z
  .string()
  .refine(isCalendarDay, 'must be a calendar day written YYYY-MM-DD')
  .describe('A calendar day in `tz`, YYYY-MM-DD');

/** What selects a range: every path of §8 takes these. */
export const RangeFields = {
  tz: z.string().min(1).max(64).optional().describe('An IANA time zone, e.g. Europe/Berlin; default UTC'),
  from: CalendarDay.optional().describe('First day of the range, included; default 29 days before `to`'),
  to: CalendarDay.optional().describe('Last day of the range, included; default today in `tz`'),
};

export const RangeInterval = z.enum(['hour', 'day']).describe('`hour` (ranges of at most 31 days) or `day`; default hour up to 2 days');

/** The input of `insights.range` besides `appId`; not strict, because tRPC merges it with the app reference. */
export const RangeStatsInput = z.object({ ...RangeFields, interval: RangeInterval.optional() });

const Percentile = z.number().nullable();

/** The figures of one period. */
export const RangeFigures = z.object({
  views: z.number().int(),
  invocations: z.number().int(),
  failed: z.number().int(),
  errorRate: z.number().describe('failed / invocations × 100, rounded to 2 decimals; 0 without invocations'),
  computeMs: z.number().int(),
  avgDurationMs: z.number().int(),
  p50DurationMs: Percentile.describe('Nearest-rank median of duration_ms, within 2 % or 1 ms; null without invocations'),
  p95DurationMs: Percentile,
  p99DurationMs: Percentile,
  peakMemoryBytes: z.number().int(),
});
export type RangeFigures = z.infer<typeof RangeFigures>;

export const RangeSeriesEntry = z.object({
  start: z.string().describe("The bucket's first instant, ISO 8601 UTC"),
  local: z.string().describe('Its wall-clock label in `tz`: YYYY-MM-DD for a day, YYYY-MM-DDTHH:MM for an hour'),
  ...RangeFigures.omit({ errorRate: true }).shape,
});
export type RangeSeriesEntry = z.infer<typeof RangeSeriesEntry>;

export const RangeStats = z.object({
  appId: z.string().uuid(),
  tz: z.string(),
  from: z.string(),
  to: z.string(),
  interval: RangeInterval,
  totals: RangeFigures,
  previous: RangeFigures,
  series: z.array(RangeSeriesEntry),
});
export type RangeStats = z.infer<typeof RangeStats>;

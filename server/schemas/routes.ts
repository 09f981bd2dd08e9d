import { z } from 'zod';
import { LogFilterFields } from './activity';
import { RangeFields, RangeFigures, RangeInterval, RangeSeriesEntry } from './range';

// The routes of an app (CONTRACT §8 `/stats/routes`) and the figures of one
// route over a range (the route page): inputs of the tRPC procedures, the REST
// query string (strings only, so `limit` is parsed from text) and the answers.
// Shared by the procedures, the REST route, the pages and the OpenAPI document.

export const RouteSort = z
  .enum(['calls', 'failed', 'computeMs', 'p95DurationMs'], { error: 'must be one of calls, failed, computeMs, p95DurationMs' })
  .describe('Descending; ties by method, then route, ascending in code-point order');
export type RouteSort = z.infer<typeof RouteSort>;

const ROUTES_LIMIT = 'must be an integer between 1 and 100';

/** The input of `activity.routes` besides `appId`. */
export const RouteListInput = z.object({
  ...RangeFields,
  sort: RouteSort.default('calls'),
  limit: z
    .number({ error: ROUTES_LIMIT })
    .int({ error: ROUTES_LIMIT })
    .min(1, { error: ROUTES_LIMIT })
    .max(100, { error: ROUTES_LIMIT })
    .default(20),
});
export type RouteListInput = z.output<typeof RouteListInput>;

/** The query string of GET /stats/routes. */
export const RouteListQuery = RouteListInput.extend({
  limit: z
    .string()
    .refine((value) => /^[0-9]{1,6}$/.test(value) && Number(value) >= 1 && Number(value) <= 100, { error: ROUTES_LIMIT })
    .transform(Number)
    .optional(),
  format: z.enum(['json', 'csv']).optional(),
}).strict();

const Timestamp = z.string().describe('ISO 8601 UTC with milliseconds');

/** One route's figures over the range. */
export const RouteFigures = z.object({
  method: z.string(),
  route: z.string().describe('The path normalised as §8 says, or `(other)` past the tracked routes'),
  calls: z.number().int(),
  failed: z.number().int(),
  errorRate: z.number().describe('failed / calls × 100, rounded to 2 decimals'),
  computeMs: z.number().int(),
  avgDurationMs: z.number().int(),
  p50DurationMs: z.number().nullable(),
  p95DurationMs: z.number().nullable(),
  p99DurationMs: z.number().nullable(),
  peakMemoryBytes: z.number().int(),
  lastCalledAt: Timestamp.nullable().describe('The newest call of the route in the range'),
});
export type RouteFigures = z.infer<typeof RouteFigures>;

export const RouteList = z.object({ routes: z.array(RouteFigures).max(100) });
export type RouteList = z.infer<typeof RouteList>;

/** The input of `activity.route` besides `appId`: one route (method and route exactly) over a range, by hour or day. */
export const RouteRangeInput = z.object({
  ...RangeFields,
  interval: RangeInterval.optional(),
  method: LogFilterFields.method.unwrap(),
  route: LogFilterFields.route.unwrap(),
});
export type RouteRangeInput = z.output<typeof RouteRangeInput>;

/** A period's figures of one route: the range figures without views. */
export const RouteRangeFigures = RangeFigures.omit({ views: true });
export type RouteRangeFigures = z.infer<typeof RouteRangeFigures>;

export const RouteRangeSeriesEntry = RangeSeriesEntry.omit({ views: true });
export type RouteRangeSeriesEntry = z.infer<typeof RouteRangeSeriesEntry>;

/** `activity.route`: one route over the range, the equally long range before, and its series. */
export const RouteRange = z.object({
  appId: z.string().uuid(),
  method: z.string(),
  route: z.string(),
  tz: z.string(),
  from: z.string(),
  to: z.string(),
  interval: RangeInterval,
  totals: RouteRangeFigures,
  previous: RouteRangeFigures,
  series: z.array(RouteRangeSeriesEntry),
});
export type RouteRange = z.infer<typeof RouteRange>;

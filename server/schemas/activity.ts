import { z } from 'zod';
import { RangeFields } from './range';
import { RecentInvocation } from './stats';

// The invocation log and the error groups (CONTRACT §8 `/stats/invocations`,
// `/stats/errors`): inputs of the tRPC procedures, the REST query strings
// (strings only, so `limit` is parsed from text) and the answers. Shared by
// the procedures, the REST routes, the pages and the OpenAPI document.

const NO_NUL = 'must not contain NUL characters';

/** Free text that is compared exactly (never as a pattern), at most `max` characters. */
const Exact = (what: string, max: number) =>
  z
    .string({ error: `must be ${what}` })
    .min(1, { error: `must be ${what}` })
    .max(max, { error: `must be at most ${max} characters` })
    .refine((value) => !value.includes('\0'), { error: NO_NUL });

export const StatusFilter = z
  .enum(['2xx', '3xx', '4xx', '5xx', 'failed'], { error: 'must be one of 2xx, 3xx, 4xx, 5xx, failed' })
  .describe('`2xx`…`5xx` by status code, or `failed` (an error, or status 500 or more)');
export type StatusFilter = z.infer<typeof StatusFilter>;

/** What narrows the log besides the range; a cursor is valid only with the same values. */
export const LogFilterFields = {
  status: StatusFilter.optional(),
  method: Exact('an HTTP method', 64).optional().describe('Exactly this method, e.g. GET'),
  route: Exact('a route', 4096).optional().describe('Exactly this route, normalised as §8 says, e.g. /api/items/:id'),
  user: Exact('a username', 200).optional().describe('A username, or `anonymous` for invocations without one'),
};

const LOG_LIMIT = 'must be an integer between 1 and 500';
const GROUPS_LIMIT = 'must be an integer between 1 and 100';
const intIn = (max: number, error: string) => z.number({ error }).int({ error }).min(1, { error }).max(max, { error });
/** A limit as a query string gives it: decimal digits only. */
const limitParam = (max: number, error: string) =>
  z
    .string()
    .refine((value) => /^[0-9]{1,6}$/.test(value) && Number(value) >= 1 && Number(value) <= max, { error })
    .transform(Number);
const Cursor = z
  .string({ error: 'must be a cursor this service issued' })
  .max(2048, { error: 'is not a cursor this service issued' })
  .describe('The `nextCursor` of the page before, with the same filters');

/** The input of `activity.invocations` besides `appId`. */
export const InvocationLogInput = z.object({
  ...RangeFields,
  ...LogFilterFields,
  limit: intIn(500, LOG_LIMIT).default(100),
  cursor: Cursor.nullish(),
});
export type InvocationLogInput = z.output<typeof InvocationLogInput>;

/** The query string of GET /stats/invocations. */
export const InvocationLogQuery = InvocationLogInput.extend({
  limit: limitParam(500, LOG_LIMIT).optional(),
  cursor: Cursor.optional(),
  format: z.enum(['json', 'csv']).optional(),
}).strict();

/** The input of `activity.errors` besides `appId`; `method` and `route` narrow it to one route. */
export const ErrorGroupsInput = z.object({
  ...RangeFields,
  method: LogFilterFields.method,
  route: LogFilterFields.route,
  limit: intIn(100, GROUPS_LIMIT).default(20),
});
export type ErrorGroupsInput = z.output<typeof ErrorGroupsInput>;

/** The query string of GET /stats/errors. */
export const ErrorGroupsQuery = ErrorGroupsInput.extend({
  limit: limitParam(100, GROUPS_LIMIT).optional(),
  format: z.enum(['json', 'csv']).optional(),
}).strict();

export const InvocationLogItem = RecentInvocation.extend({ route: z.string().describe('The path normalised as §8 says') });
export type InvocationLogItem = z.infer<typeof InvocationLogItem>;

export const InvocationLog = z.object({
  items: z.array(InvocationLogItem).max(500),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last one'),
});
export type InvocationLog = z.infer<typeof InvocationLog>;

const Timestamp = z.string().describe('ISO 8601 UTC with milliseconds');

export const ErrorGroup = z.object({
  method: z.string(),
  route: z.string(),
  message: z.string().describe('The error with ids and numbers as #, at most 200 characters; `HTTP <status>` without one'),
  count: z.number().int(),
  firstSeenAt: Timestamp,
  lastSeenAt: Timestamp,
  sample: RecentInvocation.describe('The newest invocation of the group'),
});
export type ErrorGroup = z.infer<typeof ErrorGroup>;

export const ErrorGroups = z.object({ groups: z.array(ErrorGroup).max(100) });
export type ErrorGroups = z.infer<typeof ErrorGroups>;

/** What a log cursor carries, signed: the app, the filters as sent, the range it resolved to, the last row's position. */
export const LogCursorPayload = z.strictObject({
  a: z.string(),
  q: z.array(z.string().nullable()).length(7),
  r: z.tuple([z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.string().regex(/^\d{4}-\d{2}-\d{2}$/)]),
  t: z.string().regex(/^\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z (AD|BC)$/),
  i: z.string().regex(/^[0-9]{1,19}$/),
});
export type LogCursorPayload = z.infer<typeof LogCursorPayload>;

/** From when raw invocations exist: retention dropped every one before `invocationsSince`; null while it dropped none. */
export const RawRowsSince = z.object({
  invocationsSince: z.iso.datetime().nullable().describe('Raw invocations before this instant were dropped by retention'),
});
export type RawRowsSince = z.infer<typeof RawRowsSince>;

import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { RangeInputError } from '../../../lib/range';
import type { RecentInvocation } from '../../schemas/stats';

// The pieces the log and the error groups share (CONTRACT §8): the range as
// instants PostgreSQL computes in the zone, the filters, the §5 `recent[]`
// columns. Every condition names the columns of one index of
// 20260111000000_invocation_log, so a filtered read is an index range read.
// Table alias `r` is route_invocations, `u` the left-joined users.

/** Calendar days of a zone, both included; already checked (lib/range.ts). */
export interface ActivityRange {
  tz: string;
  from: string;
  to: string;
}

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'failed';

/** The log's filters; each one absent means "any". */
export interface LogFilters {
  status?: StatusClass;
  method?: string;
  /** A normalised route, compared exactly. */
  route?: string;
  /** A username; `anonymous` for invocations without one. */
  user?: string;
}

/** The word that stands for invocations without a username. */
export const ANONYMOUS = 'anonymous';

/** §5: an invocation failed when it has an error or a status of 500 or more (the partial index's predicate). */
export const FAILED = sql<SqlBool>`(r.error is not null or r.status_code >= 500)`;

/** Where a keyset page starts: strictly older than this instant and id (the instant as PostgreSQL reads it back exactly). */
export interface KeysetStart {
  at: string;
  id: string;
}

/**
 * [local midnight of `from`, local midnight after `to`) in `tz`, by PostgreSQL's
 * zone rules. After a keyset position the row comparison takes the place of the
 * upper bound (the position lies in the range): btree starts a scan at one bound
 * of a column, and with both it would start at the range's end, so page 1000
 * would walk past the 999 pages before it.
 */
export function inRange(range: ActivityRange, after?: KeysetStart): RawBuilder<SqlBool> {
  const lower = sql<SqlBool>`r.started_at >= (${range.from}::timestamp at time zone ${range.tz}::text)`;
  return after
    ? sql<SqlBool>`${lower} and (r.started_at, r.id) < (${after.at}::timestamptz, ${after.id}::bigint)`
    : sql<SqlBool>`${lower} and r.started_at < ((${range.to}::date + 1)::timestamp at time zone ${range.tz}::text)`;
}

function statusCondition(status: StatusClass): RawBuilder<SqlBool> {
  if (status === 'failed') return FAILED;
  const hundreds = Number(status[0]);
  // 5xx is a subset of failed: `>= 500` lets the planner take the failed index as well as the status one.
  return hundreds === 5
    ? sql<SqlBool>`(r.status_code / 100) = 5 and r.status_code >= 500`
    : sql<SqlBool>`(r.status_code / 100) = ${hundreds}::int`;
}

/** The filters as one condition (`true` without any). Values are parameters, compared exactly, never patterns. */
export function filterConditions(filters: LogFilters): RawBuilder<SqlBool> {
  const parts: Array<RawBuilder<SqlBool>> = [];
  if (filters.status) parts.push(statusCondition(filters.status));
  if (filters.method !== undefined) parts.push(sql<SqlBool>`r.method = ${filters.method}::text`);
  if (filters.route !== undefined) parts.push(sql<SqlBool>`appstats_route_of(r.path) = ${filters.route}::text`);
  if (filters.user === ANONYMOUS) {
    // What `recent[]` shows as username null: no user id, or one that is no user's.
    parts.push(sql<SqlBool>`(r.user_id is null or not exists (select from users x where x.id = r.user_id))`);
  } else if (filters.user !== undefined) {
    parts.push(sql<SqlBool>`r.user_id = (select x.id from users x where x.username = ${filters.user}::text)`);
  }
  return parts.length === 0 ? sql<SqlBool>`true` : sql<SqlBool>`(${sql.join(parts, sql` and `)})`;
}

/** The §5 `recent[]` columns of `r` and `u`, and the route. */
export const INVOCATION_COLUMNS = sql`r.method, r.path, u.username, r.started_at as "startedAt", r.duration_ms as "durationMs",
  r.status_code as "statusCode", r.memory_peak_bytes as "memoryPeakBytes", r.error, appstats_route_of(r.path) as route`;

/** A row of INVOCATION_COLUMNS as pg hands it back. */
export interface InvocationRow {
  method: string;
  path: string;
  username: string | null;
  startedAt: Date;
  durationMs: number;
  statusCode: number;
  memoryPeakBytes: string | null;
  error: string | null;
  route: string;
}

/** A row shaped as §5 `recent[]`: ISO instants, numbers as numbers. */
export function toRecent(row: InvocationRow): RecentInvocation {
  return {
    method: row.method,
    path: row.path,
    username: row.username,
    startedAt: row.startedAt.toISOString(),
    durationMs: row.durationMs,
    statusCode: row.statusCode,
    memoryPeakBytes: row.memoryPeakBytes === null ? null : Number(row.memoryPeakBytes),
    error: row.error,
  };
}

/** PostgreSQL refusing the zone (22023) as the range error naming `tz`; anything else as it is. */
export function zoneError(error: unknown, range: ActivityRange): unknown {
  return (error as { code?: string } | null)?.code === '22023'
    ? new RangeInputError('tz', `unknown time zone ${JSON.stringify(range.tz)}`)
    : error;
}

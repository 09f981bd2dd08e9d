import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp with a database default. */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** int8 read as string by pg; written as number, bigint or string. */
type Int8 = ColumnType<string, number | bigint | string, number | bigint | string>;
/** An int8 with a database default. */
type DefaultInt8 = ColumnType<string, number | bigint | string | undefined, number | bigint | string>;
/** A date: pg reads it as a Date at local midnight; written as a Date or 'YYYY-MM-DD'. */
type Day = ColumnType<Date, Date | string, Date | string>;
/** jsonb: read parsed; written as JSON text. */
type Jsonb = ColumnType<unknown, string, string>;
/**
 * A duration histogram, int4[] whose subscript is the bin (sql/rollups/histograms.sql). pg reads the
 * elements and drops the lower bound (select array_lower(…, 1) beside it); NULL elements count 0.
 */
type Histogram = ColumnType<(number | null)[], string, string>;

export type Role = 'viewer' | 'member' | 'admin';
export type Visibility = 'private' | 'public';

export interface UsersTable {
  id: Generated<string>;
  username: string;
  name: string | null;
  password_hash: string;
  is_admin: Generated<boolean>;
  created_at: DefaultTimestamp;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string | null;
  token_hash: string;
  created_at: DefaultTimestamp;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: DefaultTimestamp;
  last_seen_at: DefaultTimestamp;
  expires_at: Timestamp;
}

export interface AppsTable {
  id: Generated<string>;
  natural_id: string;
  name: string;
  owner_id: string;
  visibility: Generated<Visibility>;
  workspace_schema: string | null;
  quota_bytes: ColumnType<string, number | string | undefined, number | string>;
  created_at: DefaultTimestamp;
}

export interface MembershipsTable {
  app_id: string;
  user_id: string;
  role: Role;
  created_at: DefaultTimestamp;
}

export interface ViewEventsTable {
  app_id: string;
  viewer_id: string | null;
  viewed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface RouteInvocationsTable {
  app_id: string;
  method: string;
  path: string;
  user_id: string | null;
  started_at: Timestamp;
  duration_ms: number;
  status_code: number;
  memory_peak_bytes: Int8 | null;
  error: string | null;
  /** The log's keyset with started_at; numbered by the service from route_invocations_id_seq (migrations 20260111000000_invocation_log, 20260113000000_partitions). */
  id: DefaultInt8;
}

/** Fixed windows and backoffs of sign-in throttling and token budgets (migration 20260103000000_rate_limits). */
export interface RateLimitsTable {
  key: string;
  hits: number;
  reset_at: Timestamp;
}

/** Idempotency keys of the ingestion paths (migration 20260104000000_idempotency). */
export interface IdempotencyKeysTable {
  app_id: string;
  key: string;
  request_hash: string;
  status: number;
  response: Jsonb;
  created_at: Timestamp;
}

// The stats rollups (migration 20260102000000_rollups), written only by the
// database's own triggers and functions: per (app, slot) totals and current
// bucket, and per 15-minute bucket, UTC day or viewer figures.

export interface StatsViewSlotsTable {
  app_id: string;
  slot: number;
  views: Int8;
  viewers: Int8;
  last_viewed_at: Timestamp | null;
  cur_bucket: Timestamp | null;
  cur_views: DefaultInt8;
}

export interface StatsViewBucketsTable {
  app_id: string;
  bucket: Timestamp;
  slot: number;
  views: Int8;
}

export interface StatsViewDaysTable {
  app_id: string;
  day: Day;
  slot: number;
  views: Int8;
}

export interface StatsViewersTable {
  app_id: string;
  viewer_id: string;
  views: Int8;
}

export interface StatsInvocationSlotsTable {
  app_id: string;
  slot: number;
  invocations: Int8;
  cur_bucket: Timestamp | null;
  cur_invocations: DefaultInt8;
  cur_compute_ms: DefaultInt8;
  cur_failed: DefaultInt8;
  cur_peak_memory: Int8 | null;
  /** The current bucket's duration histogram (sql/rollups/histograms.sql); pg drops the lower bound: read array_lower too. */
  cur_hist: Histogram | null;
}

export interface StatsInvocationBucketsTable {
  app_id: string;
  bucket: Timestamp;
  slot: number;
  invocations: Int8;
  compute_ms: Int8;
  failed: Int8;
  peak_memory: Int8 | null;
  hist: Histogram | null;
}
/** UTC hours (migration 20260109000000_rollup_hours_histograms), kept like the day rows. */
export interface StatsViewHoursTable {
  app_id: string;
  hour: Timestamp;
  slot: number;
  views: Int8;
}
export interface StatsInvocationHoursTable {
  app_id: string;
  hour: Timestamp;
  slot: number;
  invocations: Int8;
  compute_ms: Int8;
  failed: Int8;
  peak_memory: Int8 | null;
  hist: Histogram | null;
}

export interface StatsInvocationDaysTable {
  app_id: string;
  day: Day;
  slot: number;
  invocations: Int8;
  compute_ms: Int8;
  failed: Int8;
  peak_memory: Int8 | null;
  hist: Histogram | null;
}

/** When an app was last notified to the live streams (migration 20260110000000_live_notify). */
export interface StatsLiveNotifiedTable {
  app_id: string;
  at: Timestamp;
}

/** From when each event table still holds raw rows: retention dropped every partition before `since` (migration 20260113000000_partitions). */
export interface RetentionRawSinceTable {
  table_name: string;
  since: Timestamp;
}

/** The tracked (method, route) pairs of an app, at most stats_routes_cap() of them; the rest count under `(other)`. */
export interface StatsRoutesTable {
  app_id: string;
  method: string;
  route: string;
}

export interface StatsRouteCountsTable {
  app_id: string;
  tracked: number;
}

/** The figures of one route in a period, per counter slot (migration 20260112000000_route_rollups). */
interface RouteFigureColumns {
  app_id: string;
  method: string;
  route: string;
  slot: number;
  calls: Int8;
  failed: Int8;
  compute_ms: Int8;
  peak_memory: Int8 | null;
  last_called_at: Timestamp;
  hist: Histogram | null;
}

export interface StatsRouteBucketsTable extends RouteFigureColumns {
  bucket: Timestamp;
}

export interface StatsRouteHoursTable extends RouteFigureColumns {
  hour: Timestamp;
}

export interface StatsRouteDaysTable extends RouteFigureColumns {
  day: Day;
}

/** Every table of schema public (test/db-types.test.ts holds this against the migrated catalog). */
export interface DB {
  users: UsersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  apps: AppsTable;
  memberships: MembershipsTable;
  view_events: ViewEventsTable;
  route_invocations: RouteInvocationsTable;
  rate_limits: RateLimitsTable;
  idempotency_keys: IdempotencyKeysTable;
  stats_live_notified: StatsLiveNotifiedTable;
  retention_raw_since: RetentionRawSinceTable;
  stats_view_slots: StatsViewSlotsTable;
  stats_view_buckets: StatsViewBucketsTable;
  stats_view_hours: StatsViewHoursTable;
  stats_view_days: StatsViewDaysTable;
  stats_viewers: StatsViewersTable;
  stats_invocation_slots: StatsInvocationSlotsTable;
  stats_invocation_buckets: StatsInvocationBucketsTable;
  stats_invocation_hours: StatsInvocationHoursTable;
  stats_invocation_days: StatsInvocationDaysTable;
  stats_routes: StatsRoutesTable;
  stats_route_counts: StatsRouteCountsTable;
  stats_route_buckets: StatsRouteBucketsTable;
  stats_route_hours: StatsRouteHoursTable;
  stats_route_days: StatsRouteDaysTable;
}

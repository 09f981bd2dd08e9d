import { createHash } from 'node:crypto';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { poolOf } from '../db/client';
import type { DB } from '../db/types';
import { type KeyClaim, type KeyOutcome, claimKeyCtes, readLiveKey } from './idempotency';

/** A view event to store; `viewedAt` null means "now" (the column's default). */
export interface ViewEventRow {
  viewerId: string | null;
  viewedAt: string | null;
}

/** A route invocation to store; timestamps as ISO 8601 strings. */
export interface InvocationRow {
  method: string;
  path: string;
  userId: string | null;
  startedAt: string;
  durationMs: number;
  statusCode: number;
  memoryPeakBytes: number | null;
  error: string | null;
}

/** How a batch ended: stored; refused for its first row naming no user (0-based); or answered by its idempotency key. */
export type IngestOutcome = { state: 'stored' } | { state: 'missing-user'; index: number } | KeyOutcome;

/** One kind of event: its rows as `input` (with `user_id` and the ordinal `n`), the INSERT that stores them, the user ids they name. */
interface EventSql {
  input: RawBuilder<unknown>;
  insert: RawBuilder<unknown>;
  users: string[];
}

/** The distinct user ids that `rows` name. */
const usersOf = <R>(rows: readonly R[], of: (row: R) => string | null): string[] => [...new Set(rows.flatMap((row) => of(row) ?? []))];

function viewsSql(appId: string, rows: readonly ViewEventRow[]): EventSql {
  return {
    input: sql`select * from unnest(${rows.map((r) => r.viewerId)}::uuid[], ${rows.map((r) => r.viewedAt)}::timestamptz[])
      with ordinality as e (user_id, viewed_at, n)`,
    insert: sql`insert into view_events (app_id, viewer_id, viewed_at)
      select ${appId}::uuid, user_id, coalesce(viewed_at, now()) from input`,
    users: usersOf(rows, (row) => row.viewerId),
  };
}

function invocationsSql(appId: string, rows: readonly InvocationRow[]): EventSql {
  const column = <K extends keyof InvocationRow>(key: K) => rows.map((row) => row[key]);
  return {
    input: sql`select * from unnest(
        ${column('method')}::text[], ${column('path')}::text[], ${column('userId')}::uuid[], ${column('startedAt')}::timestamptz[],
        ${column('durationMs')}::int4[], ${column('statusCode')}::int4[], ${column('memoryPeakBytes')}::int8[], ${column('error')}::text[]
      ) with ordinality as r (method, path, user_id, started_at, duration_ms, status_code, memory_peak_bytes, error, n)`,
    insert: sql`insert into route_invocations (app_id, method, path, user_id, started_at, duration_ms, status_code, memory_peak_bytes, error)
      select ${appId}::uuid, method, path, user_id, started_at, duration_ms, status_code, memory_peak_bytes, error from input`,
    users: usersOf(rows, (row) => row.userId),
  };
}

/**
 * The one statement that stores a batch: it locks the users the rows name
 * (FOR KEY SHARE, so none is deleted before the rows commit), finds the first
 * row naming a user that does not exist, claims the key when there is one, and
 * inserts every row only if no user is missing and the key (if any) was
 * claimed; otherwise nothing. One statement is one transaction: the batch is
 * stored whole or not at all, with its key.
 */
function storeStatement(event: EventSql, claim: KeyClaim | undefined) {
  const ready = sql`(select index from missing) is null`;
  // `input` is inlined where it is read: the INSERT reads the arrays straight,
  // and `missing` scans them again only when some user is absent.
  return sql<{ missing: number | null; claimed: boolean }>`
    with input as not materialized (${event.input}),
    known as materialized (select id from users where id = any(${event.users}::uuid[]) for key share),
    absent as (
      select id from unnest(${event.users}::uuid[]) as wanted (id)
      where not exists (select from known where known.id = wanted.id)
    ),
    missing as (
      select (min(n) - 1)::int4 as index from input
      where exists (select from absent) and user_id in (select id from absent)
    ),
    ${claim ? sql`${claimKeyCtes(claim, ready)},` : sql``}
    stored as (${event.insert} where ${claim ? sql`exists (select from claim)` : ready})
    select (select index from missing) as missing, ${claim ? sql`exists (select from claim)` : sql`true`} as claimed
  `;
}

const statementNames = new Map<string, string>();

/**
 * Runs `query` as a named prepared statement on the pool behind `db`, so each
 * connection parses and plans it once rather than once per batch (Kysely sends
 * every query unnamed; planning the statement cost more than running it for a
 * batch of one). Kysely's own execution where `db` has no pool of its own.
 */
async function executePrepared<R extends object>(db: Kysely<DB>, query: RawBuilder<R>): Promise<R[]> {
  const pool = poolOf(db);
  if (!pool) return (await query.execute(db)).rows;
  const { sql: text, parameters } = query.compile(db);
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `ingest_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
    statementNames.set(text, name);
  }
  const result = await pool.query<R & Record<string, unknown>>({ name, text, values: [...parameters] });
  return result.rows;
}

async function store(db: Kysely<DB>, event: EventSql, claim: KeyClaim | undefined): Promise<IngestOutcome> {
  // A key taken by a request that is gone again by the time it is read (its app
  // deleted, or taken over as expired by a request with a later clock): try again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const [row] = await executePrepared(db, storeStatement(event, claim));
    if (row?.claimed && row.missing === null) return { state: 'stored' };
    // The answer a live key holds comes first, as if the key were claimed before the users were checked.
    const kept = claim ? await readLiveKey(db, claim) : null;
    if (kept) return kept;
    if (row && row.missing !== null) return { state: 'missing-user', index: row.missing };
  }
  throw new Error('idempotency key: could neither claim nor read the key');
}

/** Stores view events for an app in one statement (see storeStatement), claiming `claim` with them. */
export function storeViewEvents(db: Kysely<DB>, appId: string, rows: readonly ViewEventRow[], claim?: KeyClaim): Promise<IngestOutcome> {
  return store(db, viewsSql(appId, rows), claim);
}

/** Stores route invocations for an app in one statement (see storeStatement), claiming `claim` with them. */
export function storeInvocations(db: Kysely<DB>, appId: string, rows: readonly InvocationRow[], claim?: KeyClaim): Promise<IngestOutcome> {
  return store(db, invocationsSql(appId, rows), claim);
}

// The plain INSERTs, without user check or key: what a writer of CONTRACT §3
// runs itself, and the benchmark's yardstick for the procedures (bench/).

/** Stores view events for an app in one multi-row INSERT … SELECT FROM unnest; returns how many. */
export async function insertViewEvents(db: Kysely<DB>, appId: string, events: readonly ViewEventRow[]): Promise<number> {
  if (events.length === 0) return 0;
  const result = await sql`
    insert into view_events (app_id, viewer_id, viewed_at)
    select ${appId}::uuid, e.viewer_id, coalesce(e.viewed_at, now())
    from unnest(${events.map((e) => e.viewerId)}::uuid[], ${events.map((e) => e.viewedAt)}::timestamptz[]) as e (viewer_id, viewed_at)
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Stores route invocations for an app in one multi-row INSERT … SELECT FROM unnest; returns how many. */
export async function insertInvocations(db: Kysely<DB>, appId: string, rows: readonly InvocationRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const column = <K extends keyof InvocationRow>(key: K) => rows.map((row) => row[key]);
  const result = await sql`
    insert into route_invocations
      (app_id, method, path, user_id, started_at, duration_ms, status_code, memory_peak_bytes, error)
    select ${appId}::uuid, r.*
    from unnest(
      ${column('method')}::text[],
      ${column('path')}::text[],
      ${column('userId')}::uuid[],
      ${column('startedAt')}::timestamptz[],
      ${column('durationMs')}::int4[],
      ${column('statusCode')}::int4[],
      ${column('memoryPeakBytes')}::int8[],
      ${column('error')}::text[]
    ) as r (method, path, user_id, started_at, duration_ms, status_code, memory_peak_bytes, error)
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

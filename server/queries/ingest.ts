import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types';

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

/**
 * The ids among `ids` that are not users. The users found are locked
 * (FOR KEY SHARE) until the transaction ends, so none of them can be deleted
 * before the rows naming them commit. Call it inside the batch's transaction.
 */
export async function findMissingUsers(db: Kysely<DB>, ids: readonly string[]): Promise<Set<string>> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return new Set();
  const { rows } = await sql<{ id: string }>`
    select id from users where id = any(${wanted}::uuid[]) order by id for key share
  `.execute(db);
  const found = new Set(rows.map((row) => row.id));
  return new Set(wanted.filter((id) => !found.has(id)));
}

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

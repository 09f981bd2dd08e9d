import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types';

// What the live stream reads (server/live/): an app's two all-time totals from
// its 16 slot rows per table, and whether the credential a stream was opened
// with still holds.

/** The figures a live stream sends. */
export interface LiveTotals {
  totalViews: number;
  totalInvocations: number;
}

/** An app's all-time views and invocations, from the rollups' slot rows (one statement, at most 32 rows read). */
export async function getLiveTotals(db: Kysely<DB>, appId: string): Promise<LiveTotals> {
  const { rows } = await sql<LiveTotals>`
    select coalesce((select sum(views) from stats_view_slots where app_id = ${appId}), 0)::float8 as "totalViews",
           coalesce((select sum(invocations) from stats_invocation_slots where app_id = ${appId}), 0)::float8 as "totalInvocations"`.execute(
    db,
  );
  return rows[0] ?? { totalViews: 0, totalInvocations: 0 };
}

/** A stream's credential: its API token by id, or its session by id hash with the idle limit. */
export type LiveCredential = { kind: 'token'; tokenId: string } | { kind: 'session'; idHash: string; idleSince: Date };

/** Whether the credential is still live at `now`: not revoked, not expired, session not idle, user still there. */
export async function isCredentialLive(db: Kysely<DB>, credential: LiveCredential, now: Date): Promise<boolean> {
  if (credential.kind === 'token') {
    const row = await db
      .selectFrom('api_tokens as c')
      .innerJoin('users as u', 'u.id', 'c.user_id')
      .select('c.id')
      .where('c.id', '=', credential.tokenId)
      .where('c.revoked_at', 'is', null)
      .where((eb) => eb.or([eb('c.expires_at', 'is', null), eb('c.expires_at', '>', now)]))
      .executeTakeFirst();
    return row !== undefined;
  }
  const row = await db
    .selectFrom('sessions as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select('c.user_id')
    .where('c.id_hash', '=', credential.idHash)
    .where('c.expires_at', '>', now)
    .where('c.last_seen_at', '>', credential.idleSince)
    .executeTakeFirst();
  return row !== undefined;
}

/** The totals of several apps in one statement, by app id; apps without rows are left out. */
export async function getLiveTotalsOf(db: Kysely<DB>, appIds: readonly string[]): Promise<Map<string, LiveTotals>> {
  const { rows } = await sql<LiveTotals & { appId: string }>`
    select a.id::text as "appId",
           coalesce((select sum(views) from stats_view_slots where app_id = a.id), 0)::float8 as "totalViews",
           coalesce((select sum(invocations) from stats_invocation_slots where app_id = a.id), 0)::float8 as "totalInvocations"
    from unnest(${appIds}::uuid[]) as a(id)`.execute(db);
  return new Map(rows.map(({ appId, ...totals }) => [appId, totals]));
}

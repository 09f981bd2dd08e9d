import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import type { RecentInvocation } from '../schemas/stats';

/** How many invocations the history shows. */
export const RECENT_INVOCATIONS = 100;

/**
 * The app's last 100 invocations, newest first (read through the
 * (app_id, started_at desc) index), with the caller's username: null when the
 * invocation was anonymous or its user no longer exists.
 */
export async function listRecentInvocations(db: Kysely<DB>, appId: string): Promise<RecentInvocation[]> {
  const rows = await db
    .selectFrom('route_invocations as r')
    .leftJoin('users as u', 'u.id', 'r.user_id')
    .select([
      'r.method',
      'r.path',
      'u.username',
      'r.started_at as startedAt',
      'r.duration_ms as durationMs',
      'r.status_code as statusCode',
      'r.memory_peak_bytes as memoryPeakBytes',
      'r.error',
    ])
    .where('r.app_id', '=', appId)
    .orderBy('r.started_at', 'desc')
    .limit(RECENT_INVOCATIONS)
    .execute();
  return rows.map((row) => ({
    ...row,
    username: row.username ?? null,
    startedAt: row.startedAt.toISOString(),
    memoryPeakBytes: row.memoryPeakBytes === null ? null : Number(row.memoryPeakBytes),
  }));
}

import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types';

/** The `rate_limits` table (migration 20260103000000_rate_limits), known only to this file. */
interface RateLimitsTable {
  key: string;
  hits: number;
  reset_at: Date;
}

export interface WindowCount {
  hits: number;
  resetAt: Date;
}

function limits(db: Kysely<DB>) {
  return db.withTables<{ rate_limits: RateLimitsTable }>();
}

/**
 * Counts one hit on `key` in its fixed window and returns the count so far.
 * One statement, so concurrent hits from several processes never lose a count;
 * a window that has run out starts again at 1.
 */
export async function hitWindow(db: Kysely<DB>, key: string, now: Date, windowMs: number): Promise<WindowCount> {
  const resetAt = new Date(now.getTime() + windowMs);
  const row = await limits(db)
    .insertInto('rate_limits')
    .values({ key, hits: 1, reset_at: resetAt })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        hits: sql<number>`case when rate_limits.reset_at <= ${now} then 1 else rate_limits.hits + 1 end`,
        reset_at: sql<Date>`case when rate_limits.reset_at <= ${now} then excluded.reset_at else rate_limits.reset_at end`,
      }),
    )
    // xmax = 0 only on a freshly inserted row: the moment to sweep a few stale ones.
    .returning(['hits', 'reset_at', sql<boolean>`xmax = 0`.as('inserted')])
    .executeTakeFirstOrThrow();
  if (row.inserted) await purgeExpiredWindows(db, now, 20);
  return { hits: row.hits, resetAt: row.reset_at };
}

/** Takes back one hit on `key` (an attempt that turned out fine), never below zero. */
export async function unhitWindow(db: Kysely<DB>, key: string, now: Date): Promise<void> {
  await limits(db)
    .updateTable('rate_limits')
    .set({ hits: sql<number>`greatest(hits - 1, 0)` })
    .where('key', '=', key)
    .where('reset_at', '>', now)
    .execute();
}

/** Forgets `key` altogether (e.g. the failures of an account after a good sign-in). */
export async function clearWindow(db: Kysely<DB>, key: string): Promise<void> {
  await limits(db).deleteFrom('rate_limits').where('key', '=', key).execute();
}

/**
 * Deletes up to `max` windows that ended before `now`. Each new key sweeps a
 * few old ones, so the table stays about as large as the set of live keys.
 */
export async function purgeExpiredWindows(db: Kysely<DB>, now: Date, max: number): Promise<void> {
  await sql`
    delete from rate_limits
    where key in (select key from rate_limits where reset_at < ${now} order by reset_at limit ${max} for update skip locked)
  `.execute(db);
}

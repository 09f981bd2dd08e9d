import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types';

export interface WindowCount {
  hits: number;
  resetAt: Date;
}

/**
 * Counts one hit on `key` in its fixed window and returns the count so far.
 * One statement, so concurrent hits from several processes never lose a count;
 * a window that has run out starts again at 1.
 */
export async function hitWindow(db: Kysely<DB>, key: string, now: Date, windowMs: number): Promise<WindowCount> {
  const resetAt = new Date(now.getTime() + windowMs);
  const row = await db
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

export interface BackoffPolicy {
  /** Hits admitted back to back before any wait. */
  free: number;
  /** The wait after the last free hit; it doubles with each hit admitted after it. */
  baseMs: number;
  /** The longest wait. */
  maxMs: number;
  /** The key is forgotten this long after its last admitted hit. */
  memoryMs: number;
}

export interface BackoffCount {
  admitted: boolean;
  /** Hits admitted so far, this one included when admitted. */
  hits: number;
  /** When the next hit will be admitted (`now` while free hits remain). */
  nextAt: Date;
}

// A backoff row keeps `reset_at` = last admitted hit + memoryMs, so the last
// hit is reset_at - memoryMs; past the free hits, the next one is due a
// doubling wait after it. Null while free hits remain. Read on the row as it
// stands: the old row in the upsert's WHERE, the new one in RETURNING.
function nextHitAt(policy: BackoffPolicy) {
  const ms = sql`interval '1 millisecond'`;
  const wait = sql`least(${policy.baseMs}::float8 * power(2, least(rate_limits.hits - ${policy.free}, 40)), ${policy.maxMs}::float8)`;
  return sql<Date | null>`case when rate_limits.hits >= ${policy.free} then rate_limits.reset_at + (${wait} - ${policy.memoryMs}::float8) * ${ms} end`;
}

/**
 * Admits one hit on `key` if its backoff allows it now: the first
 * `policy.free` hits at once, then one per doubling wait (capped at
 * `policy.maxMs`) after the previous one. A refused hit changes nothing, so
 * hammering does not push the next slot further away. One statement (the
 * upsert's WHERE runs on the locked row), so parallel hits cannot slip in
 * together; a key unused for `policy.memoryMs` starts again.
 */
export async function hitBackoff(db: Kysely<DB>, key: string, now: Date, policy: BackoffPolicy): Promise<BackoffCount> {
  const forgetAt = new Date(now.getTime() + policy.memoryMs);
  const row = await db
    .insertInto('rate_limits')
    .values({ key, hits: 1, reset_at: forgetAt })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({
          hits: sql<number>`case when rate_limits.reset_at <= ${now} then 1 else rate_limits.hits + 1 end`,
          reset_at: sql<Date>`excluded.reset_at`,
        })
        .where(sql<boolean>`rate_limits.reset_at <= ${now} or rate_limits.hits < ${policy.free} or ${nextHitAt(policy)} <= ${now}`),
    )
    .returning(['hits', nextHitAt(policy).as('next_at'), sql<boolean>`xmax = 0`.as('inserted')])
    .executeTakeFirst();
  if (row) {
    if (row.inserted) await purgeExpiredWindows(db, now, 20);
    return { admitted: true, hits: row.hits, nextAt: row.next_at ?? now };
  }
  const held = await db
    .selectFrom('rate_limits')
    .select(['hits', nextHitAt(policy).as('next_at')])
    .where('key', '=', key)
    .executeTakeFirst();
  return { admitted: false, hits: held?.hits ?? 0, nextAt: held?.next_at ?? now };
}

/** Keeps `key` alive until `now + forMs` (or later, if it already lives longer), e.g. an address known to an account. */
export async function rememberKey(db: Kysely<DB>, key: string, now: Date, forMs: number): Promise<void> {
  await db
    .insertInto('rate_limits')
    .values({ key, hits: 1, reset_at: new Date(now.getTime() + forMs) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ reset_at: sql<Date>`greatest(rate_limits.reset_at, excluded.reset_at)` }))
    .execute();
}

/** True while `key` is remembered (see rememberKey). */
export async function remembersKey(db: Kysely<DB>, key: string, now: Date): Promise<boolean> {
  const row = await db.selectFrom('rate_limits').select('key').where('key', '=', key).where('reset_at', '>', now).executeTakeFirst();
  return row !== undefined;
}

/** Takes back one hit on `key` (an attempt that turned out fine), never below zero. */
export async function unhitWindow(db: Kysely<DB>, key: string, now: Date): Promise<void> {
  await db
    .updateTable('rate_limits')
    .set({ hits: sql<number>`greatest(hits - 1, 0)` })
    .where('key', '=', key)
    .where('reset_at', '>', now)
    .execute();
}

/** Forgets `key` altogether (e.g. the failures of an account after a good sign-in). */
export async function clearWindow(db: Kysely<DB>, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).execute();
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

/** The live window of `key` at `now` (hits so far and when it ends), or undefined when none is running. */
export async function readWindow(db: Kysely<DB>, key: string, now: Date): Promise<WindowCount | undefined> {
  const row = await db
    .selectFrom('rate_limits')
    .select(['hits', 'reset_at'])
    .where('key', '=', key)
    .where('reset_at', '>', now)
    .executeTakeFirst();
  return row && { hits: row.hits, resetAt: row.reset_at };
}

/** Hits counted in one process since its last report, per key, with the end of the window they fell in. */
export interface WindowHits {
  key: string;
  hits: number;
  resetAt: Date;
}

/**
 * Adds the hits of many keys to their fixed windows in one statement and
 * returns each key's total across every process, and how many keys were new. A stored window that ended
 * before the reported one began starts again from the reported hits.
 */
export async function addWindowHits(
  db: Kysely<DB>,
  batch: WindowHits[],
  windowMs: number,
): Promise<{ totals: Map<string, WindowCount>; newKeys: number }> {
  if (batch.length === 0) return { totals: new Map(), newKeys: 0 };
  const { rows } = await sql<{ key: string; hits: number; reset_at: Date; inserted: boolean }>`
    insert into rate_limits (key, hits, reset_at)
    select * from unnest(${batch.map((b) => b.key)}::text[], ${batch.map((b) => b.hits)}::int4[], ${batch.map((b) => b.resetAt)}::timestamptz[])
    on conflict (key) do update set
      hits = case when rate_limits.reset_at <= excluded.reset_at - ${windowMs} * interval '1 millisecond' then excluded.hits
                  else rate_limits.hits + excluded.hits end,
      reset_at = case when rate_limits.reset_at <= excluded.reset_at - ${windowMs} * interval '1 millisecond' then excluded.reset_at
                      else rate_limits.reset_at end
    returning key, hits, reset_at, xmax = 0 as inserted`.execute(db);
  return {
    totals: new Map(rows.map((row) => [row.key, { hits: row.hits, resetAt: row.reset_at }])),
    newKeys: rows.filter((row) => row.inserted).length,
  };
}

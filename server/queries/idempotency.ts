import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types';

export interface KeyClaim {
  appId: string;
  key: string;
  /** SHA-256 (hex) of what the request asks for: the same key with another hash is a conflict. */
  requestHash: string;
  /** The answer to give again when the same request comes back. */
  status: number;
  response: unknown;
  now: Date;
  ttlMs: number;
}

export type ClaimOutcome = { state: 'claimed' } | { state: 'replay'; status: number; response: unknown } | { state: 'conflict' };

/**
 * Claims an idempotency key for a request, inside the request's transaction
 * (call it first, before the work it guards). `claimed`: go on, the answer is
 * recorded and commits or rolls back with the work. `replay`: the same request
 * was done already; give its answer. `conflict`: the key was used for another request.
 *
 * A concurrent claim of the same key waits on the primary key until the other
 * transaction ends: after a commit it sees the row, after a rollback it claims
 * the key itself. A key older than `ttlMs` is taken over as if new.
 */
export async function claimIdempotencyKey(db: Kysely<DB>, claim: KeyClaim): Promise<ClaimOutcome> {
  const expiredBefore = new Date(claim.now.getTime() - claim.ttlMs);
  for (let attempt = 0; attempt < 3; attempt++) {
    const claimed = await db
      .insertInto('idempotency_keys')
      .values({
        app_id: claim.appId,
        key: claim.key,
        request_hash: claim.requestHash,
        status: claim.status,
        response: JSON.stringify(claim.response),
        created_at: claim.now,
      })
      .onConflict((oc) =>
        oc
          .columns(['app_id', 'key'])
          .doUpdateSet((eb) => ({
            request_hash: eb.ref('excluded.request_hash'),
            status: eb.ref('excluded.status'),
            response: eb.ref('excluded.response'),
            created_at: eb.ref('excluded.created_at'),
          }))
          .where('idempotency_keys.created_at', '<', expiredBefore),
      )
      .returning(sql<boolean>`xmax = 0`.as('inserted'))
      .executeTakeFirst();
    if (claimed) {
      if (claimed.inserted) await purgeExpiredKeys(db, expiredBefore, 20);
      return { state: 'claimed' };
    }
    // A live row holds the key. This statement's snapshot is newer than the
    // transaction that wrote it, so it is visible here.
    const existing = await db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'status', 'response'])
      .where('app_id', '=', claim.appId)
      .where('key', '=', claim.key)
      .executeTakeFirst();
    if (existing) {
      return existing.request_hash === claim.requestHash
        ? { state: 'replay', status: existing.status, response: existing.response }
        : { state: 'conflict' };
    }
  }
  throw new Error('idempotency key: could neither claim nor read the key');
}

/** Deletes up to `max` keys created before `before`, skipping rows other transactions hold. */
export async function purgeExpiredKeys(db: Kysely<DB>, before: Date, max: number): Promise<void> {
  await sql`
    delete from idempotency_keys
    where (app_id, key) in (
      select app_id, key from idempotency_keys where created_at < ${before} order by created_at limit ${max} for update skip locked
    )
  `.execute(db);
}

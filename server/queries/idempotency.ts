import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../db/types';

// Idempotency keys of the ingestion paths (migration 20260104000000_idempotency).
// A key is claimed by the very statement that stores the batch it guards
// (queries/ingest.ts), so the claim and the work commit or roll back together
// and cost one round trip. The primary key makes a concurrent claim of the same
// key wait until the other statement's transaction ends: after a commit it finds
// the row taken, after a rollback it claims the key itself.

/** Expired keys deleted, at most, each time a key is newly stored. */
const PURGE_BATCH = 20;

/** A request's claim on an idempotency key. */
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

/** What the key says when a request could not claim it. */
export type KeyOutcome = { state: 'replay'; status: number; response: unknown } | { state: 'conflict' };

const expiredBefore = (claim: KeyClaim) => new Date(claim.now.getTime() - claim.ttlMs);

/**
 * Two CTEs for a statement that does the work the key guards. `claim` stores
 * the key when `ready` holds, taking over a key older than `ttlMs` as if new,
 * and returns one row (`inserted`: newly stored) when the request may go on;
 * none when a live key is in the way. `purge` then deletes a few expired keys,
 * skipping rows other transactions hold. Guard the work with
 * `exists (select from claim)`.
 */
export function claimKeyCtes(claim: KeyClaim, ready: RawBuilder<unknown>): RawBuilder<unknown> {
  const before = expiredBefore(claim);
  return sql`
    claim as (
      insert into idempotency_keys (app_id, key, request_hash, status, response, created_at)
      select ${claim.appId}::uuid, ${claim.key}::text, ${claim.requestHash}::text, ${claim.status}::int4,
        ${JSON.stringify(claim.response)}::jsonb, ${claim.now}::timestamptz
      where ${ready}
      on conflict (app_id, key) do update
        set request_hash = excluded.request_hash, status = excluded.status, response = excluded.response, created_at = excluded.created_at
        where idempotency_keys.created_at < ${before}::timestamptz
      returning xmax = 0 as inserted
    ),
    purge as (
      delete from idempotency_keys
      where exists (select from claim where inserted)
        and ctid = any (array(
          select ctid from idempotency_keys where created_at < ${before}::timestamptz
          order by created_at limit ${PURGE_BATCH} for update skip locked
        ))
    )`;
}

/**
 * What a live key (younger than `ttlMs`) holds for this request: `replay` with
 * the stored answer when it was made for the same request, `conflict` when for
 * another; null when there is no live key. Read it after a statement found the
 * key taken: a new statement sees the transaction that took it.
 */
export async function readLiveKey(db: Kysely<DB>, claim: KeyClaim): Promise<KeyOutcome | null> {
  const existing = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status', 'response'])
    .where('app_id', '=', claim.appId)
    .where('key', '=', claim.key)
    .where('created_at', '>=', expiredBefore(claim))
    .executeTakeFirst();
  if (!existing) return null;
  return existing.request_hash === claim.requestHash
    ? { state: 'replay', status: existing.status, response: existing.response }
    : { state: 'conflict' };
}

import type { Kysely } from 'kysely';
import { generateToken } from '../auth/tokens';
import type { DB } from '../db/types';
import { insertApiToken } from './credentials';
import { DAY_MS } from '../../lib/range';

// API tokens as their owner manages them (/account) and as the CLI issues and
// revokes them (token:create, token:revoke): one set of functions for both.

/** Whether a token can still authenticate, as the auth code decides it (server/queries/caller.ts). */
export type TokenState = 'active' | 'expired' | 'revoked';

export interface TokenRow {
  id: string;
  name: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  state: TokenState;
}

/** Revoked wins over expired: it says what someone did, expiry only what time did. */
export function tokenState(token: { expiresAt: Date | null; revokedAt: Date | null }, now: Date): TokenState {
  if (token.revokedAt !== null) return 'revoked';
  if (token.expiresAt !== null && token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/**
 * Every API token of one user (those the CLI made included), newest first,
 * with when each was last used (written at most once a minute by the auth
 * code) and its state at `now`. Never the hash.
 */
export async function listUserTokens(db: Kysely<DB>, userId: string, now: Date): Promise<TokenRow[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'created_at as createdAt', 'expires_at as expiresAt', 'revoked_at as revokedAt', 'last_used_at as lastUsedAt'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ ...row, state: tokenState(row, now) }));
}

/**
 * Issues a new token for a user: `expiresInDays` from `now` (none: it never
 * expires). Returns the token itself, which is never stored nor shown again;
 * the database keeps its SHA-256 only.
 */
export async function issueApiToken(
  db: Kysely<DB>,
  params: { userId: string; name: string | null; expiresInDays?: number | undefined; now: Date },
): Promise<{ id: string; token: string; expiresAt: Date | null }> {
  const { token, hash } = generateToken();
  const expiresAt = params.expiresInDays === undefined ? null : new Date(params.now.getTime() + params.expiresInDays * DAY_MS);
  const row = await insertApiToken(db, { userId: params.userId, name: params.name, hash, expiresAt });
  return { id: row.id, token, expiresAt };
}

/**
 * Revokes a token at `now` (revoking twice keeps the first time). With
 * `userId` only that user's own token is touched, so someone else's id reads
 * as unknown; the CLI omits it. Undefined when no such token.
 */
export async function revokeToken(
  db: Kysely<DB>,
  params: { id: string; userId?: string; now: Date },
): Promise<{ id: string; revokedAt: Date } | undefined> {
  let query = db
    .updateTable('api_tokens')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(params.now)) }))
    .where('id', '=', params.id);
  if (params.userId !== undefined) query = query.where('user_id', '=', params.userId);
  const row = await query.returning(['id', 'revoked_at as revokedAt']).executeTakeFirst();
  return row && { id: row.id, revokedAt: row.revokedAt ?? params.now };
}

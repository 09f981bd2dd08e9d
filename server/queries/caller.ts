import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types';
import { type AppWithMembership, isUuid } from './apps';
import type { UserRow } from './users';

// Who is calling, and (when the request names an app) that app and the
// caller's membership of it, in one statement: the credential, the app and
// the standing of a request cost one round trip, not three.

/** A credential read off a request, already hashed: what the database is asked about. */
export type CredentialKey = { kind: 'token'; hash: string } | { kind: 'session'; idHash: string; idleSince: Date };

export interface CallerRow {
  user: UserRow;
  /** The API token's id and stored hash (token credentials only). */
  token: { id: string; hash: string } | null;
  /** When the credential was last marked used: the token's last_used_at or the session's last_seen_at. */
  seenAt: Date | null;
  /** The app asked about with the caller's membership; null when it does not exist; undefined when none was asked. */
  app?: AppWithMembership | null;
}

/** A credential's rows: the user, the token (if any) and its last use; live ones only. */
function credentialRows(db: Kysely<DB>, key: CredentialKey, now: Date) {
  if (key.kind === 'token') {
    return db
      .selectFrom('api_tokens as c')
      .innerJoin('users as u', 'u.id', 'c.user_id')
      .select(['u.id', 'u.username', 'u.name', 'u.is_admin', 'c.id as token_id', 'c.token_hash', 'c.last_used_at as seen_at'])
      .where('c.token_hash', '=', key.hash)
      .where('c.revoked_at', 'is', null)
      .where((eb) => eb.or([eb('c.expires_at', 'is', null), eb('c.expires_at', '>', now)]));
  }
  return db
    .selectFrom('sessions as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select([
      'u.id',
      'u.username',
      'u.name',
      'u.is_admin',
      sql<string | null>`null::uuid`.as('token_id'),
      sql<string | null>`null::text`.as('token_hash'),
      sql<Date | null>`c.last_seen_at`.as('seen_at'),
    ])
    .where('c.id_hash', '=', key.idHash)
    .where('c.expires_at', '>', now)
    .where('c.last_seen_at', '>', key.idleSince);
}

/**
 * The live credential's user (not expired, not revoked, session not idle) and,
 * when `appRef` (a UUID or natural id) is given, that app with the caller's
 * membership, in one statement; undefined when the credential is not live.
 */
export async function findCaller(db: Kysely<DB>, key: CredentialKey, now: Date, appRef?: string): Promise<CallerRow | undefined> {
  const who = credentialRows(db, key, now);
  if (appRef === undefined) {
    const row = await who.executeTakeFirst();
    return row && { user: userOf(row), token: tokenOf(row), seenAt: row.seen_at };
  }
  const uuid = isUuid(appRef);
  const row = await db
    .with('who', () => who)
    .selectFrom('who')
    .leftJoin('apps as a', (join) => (uuid ? join.on('a.id', '=', appRef.toLowerCase()) : join.on('a.natural_id', '=', appRef)))
    .leftJoin('memberships as m', (join) => join.onRef('m.app_id', '=', 'a.id').onRef('m.user_id', '=', 'who.id'))
    .selectAll('who')
    .select([
      'a.id as app_id',
      'a.natural_id',
      'a.name as app_name',
      'a.owner_id',
      'a.visibility',
      'a.workspace_schema',
      'a.quota_bytes',
      'm.role as membership_role',
    ])
    .executeTakeFirst();
  if (!row) return undefined;
  const app =
    row.app_id === null || row.natural_id === null || row.app_name === null || row.owner_id === null || row.visibility === null
      ? null
      : {
          app: {
            id: row.app_id,
            naturalId: row.natural_id,
            name: row.app_name,
            ownerId: row.owner_id,
            visibility: row.visibility,
            workspaceSchema: row.workspace_schema,
            quotaBytes: Number(row.quota_bytes),
          },
          membershipRole: row.membership_role,
        };
  return { user: userOf(row), token: tokenOf(row), seenAt: row.seen_at, app };
}

function userOf(row: { id: string; username: string; name: string | null; is_admin: boolean }): UserRow {
  return { id: row.id, username: row.username, name: row.name, isAdmin: row.is_admin };
}

function tokenOf(row: { token_id: string | null; token_hash: string | null }): CallerRow['token'] {
  return row.token_id && row.token_hash ? { id: row.token_id, hash: row.token_hash } : null;
}

/** A credential's last use is written at most this often: reading with it is not a write on every request. */
export const SEEN_EVERY_MS = 60_000;

/** Whether a credential last marked used at `seenAt` should be marked again at `now`. */
export function isStale(seenAt: Date | null, now: Date): boolean {
  return seenAt === null || now.getTime() - seenAt.getTime() >= SEEN_EVERY_MS;
}

/** Marks an API token used at `now`, unless another request did within SEEN_EVERY_MS. */
export async function markTokenUsed(db: Kysely<DB>, tokenId: string, now: Date): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: now })
    .where('id', '=', tokenId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', new Date(now.getTime() - SEEN_EVERY_MS))]))
    .execute();
}

/** Moves a live session's last-seen time to `now`, unless another request did within SEEN_EVERY_MS. */
export async function markSessionSeen(db: Kysely<DB>, idHash: string, now: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: now })
    .where('id_hash', '=', idHash)
    .where('expires_at', '>', now)
    .where('last_seen_at', '<=', new Date(now.getTime() - SEEN_EVERY_MS))
    .execute();
}

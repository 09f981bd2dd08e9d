import { createHmac } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { authSecret } from '../auth/secret';
import { scramVerifier } from '../db/scram';
import type { DB } from '../db/types';

// Workspace reads log in as the workspace's own reader role (migration
// 20260106000000_workspace_login), never as the service: tenant code that runs
// during a read (a policy, a function the planner folds) and resets its role
// lands on that reader, which can read one schema and nothing else.
//
// The reader's password is derived from AUTH_SECRET and the role's name, so
// every server process knows it without storing it; the server keeps only a
// SCRAM verifier, set by the service whenever a login is refused (a new
// reader, a rotated secret, a database cloned elsewhere).

// A plain role that may use this schema: not a member of any role, no
// attribute beyond LOGIN, found by what it is rather than by its name.
const FIND_READER = `
  select r.rolname
  from pg_catalog.pg_roles r
  join pg_catalog.pg_namespace n on n.nspname = $2
  where starts_with(r.rolname, left($1, 45) || '_reader_')
    and not (r.rolsuper or r.rolinherit or r.rolcreaterole or r.rolcreatedb or r.rolreplication or r.rolbypassrls)
    and pg_catalog.has_schema_privilege(r.oid, n.oid, 'USAGE')
    and not exists (select from pg_catalog.pg_auth_members m where m.member = r.oid)
  order by r.rolname collate "C"
  limit 1`;

/** The reader role of a workspace schema, or null when it has none (run the migrations: grant_workspace_reader). */
export async function findWorkspaceReader(pool: pg.Pool, schema: string): Promise<string | null> {
  const { rows } = await pool.query<{ rolname: string }>(FIND_READER, [schema, schema]);
  return rows[0]?.rolname ?? null;
}

/** The password of a reader role: HMAC-SHA256 of its name under AUTH_SECRET, never stored. */
export function readerPassword(role: string): string {
  return createHmac('sha256', authSecret()).update(`appstats workspace reader\0${role}`).digest('base64url');
}

/**
 * Lets `role` log in with its derived password. Needs CREATEROLE (and ADMIN on
 * the role from PostgreSQL 16). Two requests that find the login refused at
 * once (a new AUTH_SECRET) queue on an advisory lock instead of failing with
 * "tuple concurrently updated": both statements go in one simple query, so one
 * implicit transaction holds the lock until the ALTER commits.
 */
export async function enableReaderLogin(db: Kysely<DB>, role: string): Promise<void> {
  const verifier = scramVerifier(readerPassword(role));
  await sql
    .raw(
      `select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(${pg.escapeLiteral(`appstats.reader-login:${role}`)}, 0));
       alter role ${pg.escapeIdentifier(role)} with login password ${pg.escapeLiteral(verifier)}`,
    )
    .execute(db);
}

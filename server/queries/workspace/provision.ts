import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types';
import { enableReaderLogin } from '../../workspace/login';

/** The schema name of an app's workspace, derived from its UUID only (never from user input). */
export function workspaceSchemaFor(appId: string): string {
  const hex = appId.toLowerCase().replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error('workspace schema needs a UUID app id');
  return `ws_${hex}`;
}

/**
 * Creates a workspace schema with its `_migrations` table (where the app's
 * migrations record themselves) and its reader role, which may read this
 * schema's tables and nothing else (every workspace read logs in as it). Needs a
 * superuser or CREATEROLE: see migration 20260105000000_workspace_roles.
 */
export async function createWorkspaceSchema(db: Kysely<DB>, schema: string): Promise<void> {
  await sql`create schema ${sql.id(schema)}`.execute(db);
  await sql`create table ${sql.id(schema, '_migrations')} (
    id serial primary key,
    name text not null unique,
    applied_at timestamptz not null default now()
  )`.execute(db);
  await enableReaderLogin(db, await grantWorkspaceReader(db, schema));
}

/**
 * Creates the reader role of an existing schema if it has none, and grants it
 * USAGE on the schema, SELECT on its tables and on the tables created there
 * later by the current user. Idempotent; returns the role's name.
 */
export async function grantWorkspaceReader(db: Kysely<DB>, schema: string): Promise<string> {
  const { rows } = await sql<{ reader: string }>`select public.grant_workspace_reader(${schema}) as reader`.execute(db);
  const reader = rows[0]?.reader;
  if (!reader) throw new Error(`no reader role for ${schema}`);
  return reader;
}

import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types';

/** The schema name of an app's workspace, derived from its UUID only (never from user input). */
export function workspaceSchemaFor(appId: string): string {
  const hex = appId.toLowerCase().replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error('workspace schema needs a UUID app id');
  return `ws_${hex}`;
}

/** Creates a workspace schema with its `_migrations` table (where the app's migrations record themselves). */
export async function createWorkspaceSchema(db: Kysely<DB>, schema: string): Promise<void> {
  await sql`create schema ${sql.id(schema)}`.execute(db);
  await sql`create table ${sql.id(schema, '_migrations')} (
    id serial primary key,
    name text not null unique,
    applied_at timestamptz not null default now()
  )`.execute(db);
}

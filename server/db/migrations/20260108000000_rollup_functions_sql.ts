import { readFileSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';

// The rollup functions and triggers of 20260102000000_rollups, as readable SQL
// in server/db/sql/rollups/ (issue 12): the same logic, locks and 16 slots,
// written out instead of assembled from TypeScript templates. Every statement
// is `create or replace`, so the functions keep their oids, their owner (the
// NOLOGIN role of 20260107000000_function_rights, of which the migrating role
// is a member) and their grants (none for PUBLIC); each file says the
// `security definer set search_path = pg_catalog, public, pg_temp` that
// 20260107 gave them. test/rollup-sql.test.ts holds the database to the files.
//
// An applied migration does not run again: a later change to a file comes
// with a migration of its own that calls applyRollupSql (sql/rollups/README.md).
//
// The files are found beside this module (`new URL(…, import.meta.url)`), as
// tsx, Vitest and kysely-ctl load it from the source tree; Next never imports
// the migrations (only scripts/, bench/ and tests reach server/db/migrate.ts).

/** The files, in the order they run: the functions before the triggers that call them. */
export const ROLLUP_SQL_FILES: readonly URL[] = [
  new URL('../sql/rollups/histograms.sql', import.meta.url),
  new URL('../sql/rollups/flush.sql', import.meta.url),
  new URL('../sql/rollups/views.sql', import.meta.url),
  new URL('../sql/rollups/views-removed.sql', import.meta.url),
  new URL('../sql/rollups/invocations.sql', import.meta.url),
  new URL('../sql/rollups/invocations-removed.sql', import.meta.url),
  new URL('../sql/rollups/rebuild.sql', import.meta.url),
  new URL('../sql/rollups/triggers.sql', import.meta.url),
];

/** Runs every rollup SQL file, each as one multi-statement query, in the caller's transaction. */
export async function applyRollupSql(db: Kysely<any>): Promise<void> {
  for (const file of ROLLUP_SQL_FILES) await sql.raw(readFileSync(file, 'utf8')).execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await applyRollupSql(db);
}

export async function down(): Promise<void> {
  // The functions are those of 20260102000000_rollups, written out: nothing to undo.
}

import { readFileSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';

// stats_flush_views and stats_flush_invocations (server/db/sql/rollups/flush.sql)
// move exactly the slot rows they locked and read once. They read the slot rows
// again in each statement: a slot row a writer created or first filled between
// the move and the emptying was emptied without being moved, and its events
// were lost (test/queries/rollup-hours-hist.test.ts, under a rebuild, a DELETE
// and one-row INSERTs at once). Only flush.sql runs again: `create or replace`
// keeps the functions' owner and grants (20260107000000_function_rights).

const FLUSH_SQL = new URL('../sql/rollups/flush.sql', import.meta.url);

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(readFileSync(FLUSH_SQL, 'utf8')).execute(db);
}

export async function down(): Promise<void> {
  // The previous functions lost events; nothing to go back to.
}

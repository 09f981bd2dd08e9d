import { type Kysely, sql } from 'kysely';

// Fixed-window counters for sign-in throttling and per-token budgets, shared by
// every server process. UNLOGGED: counters are cheap to lose in a crash, and
// commits that touch only this table do not wait for a WAL flush.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create unlogged table rate_limits (
      key text primary key,
      hits integer not null,
      reset_at timestamptz not null
    )
  `.execute(db);
  await db.schema.createIndex('rate_limits_reset_idx').on('rate_limits').column('reset_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limits').ifExists().execute();
}

import { type Kysely, sql } from 'kysely';

// Idempotency keys of the ingestion paths (issue 6). The primary key makes a
// second request with the same key wait on the first one's transaction, so
// two identical requests in flight store their batch once. A row lives as
// long as its batch: it is inserted in the batch's own transaction.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table idempotency_keys (
      app_id uuid not null references apps (id) on delete cascade,
      key text not null,
      request_hash text not null,
      status integer not null,
      response jsonb not null,
      created_at timestamptz not null,
      primary key (app_id, key)
    )
  `.execute(db);
  await db.schema.createIndex('idempotency_keys_created_idx').on('idempotency_keys').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').ifExists().execute();
}

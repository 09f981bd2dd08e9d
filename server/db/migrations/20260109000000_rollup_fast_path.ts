import { type Kysely, sql } from 'kysely';
import { applyRollupSql } from './20260108000000_rollup_functions_sql';

// The rollup triggers without advisory locks (issue 13), as the files in
// server/db/sql/rollups/ now say:
// - A one-row INSERT reads its row once into variables (with a check that it
//   is the only one), then UPDATEs the writer's slot row when the row is in the
//   slot's current bucket (and, for a view, upserts the viewer's row). Before,
//   a check over the transition table took an (app, slot) advisory lock, and
//   the UPDATE read the row from a record: 89k of 213k instructions per
//   invocation went to that check, 39k now (sql/rollups/README.md: "Locks").
// - Advisory locks are open to every role and the rollup keys were derived
//   from the app's id: a tenant's code could hold them and stall the app's
//   writers. Row locks on the rollup tables are not: no other role has any
//   right on those tables. Every write takes its slot row first (slots →
//   viewers → buckets → days), so a removal or a rebuild that locks all of an
//   app's slot rows holds the app's writers off; stats_rebuild_app creates the
//   app's missing slot rows and locks all of them instead of 16 advisory locks.
// - stats_add_view no longer takes the viewers to add: the trigger counts the
//   viewer once it holds the slot row.

// Functions the files define anew are created by the migrating role: they go to
// the rollups role of 20260107000000_function_rights, with no EXECUTE for
// PUBLIC, as every other rollup function did there.
const HAND_OVER = `do $do$
declare
  owner_role constant text := 'appstats_rollups_' || left(md5(current_database()), 8);
  f regprocedure;
begin
  for f in
    select p.oid::regprocedure
    from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.proname like 'stats\\_%'
      and p.proowner <> (select r.oid from pg_catalog.pg_roles r where r.rolname = owner_role)
  loop
    execute format('revoke all on function %s from public', f);
    execute format('alter function %s owner to %I', f, owner_role);
  end loop;
end
$do$`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists stats_add_view(uuid, smallint, timestamptz, bigint, timestamptz)`.execute(db);
  await applyRollupSql(db);
  await sql.raw(HAND_OVER).execute(db);
}

export async function down(): Promise<void> {
  // The functions are replaced in place, and the old ones took advisory locks any role could hold: nothing to undo.
}

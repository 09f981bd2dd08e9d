import { type Kysely, type MigrationResultSet, Migrator, sql } from 'kysely';
import { migrations } from './migration-list';

// Session-level advisory lock held while migrating, so several processes
// running `db:migrate` at once queue up instead of racing on DDL.
const MIGRATION_LOCK_KEY = 7_331_001;

// The service's functions are the service's (CONTRACT §10): whatever a migration
// adds to the public schema, PUBLIC may not execute it. Not a default privilege,
// which would also hide the functions a workspace's own code creates as the service
// role from the workspace's reader. Extension members are the extension's business.
const REVOKE_PUBLIC_EXECUTE = sql`do $$
  declare f regprocedure;
  begin
    for f in
      select p.oid::regprocedure from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'public' and pg_catalog.has_function_privilege('public', p.oid, 'EXECUTE')
        and not exists (select from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
    loop
      execute format('revoke all on function %s from public', f);
    end loop;
  end $$`;

/** Applies every pending migration once, safe to call from several processes at the same moment. */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<MigrationResultSet> {
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
    try {
      // The migrator runs on the very connection that holds the lock: a pool of one suffices.
      const migrator = new Migrator({
        db: conn,
        provider: { getMigrations: async () => migrations },
      });
      const result = await migrator.migrateToLatest();
      if (!result.error) await REVOKE_PUBLIC_EXECUTE.execute(conn);
      return result;
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
    }
  });
}

/** Like migrateToLatest, but throws the migration error instead of returning it. */
export async function migrateOrThrow<T>(db: Kysely<T>): Promise<string[]> {
  const { error, results } = await migrateToLatest(db);
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

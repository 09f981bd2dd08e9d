import { type Kysely, type MigrationResultSet, Migrator, sql } from 'kysely';
import { migrations } from './migration-list';

// Session-level advisory lock held while migrating, so several processes
// running `db:migrate` at once queue up instead of racing on DDL.
const MIGRATION_LOCK_KEY = 7_331_001;

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
      return await migrator.migrateToLatest();
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

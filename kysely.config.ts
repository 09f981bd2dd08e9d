import { PostgresDialect } from 'kysely';
import { defineConfig } from 'kysely-ctl';
import pg from 'pg';
import { migrations } from './server/db/migration-list';

// kysely-ctl (`npx kysely migrate:list`) against DATABASE_URL. `npm run db:migrate`
// uses the same migration list and also starts the embedded server when DATABASE_URL is unset.
export default defineConfig({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) }),
  migrations: { provider: { getMigrations: async () => migrations } },
});

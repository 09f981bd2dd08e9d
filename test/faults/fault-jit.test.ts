import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withWorkspaceSession } from '../../server/workspace/session';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { type TestApp, makeApp, makeUser } from '../helpers/fixtures';

// Debian's PostgreSQL (and most hosted ones) JIT-compiles any plan whose cost
// estimate passes jit_above_cost. Ours are short reads whose estimates are
// large (generate_series over a range, a tenant's table of 10^8 rows): with
// JIT on, a 2 ms range read spent 1.4 s compiling. Both kinds of session run
// with it off, fixed at login, whatever the server's default.

let database: TestDatabase & { drop(): Promise<void> };
let app: TestApp;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await makeApp(database.db, await makeUser(database.db), { workspace: true });
});

afterAll(() => database?.drop());

describe('JIT', () => {
  it('is off on every connection of the service pool, even where the server turns it on', async () => {
    await sql`alter database ${sql.id(new URL(database.url).pathname.slice(1))} set jit = on`.execute(database.db);
    const settings = await Promise.all(
      Array.from({ length: 3 }, () => sql<{ jit: string }>`select current_setting('jit') as jit, pg_sleep(0.05)`.execute(database.db)),
    );
    expect(settings.map(({ rows }) => rows[0]?.jit)).toEqual(['off', 'off', 'off']);
  });

  it('is off for a workspace reader', async () => {
    const jit = await withWorkspaceSession(database.db, app.workspaceSchema as string, async (client) => {
      const { rows } = await client.query<{ jit: string }>("select pg_catalog.current_setting('jit') as jit");
      return rows[0]?.jit;
    });
    expect(jit).toBe('off');
  });
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sharedDatabase } from '../../server/db/client';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { type TestApp, type TestUser, callerFor, makeApp, makeUser } from '../helpers/fixtures';
import { outcomeCode } from '../helpers/errors';
import { type Tenant, tenantOf } from '../helpers/tenant';

// One tenant locks its own table and keeps the lock (CONTRACT §10). Reads of that
// workspace stop at their limits with "busy" (503 with Retry-After over REST), and
// meanwhile every other app keeps answering: workspace reads never wait on the
// service's own pool, and one workspace never takes all of their slots.

let database: TestDatabase & { drop(): Promise<void> };
let owner: TestUser;
let locked: TestApp;
let others: TestApp[];
let tenant: Tenant;

beforeAll(async () => {
  database = await createTestDatabase();
  owner = await makeUser(database.db);
  locked = await makeApp(database.db, owner, { workspace: true });
  others = await Promise.all(Array.from({ length: 4 }, () => makeApp(database.db, owner, { workspace: true })));
  tenant = await tenantOf(database.url, locked.workspaceSchema as string);
  await tenant.run(
    `create table ${locked.workspaceSchema}.t (id int primary key); insert into ${locked.workspaceSchema}.t values (1); grant select on ${locked.workspaceSchema}.t to public`,
  );
});

afterAll(async () => {
  await tenant?.close();
  await database?.drop();
});

describe('a workspace locked by its own tenant', () => {
  it('20 stuck reads of it answer SERVICE_UNAVAILABLE within 15 s while 20 /stats of other apps answer as usual', async () => {
    const schema = locked.workspaceSchema as string;
    const holder = await tenant.hold(`begin; lock table ${schema}.t in access exclusive mode`);
    try {
      const caller = await callerFor(database.db, owner);
      const started = Date.now();
      const stuck = Array.from({ length: 20 }, (_, i) => {
        const read = i % 2 === 0 ? caller.stats.overview({ appId: locked.id }) : caller.stats.preview({ appId: locked.id, table: 't' });
        return outcomeCode(read).then((code) => ({ code, ms: Date.now() - started }));
      });
      // Give the stuck reads a head start, so the others arrive while they wait.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const elsewhere = others.flatMap((app) => Array.from({ length: 5 }, () => caller.stats.overview({ appId: app.id })));
      const answered = await Promise.all(elsewhere);
      const othersDoneAt = Date.now() - started;
      expect(answered.map((stats) => stats.storage.hasWorkspace)).toEqual(Array(20).fill(true));
      const outcomes = await Promise.all(stuck);
      expect(outcomes.map((o) => o.code)).toEqual(Array(20).fill('SERVICE_UNAVAILABLE'));
      expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(15_000);
      // The other apps did not wait for the locked one: they were done before its last read gave up.
      expect(othersDoneAt).toBeLessThan(Math.max(...outcomes.map((o) => o.ms)));
    } finally {
      await holder.query('rollback');
    }
    const after = await callerFor(database.db, owner);
    expect((await after.stats.preview({ appId: locked.id, table: 't' })).rows).toEqual([{ id: 1 }]);
  }, 30_000);
});

describe('a workspace whose code turns its own time limits off', () => {
  it('is stopped by the overall deadline: 503 within 15 s, and its backend is gone', async () => {
    const schema = locked.workspaceSchema as string;
    // The first plan of a query on the table turns the statement timeout off for the session; the next one sleeps a minute.
    await tenant.run(`
      create function ${schema}.stall() returns int language plpgsql immutable as $fn$
      begin
        if current_user not like '%\\_reader\\_%' then return 1; end if;
        if pg_catalog.current_setting('statement_timeout') = '0' then perform pg_catalog.pg_sleep(60);
        else perform pg_catalog.set_config('statement_timeout', '0', false); end if;
        return 1;
      end $fn$;
      create table ${schema}.stalling (id int primary key);
      create index on ${schema}.stalling (id) where ${schema}.stall() = 1;
      grant select on ${schema}.stalling to public;`);
    const caller = await callerFor(database.db, owner);
    const started = Date.now();
    expect(await outcomeCode(caller.stats.preview({ appId: locked.id, table: 'stalling' }))).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(15_000);
    // pg_terminate_backend signals the backend; it leaves pg_stat_activity a moment later.
    await expect
      .poll(
        async () => {
          const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity where application_name = 'appstats-workspace-read' and state = 'active'`.execute(
            database.db,
          );
          return rows[0]?.n;
        },
        { timeout: 5_000 },
      )
      .toBe(0);
  }, 30_000);
});

describe("the server's own pool", () => {
  it('bounds every statement and every lock wait of a request, so nothing can hold its connections for long', async () => {
    vi.stubEnv('DATABASE_URL', database.url);
    const shared = sharedDatabase();
    try {
      const { rows } = await sql<{ statement: string; lock: string }>`
        select current_setting('statement_timeout') as statement, current_setting('lock_timeout') as lock`.execute(shared.db);
      expect(rows[0]).toEqual({ statement: '10s', lock: '3s' });
    } finally {
      await shared.destroy();
      vi.unstubAllEnvs();
    }
  });
});

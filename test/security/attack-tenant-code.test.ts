import { sql } from 'kysely';
import { workspaceLoginsOpened } from '../../server/workspace/connection';
import { workspaceResetsSettled } from '../../server/workspace/session';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { type TestApp, type TestUser, callerFor, makeApp, makeUser } from '../helpers/fixtures';
import { expectCode } from '../helpers/errors';
import { type Tenant, tenantOf } from '../helpers/tenant';

// Tenant code that runs during a workspace read (CONTRACT §10): a row-level
// security policy, and an immutable function in a partial index predicate,
// which the planner folds whenever it plans a query on the table, policies or
// not. Whatever such code does (reset its role, set a session setting, take an
// advisory lock) must get no rights beyond reading its own workspace and must
// not outlive the read on any connection the service uses again.

let database: TestDatabase & { drop(): Promise<void> };
let owner: TestUser;
let app: TestApp;
let schema: string;
let tenant: Tenant;
const LOCK_KEY = 7_726_001;

// Resets its role, tries to reach the platform's tables, and leaves a setting, a
// search_path and an advisory lock behind on the connection it runs on.
const EVIL = (s: string) => `
  create function ${s}.evil() returns int language plpgsql immutable as $fn$
  begin
    begin
      perform pg_catalog.set_config('role', 'none', true);
    exception when others then
      null; -- refused inside a security-restricted operation (an index build)
    end;
    perform pg_catalog.set_config('search_path', '${s}, public', false);
    perform pg_catalog.set_config('appstats.tenant_was_here', current_user, false);
    perform pg_catalog.pg_advisory_lock(${LOCK_KEY});
    if pg_catalog.has_table_privilege('public.api_tokens', 'SELECT') then
      raise exception 'tenant code reached api_tokens as %', current_user;
    end if;
    return 1;
  end $fn$;
  create function ${s}.gate(id int) returns boolean language sql as $fn$ select ${s}.evil() = 1 $fn$;`;

beforeAll(async () => {
  database = await createTestDatabase();
  owner = await makeUser(database.db);
  app = await makeApp(database.db, owner, { workspace: true });
  schema = app.workspaceSchema as string;
  tenant = await tenantOf(database.url, schema);
  await tenant.run(`${EVIL(schema)}
    create table ${schema}.trap (id int primary key, note text);
    insert into ${schema}.trap select n, 'row ' || n from generate_series(1, 30) n;
    create index trap_folded on ${schema}.trap (id) where ${schema}.evil() = 1;
    create table ${schema}.bait (id int primary key, secret text);
    insert into ${schema}.bait values (1, 'policy-protected');
    alter table ${schema}.bait enable row level security;
    create policy bait_gate on ${schema}.bait using (${schema}.gate(id));
    create function ${schema}.carried() returns int language plpgsql immutable as $fn$
    begin
      if current_user not like '%\\_reader\\_%' then return 1; end if;
      -- RESET leaves a custom setting defined but empty.
      if coalesce(pg_catalog.current_setting('appstats.tenant_was_here', true), '') <> ''
         or pg_catalog.current_setting('search_path') <> 'pg_catalog'
         or current_user <> session_user
         or exists (select from pg_catalog.pg_locks where locktype = 'advisory' and pid = pg_catalog.pg_backend_pid()) then
        raise exception 'an earlier read left its state on this connection';
      end if;
      return 1;
    end $fn$;
    create table ${schema}.carry (id int primary key);
    insert into ${schema}.carry values (1);
    create index carry_checked on ${schema}.carry (id) where ${schema}.carried() = 1;
    grant select on ${schema}.trap, ${schema}.bait, ${schema}.carry to public;`);
});

afterAll(async () => {
  await tenant?.close();
  await database?.drop();
});

/** current_user, search_path and the tenant's setting on every connection of the service's pool. */
async function serviceConnections(): Promise<Array<{ user: string; path: string; mark: string | null; lockFree: boolean }>> {
  const size = 5;
  const clients = await Promise.all(Array.from({ length: size }, () => database.pool.connect()));
  try {
    const seen = [];
    // One connection after the other, so that their own lock tries do not meet.
    for (const client of clients) {
      const { rows } = await client.query<{ user: string; path: string; mark: string | null }>(
        `select current_user as user, current_setting('search_path') as path, current_setting('appstats.tenant_was_here', true) as mark`,
      );
      const lock = await client.query<{ free: boolean }>('select pg_try_advisory_lock($1) as free', [LOCK_KEY]);
      if (lock.rows[0]?.free) await client.query('select pg_advisory_unlock($1)', [LOCK_KEY]);
      seen.push({ ...(rows[0] as { user: string; path: string; mark: string | null }), lockFree: lock.rows[0]?.free === true });
    }
    return seen;
  } finally {
    for (const client of clients) client.release();
  }
}

async function serviceUser(): Promise<string> {
  const { rows } = await sql<{ user: string }>`select current_user as user`.execute(database.db);
  return rows[0]?.user as string;
}

describe('tenant code during workspace reads', () => {
  it('a folded index predicate runs without the service rights, and leaves nothing on the service connections', async () => {
    const caller = await callerFor(database.db, owner);
    const page = await caller.stats.preview({ appId: app.id, table: 'trap', limit: 10, offset: 0 });
    expect(page.rows).toHaveLength(10);
    await caller.stats.tables({ appId: app.id });
    await caller.stats.overview({ appId: app.id });
    const expectedUser = await serviceUser();
    for (const connection of await serviceConnections()) {
      expect(connection).toEqual({ user: expectedUser, path: '"$user", public', mark: null, lockFree: true });
    }
    // The next request of another kind still reads the platform's own tables.
    expect((await caller.apps.get({ appId: app.id })).id).toBe(app.id);
  });

  it('nothing the tenant did survives on the server: the advisory lock is free once the read is over', async () => {
    const caller = await callerFor(database.db, owner);
    await caller.stats.preview({ appId: app.id, table: 'trap', limit: 5, offset: 0 });
    // The reset runs right after the answer: the read is over once it is done.
    await workspaceResetsSettled();
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      const { rows } = await other.query<{ free: boolean }>('select pg_try_advisory_lock($1) as free', [LOCK_KEY]);
      expect(rows[0]?.free).toBe(true);
    } finally {
      await other.end();
    }
  });

  it('a reader connection kept for the next read of the workspace carries nothing of the last one over', async () => {
    const caller = await callerFor(database.db, owner);
    await caller.stats.preview({ appId: app.id, table: 'trap', limit: 5, offset: 0 });
    const logins = workspaceLoginsOpened();
    // The same reader's connection, reset: the tenant's setting, search_path, role and advisory lock are gone.
    expect((await caller.stats.preview({ appId: app.id, table: 'carry', limit: 5, offset: 0 })).rows).toEqual([{ id: 1 }]);
    expect(workspaceLoginsOpened()).toBe(logins);
  });

  it('a row-level-security policy is never run: the preview says the table has row-level security (422)', async () => {
    const caller = await callerFor(database.db, owner);
    const error = await expectCode(caller.stats.preview({ appId: app.id, table: 'bait', limit: 10, offset: 0 }), 'UNPROCESSABLE_CONTENT');
    expect(error.message).toMatch(/row-level security/);
    const tables = await caller.stats.tables({ appId: app.id });
    expect(tables.map((t) => t.name)).toEqual(['bait', 'carry', 'trap']);
    for (const connection of await serviceConnections()) expect(connection.mark).toBeNull();
  });

  it('workspace reads log in as the workspace reader, which can reach nothing of the platform', async () => {
    const { rows } = await sql<{ rolname: string; rolcanlogin: boolean; rolsuper: boolean; memberships: number }>`
      select r.rolname, r.rolcanlogin, r.rolsuper,
             (select count(*)::int from pg_auth_members m where m.member = r.oid) as memberships
      from pg_roles r where starts_with(r.rolname, ${schema} || '_reader_')`.execute(database.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ rolcanlogin: true, rolsuper: false, memberships: 0 });
  });
});

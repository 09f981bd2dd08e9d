import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKSPACE_LIMITS } from '../../server/workspace/limits';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { type TestApp, type TestUser, callerFor, makeApp, makeUser } from '../helpers/fixtures';
import { expectCode } from '../helpers/errors';
import { collect } from '../helpers/export';

// A table export holds a workspace connection for as long as it streams, so it
// runs inside the workspace-read limits (CONTRACT §10): the workspace's slots
// (a third read waits for one), a deadline per step (a consumer that stops
// reading gives its slot back after WORKSPACE_LIMITS.deadlineMs), and the
// statement timeout (a table whose planning runs the tenant's slow code).

let database: TestDatabase & { drop(): Promise<void> };
let owner: TestUser;
let app: TestApp;

beforeAll(async () => {
  database = await createTestDatabase();
  owner = await makeUser(database.db);
  app = await makeApp(database.db, owner, { workspace: true });
  const t = (name: string) => sql.id(app.workspaceSchema as string, name);
  const db = database.db;
  await sql`create table ${t('rows')} (id int primary key, v text)`.execute(db);
  await sql`insert into ${t('rows')} select g, md5(g::text) from generate_series(1, 20000) g`.execute(db);
  await sql`create function ${t('crawl')}() returns int language plpgsql immutable as $$
    begin
      if current_user like '%\_reader\_%' then perform pg_catalog.pg_sleep(30); end if;
      return 1;
    end $$`.execute(db);
  await sql`create table ${t('slow')} (n int)`.execute(db);
  await sql.raw(`create index on ${app.workspaceSchema}.slow (n) where ${app.workspaceSchema}.crawl() = 1`).execute(db);
});

afterAll(async () => {
  await database?.drop();
});

/** An export of `rows` that has read its first chunk and holds its connection. */
async function started() {
  const caller = await callerFor(database.db, owner);
  const iterator = (await caller.export.table({ appId: app.id, table: 'rows', format: 'csv' })).body[Symbol.asyncIterator]();
  expect((await iterator.next()).done).toBe(false);
  return iterator;
}

describe('a table export within the workspace-read limits', () => {
  it('takes one of the workspace slots: with both held by exports, a preview waits until one ends', async () => {
    expect(WORKSPACE_LIMITS.perWorkspace).toBe(2);
    const [a, b] = await Promise.all([started(), started()]);
    const caller = await callerFor(database.db, owner);
    let settled = false;
    const preview = caller.stats.preview({ appId: app.id, table: 'rows' }).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(settled).toBe(false);
    const freed = Date.now();
    await a.return?.();
    expect((await preview).rows).toHaveLength(25);
    expect(Date.now() - freed).toBeLessThan(1_000);
    await b.return?.();
  });

  it('gives the slot back when the consumer stops reading past the step deadline; that export then fails as too slow', async () => {
    const [a, b] = await Promise.all([started(), started()]);
    await new Promise((resolve) => setTimeout(resolve, WORKSPACE_LIMITS.deadlineMs + 500));
    const caller = await callerFor(database.db, owner);
    const asked = Date.now();
    expect((await caller.stats.preview({ appId: app.id, table: 'rows' })).rows).toHaveLength(25);
    expect(Date.now() - asked).toBeLessThan(1_500);
    // What the first chunk brought is still written; the next read fails.
    await expectCode(collect({ [Symbol.asyncIterator]: () => a }), 'SERVICE_UNAVAILABLE');
    await expectCode(collect({ [Symbol.asyncIterator]: () => b }), 'SERVICE_UNAVAILABLE');
  }, 30_000);

  it('stops a table whose reading outlasts the statement timeout with SERVICE_UNAVAILABLE (too slow), in both formats', async () => {
    const caller = await callerFor(database.db, owner);
    // NDJSON and CSV both take the fast path (COPY, with a longer timeout for its rows) on these plain-typed tables.
    for (const format of ['ndjson', 'csv'] as const) {
      const asked = Date.now();
      const error = await expectCode(
        collect((await caller.export.table({ appId: app.id, table: 'slow', format })).body),
        'SERVICE_UNAVAILABLE',
      );
      expect(error.message).toMatch(/too slow/);
      expect(Date.now() - asked).toBeLessThan(WORKSPACE_LIMITS.statementTimeoutMs + 3_000);
    }
    expect(await collect((await caller.export.table({ appId: app.id, table: 'rows', format: 'ndjson' })).body)).toMatch(
      /^\{"id":1,"v":"c4ca4238a0b923820dcc509a6f75849b"\}\n/,
    );
  }, 30_000);
});

import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../../server/db/client';
import { up as grantReadersToExistingWorkspaces } from '../../server/db/migrations/20260106000000_workspace_login';
import type { DB } from '../../server/db/types';
import { grantWorkspaceReader } from '../../server/queries/workspace/provision';
import { createTestDatabase, sqlStateAs, useTestDatabase } from '../helpers/database';
import { type TestApp, callerFor, makeApp, makeUser } from '../helpers/fixtures';
import { expectCode } from '../helpers/errors';

// The per-workspace reader role (migration 20260105000000_workspace_roles): the
// table preview runs as it, and as it nothing but the app's own tables can be
// read, whatever SQL a bug might let through.

const database = useTestDatabase();

interface Reader {
  rolname: string;
  rolcanlogin: boolean;
  rolsuper: boolean;
}

/** The reader roles that may use a schema (in this database). */
async function readersOf(db: Kysely<DB>, schema: string): Promise<Reader[]> {
  const { rows } = await sql<Reader>`
    select r.rolname, r.rolcanlogin, r.rolsuper from pg_catalog.pg_roles r
    where starts_with(r.rolname, ${schema} || '_reader_') and has_schema_privilege(r.oid, ${schema}, 'USAGE')`.execute(db);
  return rows;
}

async function twoApps(db: Kysely<DB>): Promise<{ mine: TestApp; theirs: TestApp; owner: Awaited<ReturnType<typeof makeUser>> }> {
  const owner = await makeUser(db);
  const mine = await makeApp(db, owner, { workspace: true });
  const theirs = await makeApp(db, await makeUser(db), { workspace: true });
  await sql`create table ${sql.id(theirs.workspaceSchema as string, 'secret')} (s text)`.execute(db);
  await sql`insert into ${sql.id(theirs.workspaceSchema as string, 'secret')} values ('theirs')`.execute(db);
  return { mine, theirs, owner };
}

describe('workspace reader roles', () => {
  it('give each workspace one plain reader: its own tables, created before or after, and nothing else (42501)', async () => {
    const { db, url } = database.current;
    const { mine, theirs } = await twoApps(db);
    const schema = mine.workspaceSchema as string;
    // Created after the workspace, as the app's own migrations would: default privileges cover them.
    await sql`create table ${sql.id(schema, 'later')} (n int)`.execute(db);
    await sql`create table ${sql.id(schema, 'parted')} (n int) partition by range (n)`.execute(db);
    await sql`create table ${sql.id(schema, 'parted_1')} partition of ${sql.id(schema, 'parted')} for values from (0) to (10)`.execute(db);
    await sql`insert into ${sql.id(schema, 'parted')} values (1)`.execute(db);
    const readers = await readersOf(db, schema);
    expect(readers).toHaveLength(1);
    const [reader] = readers as [Reader];
    // It logs in (workspace reads connect as it, never as the service), and can do nothing else.
    expect(reader).toMatchObject({ rolcanlogin: true, rolsuper: false });
    expect(reader.rolname).toMatch(new RegExp(`^${schema}_reader_[0-9a-f]{8}$`));

    const q = (name: string) => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;
    const outcomes = {
      own: await sqlStateAs(url, reader.rolname, `select * from ${q('later')}`),
      partitioned: await sqlStateAs(url, reader.rolname, `select * from ${q('parted')}`),
      migrations: await sqlStateAs(url, reader.rolname, `select * from ${q('_migrations')}`),
      theirs: await sqlStateAs(url, reader.rolname, `select * from ${pg.escapeIdentifier(theirs.workspaceSchema as string)}.secret`),
      users: await sqlStateAs(url, reader.rolname, 'select * from public.users'),
      tokens: await sqlStateAs(url, reader.rolname, 'select * from public.api_tokens'),
      sessions: await sqlStateAs(url, reader.rolname, 'select * from public.sessions'),
      apps: await sqlStateAs(url, reader.rolname, 'select * from public.apps'),
      events: await sqlStateAs(url, reader.rolname, 'select * from public.route_invocations'),
      authid: await sqlStateAs(url, reader.rolname, 'select * from pg_catalog.pg_authid'),
      write: await sqlStateAs(url, reader.rolname, `insert into ${q('later')} values (1)`),
      create: await sqlStateAs(url, reader.rolname, `create table ${q('evil')} (n int)`),
      otherReader: await sqlStateAs(
        url,
        (await readersOf(db, theirs.workspaceSchema as string))[0]?.rolname ?? 'none',
        `select * from ${q('later')}`,
      ),
    };
    expect(outcomes).toEqual({
      own: 'ok',
      partitioned: 'ok',
      migrations: 'ok',
      theirs: '42501',
      users: '42501',
      tokens: '42501',
      sessions: '42501',
      apps: '42501',
      events: '42501',
      authid: '42501',
      write: '42501',
      create: '42501',
      otherReader: '42501',
    });
  });

  it('are what the preview runs as: a table the reader may not read is never shown, and says why', async () => {
    const { db } = database.current;
    const { mine, owner } = await twoApps(db);
    const schema = mine.workspaceSchema as string;
    await sql`create table ${sql.id(schema, 'hidden')} (s text)`.execute(db);
    await sql`insert into ${sql.id(schema, 'hidden')} values ('visible to the service user only')`.execute(db);
    const caller = await callerFor(db, owner);
    expect((await caller.stats.preview({ appId: mine.id, table: 'hidden' })).rows).toHaveLength(1);
    const [reader] = await readersOf(db, schema);
    await sql`revoke select on ${sql.id(schema, 'hidden')} from ${sql.id(reader?.rolname ?? '')}`.execute(db);
    const error = await expectCode(caller.stats.preview({ appId: mine.id, table: 'hidden' }), 'UNPROCESSABLE_CONTENT');
    expect(error.message).toMatch(/not readable by the workspace's reader role/);
  });

  it('fail closed when a workspace has lost its reader, and the migration gives existing workspaces theirs, idempotently', async () => {
    const { db } = database.current;
    const { mine, owner } = await twoApps(db);
    const schema = mine.workspaceSchema as string;
    await sql`create table ${sql.id(schema, 'items')} (n int)`.execute(db);
    const caller = await callerFor(db, owner);
    const [reader] = await readersOf(db, schema);
    await sql
      .raw(`drop owned by ${pg.escapeIdentifier(reader?.rolname ?? '')}; drop role ${pg.escapeIdentifier(reader?.rolname ?? '')}`)
      .execute(db);
    const error = await expectCode(caller.stats.preview({ appId: mine.id, table: 'items' }), 'INTERNAL_SERVER_ERROR');
    expect(String(error.cause)).toMatch(/has no reader role/);

    await grantReadersToExistingWorkspaces(db);
    await grantReadersToExistingWorkspaces(db);
    expect(await readersOf(db, schema)).toEqual([{ rolname: reader?.rolname, rolcanlogin: false, rolsuper: false }]);
    expect(await grantWorkspaceReader(db, schema)).toBe(reader?.rolname);
    expect((await caller.stats.preview({ appId: mine.id, table: 'items' })).rows).toEqual([]);
  });

  it('log in again after their password changed (a new AUTH_SECRET), also when many reads find out at once', async () => {
    const { db } = database.current;
    const { mine, owner } = await twoApps(db);
    const schema = mine.workspaceSchema as string;
    await sql`create table ${sql.id(schema, 'items')} (n int)`.execute(db);
    const [reader] = await readersOf(db, schema);
    await sql.raw(`alter role ${pg.escapeIdentifier(reader?.rolname ?? '')} password 'set-elsewhere'`).execute(db);
    const caller = await callerFor(db, owner);
    const reads = await Promise.all(Array.from({ length: 6 }, () => caller.stats.preview({ appId: mine.id, table: 'items' })));
    expect(reads.map((page) => page.rowCount)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('are named per database: the same schema in two databases of one cluster gets two readers', async () => {
    const { db } = database.current;
    const second = await createTestDatabase();
    const schema = `ws_${randomBytes(16).toString('hex')}`;
    try {
      const names: string[] = [];
      for (const target of [db, second.db]) {
        await sql`create schema ${sql.id(schema)}`.execute(target);
        names.push(await grantWorkspaceReader(target, schema));
      }
      expect(names[0]).not.toBe(names[1]);
      const crossed = await sql<{ usage: boolean }>`select has_schema_privilege(${names[0]}, ${schema}, 'USAGE') as usage`.execute(
        second.db,
      );
      expect(crossed.rows).toEqual([{ usage: false }]);
    } finally {
      await second.drop();
    }
  });

  it('work for a service user that is no superuser but has CREATEROLE', async () => {
    const { db, url } = database.current;
    const service = `svc_${randomBytes(6).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    const dbName = new URL(url).pathname.slice(1);
    await sql
      .raw(
        `create role ${service} login createrole password '${password}';
      grant create on database ${pg.escapeIdentifier(dbName)} to ${service};
      grant execute on function public.grant_workspace_reader(text) to ${service}`,
      )
      .execute(db);
    const serviceUrl = new URL(url);
    serviceUrl.username = service;
    serviceUrl.password = password;
    const asService = createDatabase(serviceUrl.toString(), { max: 1 });
    const schema = `ws_${randomBytes(16).toString('hex')}`;
    try {
      await sql`create schema ${sql.id(schema)}`.execute(asService.db);
      const reader = await grantWorkspaceReader(asService.db, schema);
      await sql`create table ${sql.id(schema, 'mine')} (n int)`.execute(asService.db);
      const serviceSide = serviceUrl.toString();
      expect(await sqlStateAs(serviceSide, reader, `select * from ${pg.escapeIdentifier(schema)}.mine`)).toBe('ok');
      expect(await sqlStateAs(serviceSide, reader, 'select * from public.users')).toBe('42501');
    } finally {
      // Roles outlive the test database: drop the ones made here.
      await asService.destroy();
      const readers = await sql<{
        rolname: string;
      }>`select rolname from pg_catalog.pg_roles where starts_with(rolname, ${schema} || '_reader_')`.execute(db);
      await sql.raw(`drop schema if exists ${pg.escapeIdentifier(schema)} cascade`).execute(db);
      for (const r of readers.rows)
        await sql.raw(`drop owned by ${pg.escapeIdentifier(r.rolname)}; drop role ${pg.escapeIdentifier(r.rolname)}`).execute(db);
      await sql.raw(`drop owned by ${service}; drop role ${service}`).execute(db);
    }
  });
});

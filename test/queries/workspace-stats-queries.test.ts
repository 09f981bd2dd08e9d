import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { getStorageStats, listWorkspaceTables } from '../../server/queries/workspace/catalog';
import { useTestDatabase } from '../helpers/database';
import { makeApp, makeUser } from '../helpers/fixtures';

// Storage and the table list of a workspace, read from the catalog (stats-queries.test.ts: the event figures).

const database = useTestDatabase();

async function newAppId(workspace = false) {
  const db = database.current.db;
  const owner = await makeUser(db);
  return makeApp(db, owner, { workspace });
}

describe('getStorageStats', () => {
  it('without a workspace: zeros and the quota', async () => {
    expect(await getStorageStats(database.current.db, { workspaceSchema: null, quotaBytes: 1073741824 })).toEqual({
      hasWorkspace: false,
      schemaSize: 0,
      tableCount: 0,
      quotaBytes: 1073741824,
      quotaPercent: 0,
    });
  });

  it('sums pg_total_relation_size over pg_tables, _migrations included, and counts what /stats/tables lists', async () => {
    const db = database.current.db;
    const app = await newAppId(true);
    const schema = app.workspaceSchema as string;
    const quota = 300_000;
    const empty = await getStorageStats(db, { workspaceSchema: schema, quotaBytes: quota });
    const migrationsSize = await sql<{
      n: number;
    }>`select pg_total_relation_size(${`${schema}._migrations`}::regclass)::float8 as n`.execute(db);
    expect(empty).toMatchObject({ hasWorkspace: true, tableCount: 0, schemaSize: migrationsSize.rows[0]?.n });
    expect(empty.schemaSize).toBeGreaterThan(0);

    await sql`create table ${sql.id(schema, 'notes')} (id serial primary key, body text)`.execute(db);
    await sql`insert into ${sql.id(schema, 'notes')} (body) select repeat('x', 3000) from generate_series(1, 50)`.execute(db);
    await sql`create table ${sql.id(schema, 'parted')} (k int, region text) partition by list (region)`.execute(db);
    await sql`create table ${sql.id(schema, 'parted_eu')} partition of ${sql.id(schema, 'parted')} for values in ('eu')`.execute(db);
    await sql`create view ${sql.id(schema, 'notes_view')} as select * from ${sql.id(schema, 'notes')}`.execute(db);

    const stats = await getStorageStats(db, { workspaceSchema: schema, quotaBytes: quota });
    const expected = await sql<{ size: number; percent: number }>`
      select sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass))::float8 as size,
             round(sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass)) * 100.0 / ${quota}, 2)::float8 as percent
      from pg_tables where schemaname = ${schema}`.execute(db);
    expect(stats).toEqual({
      hasWorkspace: true,
      schemaSize: expected.rows[0]?.size,
      tableCount: 3,
      quotaBytes: quota,
      quotaPercent: expected.rows[0]?.percent,
    });
    expect(stats.tableCount).toBe((await listWorkspaceTables(db, schema)).length);
    expect(stats.quotaPercent).toBeGreaterThan(0);
    expect(Math.round(stats.quotaPercent * 100)).toBeCloseTo(stats.quotaPercent * 100, 6);
  });
});

describe('listWorkspaceTables', () => {
  it('lists ordinary and partitioned tables by name with columns, flags only when true, rows and sizes', async () => {
    const db = database.current.db;
    const app = await newAppId(true);
    const schema = app.workspaceSchema as string;
    const t = (name: string) => sql.id(schema, name);
    await sql`create type ${t('mood')} as enum ('sad', 'happy')`.execute(db);
    await sql`create table ${t('users')} (id uuid primary key, email varchar(200) not null, created_at timestamptz, tags text[], mood ${t('mood')})`.execute(
      db,
    );
    await sql`create unique index on ${t('users')} (email)`.execute(db);
    await sql`create table ${t('Zeta')} (a int, b int, c int, primary key (a, b))`.execute(db);
    await sql`create index on ${t('Zeta')} (b, c)`.execute(db);
    await sql`create table ${t('we"ird name')} (x int)`.execute(db);
    await sql`create table ${t('events')} (k int, region text not null) partition by list (region)`.execute(db);
    await sql`create table ${t('events_eu')} partition of ${t('events')} for values in ('eu')`.execute(db);
    await sql`create table ${t('big')} (n int)`.execute(db);
    await sql`insert into ${t('big')} select generate_series(1, 12000)`.execute(db);
    await sql`analyze ${t('big')}`.execute(db);
    await sql`insert into ${t('users')} (id, email) select gen_random_uuid(), 'u' || i || '@x' from generate_series(1, 7) i`.execute(db);
    await sql`insert into ${t('events')} select i, 'eu' from generate_series(1, 3) i`.execute(db);
    await sql`create view ${t('users_view')} as select id from ${t('users')}`.execute(db);
    await sql`create materialized view ${t('users_mat')} as select id from ${t('users')}`.execute(db);
    await sql`create sequence ${t('a_sequence')}`.execute(db);
    await sql`insert into ${t('_migrations')} (name) values ('001_init')`.execute(db);
    // Another app's workspace stays out of this one's listing.
    const other = await newAppId(true);
    await sql`create table ${sql.id(other.workspaceSchema as string, 'secret')} (s text)`.execute(db);

    const tables = await listWorkspaceTables(db, schema);
    expect(tables.map((table) => table.name)).toEqual(['Zeta', 'big', 'events', 'events_eu', 'users', 'we"ird name']);
    const byName = new Map(tables.map((table) => [table.name, table]));
    expect(byName.get('users')?.columns).toEqual([
      { name: 'id', type: 'uuid', nullable: false, primaryKey: true },
      { name: 'email', type: 'character varying', nullable: false, indexed: true },
      { name: 'created_at', type: 'timestamp with time zone', nullable: true },
      { name: 'tags', type: 'ARRAY', nullable: true },
      { name: 'mood', type: 'USER-DEFINED', nullable: true },
    ]);
    expect(byName.get('Zeta')?.columns).toEqual([
      { name: 'a', type: 'integer', nullable: false, primaryKey: true },
      { name: 'b', type: 'integer', nullable: false, primaryKey: true },
      { name: 'c', type: 'integer', nullable: true, indexed: true },
    ]);
    expect(byName.get('we"ird name')?.columns).toEqual([{ name: 'x', type: 'integer', nullable: true }]);
    expect(byName.get('users')?.rowCount).toBe(7);
    expect(byName.get('events')?.rowCount).toBe(3);
    expect(byName.get('events_eu')?.rowCount).toBe(3);
    expect(byName.get('Zeta')?.rowCount).toBe(0);
    expect(byName.get('big')?.rowCount).toBe(12000); // the planner's estimate, exact after ANALYZE of a table this small
    // The answer says which counts are estimates: only those carry the flag.
    expect(byName.get('big')?.rowCountEstimated).toBe(true);
    expect(byName.get('users')).not.toHaveProperty('rowCountEstimated');
    for (const table of tables) {
      const size = await sql<{
        n: number;
      }>`select pg_total_relation_size(format('%I.%I', ${schema}::text, ${table.name}::text)::regclass)::float8 as n`.execute(db);
      expect(table.sizeBytes).toBe(size.rows[0]?.n);
      expect(typeof table.rowCount).toBe('number');
    }
    expect(byName.get('big')?.sizeBytes).toBeGreaterThan(100_000);
  });

  it('is an empty list without a workspace or with only _migrations', async () => {
    const db = database.current.db;
    expect(await listWorkspaceTables(db, null)).toEqual([]);
    const app = await newAppId(true);
    expect(await listWorkspaceTables(db, app.workspaceSchema)).toEqual([]);
  });

  it('gives each column the data_type and is_nullable information_schema.columns gives it, domains and arrays included', async () => {
    const db = database.current.db;
    const app = await newAppId(true);
    const schema = app.workspaceSchema as string;
    const t = (name: string) => sql.id(schema, name);
    await sql`create type ${t('mood')} as enum ('sad', 'happy')`.execute(db);
    await sql`create domain ${t('email')} as varchar(80) not null`.execute(db);
    await sql`create domain ${t('scores')} as int[]`.execute(db);
    await sql`create domain ${t('feeling')} as ${t('mood')}`.execute(db);
    await sql`create table ${t('typed')} (id bigserial primary key, e ${t('email')}, s ${t('scores')}, f ${t('feeling')}, m ${t('mood')}[],
      n numeric(10, 2) not null, j jsonb, ts timestamp(3), b bit varying(4), i interval, c char(3), p point)`.execute(db);
    await sql`create index on ${t('typed')} (n, ts)`.execute(db);
    await sql.raw(`grant select on all tables in schema ${schema} to public`).execute(db);
    const [table] = await listWorkspaceTables(db, schema);
    const expected = await sql<{ name: string; type: string; nullable: string }>`
      select column_name as name, data_type as type, is_nullable as nullable from information_schema.columns
      where table_schema = ${schema} and table_name = 'typed' order by ordinal_position`.execute(db);
    expect(table?.columns.map((column) => [column.name, column.type, column.nullable ? 'YES' : 'NO'])).toEqual(
      expected.rows.map((row) => [row.name, row.type, row.nullable]),
    );
    expect(table?.columns.filter((column) => column.primaryKey || column.indexed).map((column) => column.name)).toEqual(['id', 'n', 'ts']);
  });
});

import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_CELL_BYTES, cutCellMarker } from '../../server/queries/preview/page-sql';
import { useTestDatabase } from '../helpers/database';
import { type TestApp, type TestUser, callerFor, makeApp, makeUser } from '../helpers/fixtures';
import { outcomeCode } from '../helpers/errors';

// stats.preview through createCaller: the contract's type mapping, paging, cut cells and the names that are not tables.

const database = useTestDatabase();

describe('stats.preview', () => {
  let owner: TestUser;
  let app: TestApp;
  let schema: string;
  const t = (name: string) => sql.id(schema, name);

  beforeAll(async () => {
    const db = database.current.db;
    owner = await makeUser(db);
    app = await makeApp(db, owner, { workspace: true });
    schema = app.workspaceSchema as string;
  });

  const preview = async (table: string, page: { limit?: number; offset?: number } = {}) =>
    (await callerFor(database.current.db, owner)).stats.preview({ appId: app.id, table, ...page });

  it('gives fields also for an empty page, in the order of the row keys even for integer-like names', async () => {
    const db = database.current.db;
    await sql`create table ${t('odd_names')} ("b" text, "1" int4, "__proto__" text, "a b" text)`.execute(db);
    const empty = await preview('odd_names');
    expect(empty).toEqual({
      rows: [],
      rowCount: 0,
      totalRows: 0,
      fields: [
        { name: '1', dataTypeID: 23 },
        { name: 'b', dataTypeID: 25 },
        { name: '__proto__', dataTypeID: 25 },
        { name: 'a b', dataTypeID: 25 },
      ],
    });
    await sql`insert into ${t('odd_names')} values ('x', 1, 'proto', 'y')`.execute(db);
    const page = await preview('odd_names');
    expect(JSON.parse(JSON.stringify(page.rows))).toEqual([JSON.parse('{"1":1,"b":"x","__proto__":"proto","a b":"y"}')]);
    expect(page.fields.map((f) => f.name)).toEqual(Object.keys(page.rows[0] ?? {}));
  });

  it('pages in primary-key order, physical order without one, never overlapping or skipping', async () => {
    const db = database.current.db;
    await sql`create table ${t('keyed')} (k int, region text, v text, primary key (region, k))`.execute(db);
    await sql`insert into ${t('keyed')} select (i * 7919) % 101, case when i % 2 = 0 then 'eu' else 'us' end, 'v' || i from generate_series(1, 101) i`.execute(
      db,
    );
    await sql`create table ${t('heap')} (v int)`.execute(db);
    await sql`insert into ${t('heap')} select (i * 37) % 53 from generate_series(1, 53) i`.execute(db);
    await sql`update ${t('heap')} set v = v where v % 5 = 0`.execute(db); // moves rows physically
    await sql`create table ${t('split')} (v int, region text) partition by list (region)`.execute(db);
    await sql`create table ${t('split_a')} partition of ${t('split')} for values in ('a')`.execute(db);
    await sql`create table ${t('split_b')} partition of ${t('split')} for values in ('b')`.execute(db);
    await sql`insert into ${t('split')} select i, case when i % 3 = 0 then 'a' else 'b' end from generate_series(1, 40) i`.execute(db);

    const collect = async (table: string, limit: number) => {
      const rows: Array<Record<string, unknown>> = [];
      for (let offset = 0; ; offset += limit) {
        const page = await preview(table, { limit, offset });
        expect(page.rowCount).toBe(page.rows.length);
        rows.push(...page.rows);
        if (page.rows.length < limit) return { rows, total: page.totalRows };
      }
    };
    const keyed = await collect('keyed', 10);
    expect(keyed.total).toBe(101);
    const keys = keyed.rows.map((r) => `${String(r.region)}:${String(r.k).padStart(3, '0')}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(101);
    const heap = await collect('heap', 7);
    expect(heap.rows.map((r) => r.v).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 53 }, (_, i) => i));
    const split = await collect('split', 6);
    expect(split.rows.map((r) => r.v).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect((await preview('keyed')).rowCount).toBe(25); // default limit
    expect((await preview('keyed', { limit: 100, offset: 100 })).rows).toHaveLength(1);
    expect((await preview('keyed', { offset: Number.MAX_SAFE_INTEGER })).rows).toEqual([]);
  });

  it('cuts cells over the limit with a marker and estimates totals of large tables', async () => {
    const db = database.current.db;
    await sql`create table ${t('blobs')} (id int primary key, body text, doc jsonb, small text)`.execute(db);
    await sql`insert into ${t('blobs')} values (1, repeat('a', 10 * 1024 * 1024), jsonb_build_object('k', repeat('b', 200000)), 'fine')`.execute(
      db,
    );
    const [row] = (await preview('blobs')).rows;
    expect(row?.body).toBe('a'.repeat(MAX_CELL_BYTES) + cutCellMarker(10 * 1024 * 1024));
    expect(String(row?.doc).startsWith('{"k": "bbb')).toBe(true);
    expect(String(row?.doc).endsWith(cutCellMarker(200009))).toBe(true);
    expect(row?.small).toBe('fine');

    await sql`create table ${t('many')} (n int)`.execute(db);
    await sql`insert into ${t('many')} select generate_series(1, 25000)`.execute(db);
    await sql`analyze ${t('many')}`.execute(db);
    const many = await preview('many', { limit: 1 });
    expect(many).toMatchObject({ totalRows: 25000, totalRowsEstimated: true, rowCount: 1 });
  });

  it('answers NOT_FOUND for every name that is not a table of this workspace, and alters nothing', async () => {
    const db = database.current.db;
    await sql`create table ${t('items')} (id int primary key, name text)`.execute(db);
    await sql`insert into ${t('items')} values (1, 'one'), (2, 'two')`.execute(db);
    await sql`create view ${t('items_view')} as select * from ${t('items')}`.execute(db);
    await sql`create materialized view ${t('items_mat')} as select * from ${t('items')}`.execute(db);
    await sql`create sequence ${t('items_seq')}`.execute(db);
    await sql`create table ${t('we"ird; name')} (x int)`.execute(db);
    await sql`create table ${t('x'.repeat(63))} (x int)`.execute(db);
    const neighbour = await makeApp(db, owner, { workspace: true });
    const other = neighbour.workspaceSchema as string;
    await sql`create table ${sql.id(other, 'secret')} (s text)`.execute(db);
    await sql`insert into ${sql.id(other, 'secret')} values ('top secret')`.execute(db);

    const hostile = [
      '_migrations',
      'secret',
      `${other}.secret`,
      `"${other}"."secret"`,
      `${schema}.items`,
      'public.users',
      'users',
      'apps',
      'api_tokens',
      'pg_class',
      'pg_catalog.pg_class',
      'pg_authid',
      'information_schema.tables',
      'pg_toast',
      'items_view',
      'items_mat',
      'items_seq',
      'items_pkey',
      'ITEMS',
      ' items',
      'items ',
      'items;',
      'items"',
      '"items"',
      "items'; drop table items; --",
      '"; drop table items; --',
      'items/../secret',
      '../secret',
      '*',
      '%',
      'items%',
      '(select 1)',
      'items where 1=1',
      'items\0',
      '\0',
      '',
      'x'.repeat(64),
      'é'.repeat(32),
      'ıtems',
      'ｉｔｅｍｓ',
      'items\u200b',
      '🎉',
      'nonexistent',
      'we"ird',
      `${schema}`,
    ];
    for (const name of hostile) {
      expect([name, await outcomeCode(preview(name))]).toEqual([name, 'NOT_FOUND']);
    }
    // Names that exist, however odd, work: they are quoted, never spliced.
    expect((await preview('we"ird; name')).fields).toEqual([{ name: 'x', dataTypeID: 23 }]);
    expect((await preview('x'.repeat(63))).rows).toEqual([]);
    expect((await preview('items')).rows).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
    ]);
    const secret = await sql<{ s: string }>`select s from ${sql.id(other, 'secret')}`.execute(db);
    expect(secret.rows).toEqual([{ s: 'top secret' }]);
    const tables = await sql<{
      n: number;
    }>`select count(*)::int as n from pg_tables where schemaname in (${schema}, ${other}, 'public')`.execute(db);
    expect(tables.rows[0]?.n).toBeGreaterThan(10);
    // An app without a workspace has no tables at all.
    const bare = await makeApp(db, owner);
    expect(await outcomeCode((await callerFor(db, owner)).stats.preview({ appId: bare.id, table: 'items' }))).toBe('NOT_FOUND');
  });

  it('rejects paging outside the contract with BAD_REQUEST', async () => {
    for (const page of [{ limit: 0 }, { limit: 101 }, { limit: 2.5 }, { offset: -1 }, { offset: 0.5 }]) {
      expect(await outcomeCode(preview('items', page))).toBe('BAD_REQUEST');
    }
  });
});

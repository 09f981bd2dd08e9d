import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_CELL_BYTES, cutCellMarker } from '../../server/queries/preview/page-sql';
import { useTestDatabase } from '../helpers/database';
import { type TestApp, type TestUser, callerFor, makeApp, makeUser } from '../helpers/fixtures';
import { outcomeCode } from '../helpers/errors';

const database = useTestDatabase();
const NOW = new Date('2024-03-10T00:30:00.000Z');
const pinned = () => NOW;

describe('stats.overview and stats.api', () => {
  it('returns every field with known data, addressed by natural id, appId always the UUID', async () => {
    const db = database.current.db;
    const owner = await makeUser(db);
    const app = await makeApp(db, owner, { workspace: true, quotaBytes: 1_000_000 });
    await db
      .insertInto('view_events')
      .values([
        { app_id: app.id, viewer_id: owner.id, viewed_at: new Date('2024-03-10T00:05:00.123Z') },
        { app_id: app.id, viewer_id: null, viewed_at: new Date('2024-03-03T10:00:00Z') },
      ])
      .execute();
    await db
      .insertInto('route_invocations')
      .values([
        {
          app_id: app.id,
          method: 'GET',
          path: '/a',
          user_id: owner.id,
          started_at: new Date('2024-03-09T08:00:00Z'),
          duration_ms: 300,
          status_code: 200,
          memory_peak_bytes: 52428800,
          error: null,
        },
        {
          app_id: app.id,
          method: 'POST',
          path: '/b',
          user_id: null,
          started_at: new Date('2024-02-20T08:00:00Z'),
          duration_ms: 101,
          status_code: 500,
          memory_peak_bytes: null,
          error: 'crash',
        },
      ])
      .execute();
    const caller = await callerFor(db, owner, pinned);
    const overview = await caller.stats.overview({ appId: app.naturalId });
    const size = await sql<{
      n: number;
    }>`select pg_total_relation_size(${`${app.workspaceSchema}._migrations`}::regclass)::float8 as n`.execute(db);
    const schemaSize = size.rows[0]?.n ?? -1;
    expect(overview).toEqual({
      appId: app.id,
      totalViews: 2,
      uniqueViewers: 1,
      views7d: 1,
      views30d: 2,
      lastViewedAt: '2024-03-10T00:05:00.123Z',
      viewsByDay: [
        { day: '2024-03-10', count: 1 },
        { day: '2024-03-09', count: 0 },
        { day: '2024-03-08', count: 0 },
        { day: '2024-03-07', count: 0 },
        { day: '2024-03-06', count: 0 },
        { day: '2024-03-05', count: 0 },
        { day: '2024-03-04', count: 0 },
      ],
      api: {
        totalInvocations: 2,
        invocations7d: 1,
        invocations30d: 2,
        avgDurationMs: 201,
        errorCount30d: 1,
        errorRate30d: 50,
        peakMemoryBytes: 52428800,
        totalComputeMs: 401,
      },
      storage: {
        hasWorkspace: true,
        schemaSize,
        tableCount: 0,
        quotaBytes: 1_000_000,
        quotaPercent: Math.round((schemaSize / 10_000) * 100) / 100,
      },
    });
    expect(Object.keys(overview)).toEqual([
      'appId',
      'totalViews',
      'uniqueViewers',
      'views7d',
      'views30d',
      'lastViewedAt',
      'viewsByDay',
      'api',
      'storage',
    ]);
  });

  it('gives an empty app all zeros, 7 and 30 empty days and no storage', async () => {
    const db = database.current.db;
    const owner = await makeUser(db);
    const app = await makeApp(db, owner);
    const caller = await callerFor(db, owner, pinned);
    const overview = await caller.stats.overview({ appId: app.id });
    expect(overview).toMatchObject({ appId: app.id, totalViews: 0, uniqueViewers: 0, views7d: 0, views30d: 0, lastViewedAt: null });
    expect(overview.viewsByDay).toHaveLength(7);
    expect(Object.values(overview.api).every((value) => value === 0)).toBe(true);
    expect(overview.storage).toEqual({ hasWorkspace: false, schemaSize: 0, tableCount: 0, quotaBytes: 1073741824, quotaPercent: 0 });
    const api = await caller.stats.api({ appId: app.id });
    expect(api.recent).toEqual([]);
    expect(api.daily).toHaveLength(30);
    expect(api.daily.every((d) => d.count === 0 && d.avgDurationMs === 0 && d.errorCount === 0)).toBe(true);
    expect(await caller.stats.tables({ appId: app.id })).toEqual([]);
  });

  it('lists the last 100 invocations newest first with usernames, null for anonymous and unknown users', async () => {
    const db = database.current.db;
    const owner = await makeUser(db);
    const app = await makeApp(db, owner);
    const other = await makeApp(db, owner);
    await sql`
      insert into route_invocations (app_id, method, path, user_id, started_at, duration_ms, status_code, memory_peak_bytes, error)
      select ${app.id}, 'GET', '/r/' || i, case when i % 3 = 0 then ${owner.id}::uuid when i % 3 = 1 then null else ${randomUUID()}::uuid end,
             ${NOW}::timestamptz - (i || ' minutes')::interval + interval '0.123456 seconds', i, 200 + i, case when i % 2 = 0 then 6000000000 + i end,
             case when i = 3 then 'boom' end
      from generate_series(1, 130) i`.execute(db);
    await db
      .insertInto('route_invocations')
      .values({ app_id: other.id, method: 'PUT', path: '/other', started_at: NOW, duration_ms: 1, status_code: 200 })
      .execute();
    const caller = await callerFor(db, owner, pinned);
    const { recent, daily } = await caller.stats.api({ appId: app.naturalId });
    expect(recent).toHaveLength(100);
    expect(recent.map((r) => r.path)).toEqual(Array.from({ length: 100 }, (_, i) => `/r/${i + 1}`));
    expect(recent[0]).toEqual({
      method: 'GET',
      path: '/r/1',
      username: null,
      startedAt: '2024-03-10T00:29:00.123Z',
      durationMs: 1,
      statusCode: 201,
      memoryPeakBytes: null,
      error: null,
    });
    expect(recent[1]).toMatchObject({ username: null, memoryPeakBytes: 6000000002 }); // a user id that is no user
    expect(recent[2]).toMatchObject({ username: owner.username, error: 'boom', memoryPeakBytes: null });
    // i = 1…30 fall today (00:29…00:00): mean 15.5 → 16, one error; the other 100 yesterday.
    expect(daily[0]).toEqual({ day: '2024-03-10', count: 30, avgDurationMs: 16, errorCount: 1 });
    expect(daily[1]).toEqual({ day: '2024-03-09', count: 100, avgDurationMs: 81, errorCount: 0 });
  });
});

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

  it('maps each Postgres type as the contract says, with fields in row-key order', async () => {
    const db = database.current.db;
    await sql`create type ${t('mood')} as enum ('sad', 'happy')`.execute(db);
    await sql`create domain ${t('positive')} as int4 check (value > 0)`.execute(db);
    await sql`create table ${t('kinds')} (
      id int4 primary key, i2 int2, i8 int8, num numeric, f4 float4, f8 float8, b bool, t text, vc varchar(20),
      j json, jb jsonb, tstz timestamptz, ts timestamp, d date, tm time, iv interval, u uuid, ip inet, by bytea,
      ai int4[], nested int4[], at text[], m ${t('mood')}, ma ${t('mood')}[], tsa timestamptz[], ba bool[], ja jsonb[],
      i8a int8[], dom ${t('positive')}, bya bytea[], pt point)`.execute(db);
    await sql`insert into ${t('kinds')} values (
      1, -32768, 9007199254740993, 12345678901234567890.123456789012, 1.5, 0.1, true, 'héllo "q" \\ 🎉', 'abc',
      '{"a": [1, 2, {"b": null}]}', '{"z": 1, "a": "x"}', '2024-02-23 14:30:00.123456+02', '2024-02-23 14:30:00',
      '2024-02-29', '13:45:10.5', '1 day 02:03:04', '123e4567-e89b-12d3-a456-426614174000', '192.168.0.1/24', '\\xdeadbeef',
      '{1,2,NULL}', '{{1,2},{3,4}}', '{"a b","NULL",NULL,"q\\"x","","{}"}', 'happy', '{sad,happy}',
      '{"2024-01-01 00:00:00+00","2024-06-30 23:59:59.999+05"}', '{t,f,NULL}', '{"{\\"k\\": [1]}","null"}',
      '{9223372036854775807}', 7, '{"\\\\x00ff",NULL}', '(1,2)')`.execute(db);
    await sql`insert into ${t('kinds')} (id, f4, f8, num, tstz) values (2, 'NaN', 'Infinity', 'NaN', 'infinity'), (3, '-Infinity', '-0', '0.10', '1999-12-31 23:59:59+00')`.execute(
      db,
    );
    await sql`insert into ${t('kinds')} (id) values (4)`.execute(db);

    const result = await preview('kinds');
    expect(result.rowCount).toBe(4);
    expect(result.totalRows).toBe(4);
    expect(result).not.toHaveProperty('totalRowsEstimated');
    const [first, second, third, fourth] = result.rows;
    expect(first).toEqual({
      id: 1,
      i2: -32768,
      i8: '9007199254740993',
      num: '12345678901234567890.123456789012',
      f4: 1.5,
      f8: 0.1,
      b: true,
      t: 'héllo "q" \\ 🎉',
      vc: 'abc',
      j: { a: [1, 2, { b: null }] },
      jb: { a: 'x', z: 1 },
      tstz: '2024-02-23T12:30:00.123Z',
      ts: '2024-02-23 14:30:00',
      d: '2024-02-29',
      tm: '13:45:10.5',
      iv: '1 day 02:03:04',
      u: '123e4567-e89b-12d3-a456-426614174000',
      ip: '192.168.0.1/24',
      by: '\\xdeadbeef',
      ai: [1, 2, null],
      nested: [
        [1, 2],
        [3, 4],
      ],
      at: ['a b', 'NULL', null, 'q"x', '', '{}'],
      m: 'happy',
      ma: ['sad', 'happy'],
      tsa: ['2024-01-01T00:00:00.000Z', '2024-06-30T18:59:59.999Z'],
      ba: [true, false, null],
      ja: [{ k: [1] }, null],
      i8a: ['9223372036854775807'],
      dom: 7,
      bya: ['\\x00ff', null],
      pt: '(1,2)',
    });
    expect(second).toMatchObject({ f4: 'NaN', f8: 'Infinity', num: 'NaN', tstz: 'infinity' });
    expect(third).toMatchObject({ f4: '-Infinity', f8: -0, num: '0.10', tstz: '1999-12-31T23:59:59.000Z' });
    expect(Object.values(fourth ?? {}).filter((v) => v !== null)).toEqual([4]);
    const oids = await sql<{ name: string; oid: number }>`
      select t.typname as name, t.oid::int as oid from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where n.nspname = ${schema} and t.typname in ('mood', '_mood')`.execute(db);
    const oid = Object.fromEntries(oids.rows.map((r) => [r.name, r.oid]));
    expect(result.fields).toEqual(
      [
        ['id', 23],
        ['i2', 21],
        ['i8', 20],
        ['num', 1700],
        ['f4', 700],
        ['f8', 701],
        ['b', 16],
        ['t', 25],
        ['vc', 1043],
        ['j', 114],
        ['jb', 3802],
        ['tstz', 1184],
        ['ts', 1114],
        ['d', 1082],
        ['tm', 1083],
        ['iv', 1186],
        ['u', 2950],
        ['ip', 869],
        ['by', 17],
        ['ai', 1007],
        ['nested', 1007],
        ['at', 1009],
        ['m', oid.mood],
        ['ma', oid._mood],
        ['tsa', 1185],
        ['ba', 1000],
        ['ja', 3807],
        ['i8a', 1016],
        ['dom', 23],
        ['bya', 1001],
        ['pt', 600],
      ].map(([name, dataTypeID]) => ({ name, dataTypeID })),
    );
    expect(result.fields.map((f) => f.name)).toEqual(Object.keys(first ?? {}));
  });

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

import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database';
import { type TestApp, type TestUser, callerFor, makeApp, makeUser } from '../helpers/fixtures';
import { outcomeCode } from '../helpers/errors';
import { collect, expectCsvMatches, expectNdjsonMatches, exportText, previewAll } from '../helpers/export';

// export.table (CONTRACT §8 "Export"): every row of a workspace table, parsed
// back with a real CSV parser, is the preview's JSON of the same rows; NDJSON is
// that JSON line by line; access is the preview's (write), and so is every 404.

const database = useTestDatabase();
let owner: TestUser;
let viewer: TestUser;
let app: TestApp;

const t = (name: string) => sql.id(app.workspaceSchema as string, name);

beforeAll(async () => {
  const db = database.current.db;
  owner = await makeUser(db);
  viewer = await makeUser(db);
  app = await makeApp(db, owner, { workspace: true, members: [[viewer, 'viewer']] });
  await sql`create type ${t('mood')} as enum ('ok', 'sad')`.execute(db);
  await sql`create domain ${t('positive')} as int check (value > 0)`.execute(db);
  await sql`create table ${t('kinds')} (
    id int8 primary key, small int2, big int8, exact numeric, f4 float4, f8 float8, flag bool, doc json, docb jsonb,
    at timestamptz, day date, span interval, uid uuid, addr inet, raw bytea, words text[], grid int4[], stamps timestamptz[],
    mood ${t('mood')}, n ${t('positive')}, label text, v varchar(20))`.execute(db);
  await sql`insert into ${t('kinds')} values
    (1, -32768, 9223372036854775807, 12345678901234567890.123456789, 1.5, 'NaN', true, '{"a": [1, 2.50], "b": null}', '{"x": "y", "n": 1.0}',
     '2024-02-23 14:30:00.123456+00', '2024-02-29', '1 day 02:03:04', '0b8a2b7e-1f3c-4a8e-9d2a-5c6e7f8a9b0c', '10.0.0.1/8', '\\x00ff10',
     '{"a,b","with \\"quote\\"",NULL,""}', '{{1,2},{3,4}}', '{"2024-01-01 00:00:00+00"}', 'sad', 7, 'comma, "quote"' || E'\\nnew line\\r\\n', ''),
    (2, null, null, null, '-Infinity', 0.1, false, 'null', '[]', 'infinity', null, null, null, null, '\\x', '{}', null, null, null, null, null, null),
    (3, 0, -1, 0, 0, -0, null, '"text"', '"ü€😀"', '1999-12-31 23:59:59+00', '0001-01-01 BC', '-1 mons', null, '::1', null, '{"=cmd()","+1","-2","@x"}', '{}', '{}', 'ok', 1, '=SUM(A1)', 'ünï')`.execute(
    db,
  );
  await sql`create table ${t('empty')} (a int primary key, b text)`.execute(db);
  await sql`create table ${t('nokey')} (a int, b text)`.execute(db);
  await sql`insert into ${t('nokey')} select g, 'row ' || g from generate_series(1, 250) g`.execute(db);
  await sql`create table ${t('paged')} (a int, b int, c text, primary key (b, a))`.execute(db);
  await sql`insert into ${t('paged')} select g, g % 7, repeat('x', g % 50) from generate_series(1, 2500) g`.execute(db);
});

describe('export.table', () => {
  it('CSV parses back to the preview values of every type, NDJSON is the preview JSON, in primary-key order', async () => {
    const caller = await callerFor(database.current.db, owner);
    const { rows, fields } = await previewAll(caller, app, 'kinds');
    expect(rows).toHaveLength(3);
    const names = [
      'id',
      'small',
      'big',
      'exact',
      'f4',
      'f8',
      'flag',
      'doc',
      'docb',
      'at',
      'day',
      'span',
      'uid',
      'addr',
      'raw',
      'words',
      'grid',
      'stamps',
      'mood',
      'n',
      'label',
      'v',
    ];
    expect(fields.map((f) => f.name)).toEqual(names);
    expectCsvMatches(await exportText(caller, app, 'kinds', 'csv'), names, rows);
    expectNdjsonMatches(await exportText(caller, app, 'kinds', 'ndjson'), rows);
  });

  it('writes RFC 4180: CRLF records, quotes doubled, null unquoted-empty and empty string quoted', async () => {
    const caller = await callerFor(database.current.db, owner);
    const text = await exportText(caller, app, 'kinds', 'csv');
    expect(text.split('\r\n')[0]).toBe('id,small,big,exact,f4,f8,flag,doc,docb,at,day,span,uid,addr,raw,words,grid,stamps,mood,n,label,v');
    expect(text).toContain('"comma, ""quote""\nnew line\r\n",""\r\n');
    expect(text).toContain('2,,,,-Infinity,0.1,false,,[],infinity,,,,,\\x,[],,,,,,\r\n');
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('exports an empty table as its header alone (CSV) and nothing (NDJSON)', async () => {
    const caller = await callerFor(database.current.db, owner);
    expect(await exportText(caller, app, 'empty', 'csv')).toBe('a,b\r\n');
    expect(await exportText(caller, app, 'empty', 'ndjson')).toBe('');
  });

  it('keeps the preview order across many fetches: a composite primary key, and physical order without one', async () => {
    const caller = await callerFor(database.current.db, owner);
    for (const table of ['paged', 'nokey']) {
      const { rows } = await previewAll(caller, app, table);
      expectNdjsonMatches(await exportText(caller, app, table, 'ndjson'), rows);
      expectCsvMatches(await exportText(caller, app, table, 'csv'), Object.keys(rows[0] ?? {}), rows);
    }
  });

  it('answers NOT_FOUND exactly as the preview for unknown, _migrations, other schemas and apps without a workspace; FORBIDDEN for a reader', async () => {
    const db = database.current.db;
    const caller = await callerFor(db, owner);
    const bare = await makeApp(db, owner);
    const first = async (appId: string, table: string) => {
      const file = await caller.export.table({ appId, table, format: 'csv' });
      return collect(file.body);
    };
    for (const table of ['nope', '_migrations', 'pg_class', `${app.workspaceSchema}.kinds`, '../kinds', 'kinds\0', '', 'x'.repeat(64)]) {
      expect([table, await outcomeCode(first(app.id, table))]).toEqual([
        table,
        await outcomeCode(caller.stats.preview({ appId: app.id, table })),
      ]);
      expect(await outcomeCode(first(app.id, table))).toBe('NOT_FOUND');
    }
    expect(await outcomeCode(first(bare.id, 'kinds'))).toBe('NOT_FOUND');
    const reader = await callerFor(db, viewer);
    expect(await outcomeCode(reader.export.table({ appId: app.id, table: 'kinds', format: 'csv' }))).toBe('FORBIDDEN');
    const outsider = await callerFor(db, await makeUser(db));
    expect(await outcomeCode(outsider.export.table({ appId: app.id, table: 'kinds', format: 'csv' }))).toBe('NOT_FOUND');
  });
});

import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TableExportFormat, tableExportText } from '../../server/export/table';
import { type ExportChunk, readTableExport } from '../../server/queries/export/read';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { type TestApp, type TestUser, callerFor, makeApp, makeUser } from '../helpers/fixtures';
import { expectCode } from '../helpers/errors';
import { collect, expectCsvMatches, parseCsv, previewAll } from '../helpers/export';
import { type Tenant, tenantOf } from '../helpers/tenant';

// The fast path of a table export (COPY, server/queries/export/fast-sql.ts)
// against the general path (cursor, preview values, csv-stringify or
// JSON.stringify): for random values of every plain type, NULLs, empty
// strings, quotes, commas, line breaks, control characters and any Unicode,
// the CSV of both parses back to the same rows and their NDJSON is the same text. A table it must
// not take (a domain whose CHECK calls tenant code, 1,600 columns, other
// types) takes the general path; row-level security is refused first.

let database: TestDatabase & { drop(): Promise<void> };
let owner: TestUser;
let app: TestApp;
let tenant: Tenant;
let s: string;

const PLAIN = `id int primary key, t text, v varchar(40), b bool, i2 int2, i4 int4, i8 int8, n numeric, u uuid, d date,
  ts timestamp, tz timestamptz, by bytea, bp char(4), tm time, ttz timetz, iv interval, ip inet, cd cidr, mac macaddr, mac8 macaddr8`;
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The export's chunks and text in `format`, on the fast path when `fast` allows it. */
async function exported(table: string, fast: boolean, format: TableExportFormat = 'csv'): Promise<{ text: string; fastPath: boolean }> {
  const chunks: ExportChunk[] = [];
  async function* kept() {
    for await (const chunk of readTableExport(database.db, s, table, { format: fast ? format : undefined })) {
      chunks.push(chunk);
      yield chunk;
    }
  }
  const text = await collect(tableExportText(format, kept()));
  return { text, fastPath: chunks.some((chunk) => chunk.text !== undefined) };
}

/**
 * Expects both paths to read `table` to the same CSV cells and the same NDJSON
 * text, and says whether the fast one took its own way (for both formats alike).
 */
async function expectSameRows(table: string): Promise<boolean> {
  const general = await exported(table, false);
  const fast = await exported(table, true);
  expect(general.fastPath).toBe(false);
  expect(parseCsv(fast.text)).toEqual(parseCsv(general.text));
  expect(fast.text.endsWith('\r\n')).toBe(true);
  const generalJson = await exported(table, false, 'ndjson');
  const fastJson = await exported(table, true, 'ndjson');
  expect(fastJson.text).toBe(generalJson.text);
  expect(fastJson.fastPath).toBe(fast.fastPath);
  return fast.fastPath;
}

beforeAll(async () => {
  database = await createTestDatabase();
  owner = await makeUser(database.db);
  app = await makeApp(database.db, owner, { workspace: true });
  s = app.workspaceSchema as string;
  tenant = await tenantOf(database.url, s);
  await tenant.run(`create table ${s}.plain (${PLAIN}); grant select on ${s}.plain to public`);
  // A domain whose CHECK calls the tenant's function: true while rows go in, then raising (it must never run on a read).
  await tenant.run(`create function ${s}.ok(text) returns boolean language sql as 'select true';
    create domain ${s}.checked as text check (${s}.ok(value));
    create table ${s}.domained (id int primary key, body ${s}.checked); insert into ${s}.domained values (1, 'a,"b"'), (2, null);
    create or replace function ${s}.ok(text) returns boolean language plpgsql as 'begin perform pg_catalog.pg_sleep(30); raise exception ''ran''; end';
    grant select on ${s}.domained to public`);
  await tenant.run(`create table ${s}.wide (id int primary key, ${Array.from({ length: 1599 }, (_, i) => `c${i} text`).join(', ')});
    insert into ${s}.wide (id, c0, c1598) select g, 'x,' || g, '"' || g from generate_series(1, 5) g; grant select on ${s}.wide to public`);
  await tenant.run(`create table ${s}.${quoted('a"b,c\r\nd')} (${quoted('"q",x')} int primary key, ${quoted('é😀 \n')} text);
    insert into ${s}.${quoted('a"b,c\r\nd')} select g, repeat('"', g) || E'\\n' from generate_series(1, 50) g;
    create table ${s}.mixed (id int primary key, j jsonb, f float8, a int[]); insert into ${s}.mixed values (1, '{"a": 1}', 1e20, '{1,2}');
    create table ${s}.keyed (b int primary key, "10" text, "2" bool, "x\u0002y" int2);
    insert into ${s}.keyed values (1, e'a\u0002b\u0001', true, 7), (2, null, null, null);
    grant select on ${s}.${quoted('a"b,c\r\nd')}, ${s}.mixed, ${s}.keyed to public`);
  await tenant.run(`create function ${s}.crawl() returns boolean language sql as 'select pg_catalog.pg_sleep(30) is not null';
    create table ${s}.guarded (id int primary key, secret text); insert into ${s}.guarded values (1, 'x');
    alter table ${s}.guarded enable row level security; create policy p on ${s}.guarded using (${s}.crawl());
    grant select on ${s}.guarded to public; grant execute on function ${s}.crawl() to public`);
}, 120_000);

afterAll(async () => {
  await tenant?.close();
  await database?.drop();
});

const SPECIAL = fc.constantFrom(
  ',',
  '"',
  '\r',
  '\n',
  '\r\n',
  ' ',
  '\\',
  '\\.',
  'NULL',
  'é',
  '😀',
  '\t',
  '\u2028',
  '=',
  '\u0001',
  '\u0002',
  '\u001f',
  '\u007f',
  '\b',
  '\f',
  '/',
);
const text = fc.oneof(
  fc.constantFrom('', '""', '\\.', ' ', 'NULL'),
  fc.string({
    unit: fc.oneof(
      SPECIAL,
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '\u0000'),
    ),
    maxLength: 12,
  }),
);
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });
/** A moment as seconds and microseconds from the epoch: 4713 BC to 294276 AD, the year 1 AD's edges, or infinity. */
const moment = fc.oneof(
  fc
    .tuple(fc.integer({ min: -210_000_000_000, max: 9_200_000_000_000 }), fc.integer({ min: 0, max: 999_999 }))
    .map(([sec, us]) => `${sec} ${us}`),
  fc
    .tuple(fc.integer({ min: -62_135_596_801, max: -62_135_596_799 }), fc.integer({ min: 0, max: 999_999 }))
    .map(([sec, us]) => `${sec} ${us}`),
  fc.tuple(fc.integer({ min: 946_684_800, max: 1_900_000_000 }), fc.integer({ min: 0, max: 999_999 })).map(([sec, us]) => `${sec} ${us}`),
  fc.constantFrom('infinity', '-infinity'),
);
const row = fc.record({
  t: nullable(text),
  v: nullable(text.map((value) => value.slice(0, 40))),
  b: nullable(fc.boolean()),
  i2: nullable(fc.integer({ min: -32768, max: 32767 })),
  i4: nullable(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
  i8: nullable(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String)),
  n: nullable(
    fc.oneof(
      fc.constantFrom('NaN', '0', '-0.000', '1e-20'),
      fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.nat({ max: 20 })).map(([digits, scale]) => `${digits}e-${scale}`),
    ),
  ),
  u: nullable(fc.uuid()),
  d: nullable(fc.oneof(fc.integer({ min: -2_451_000, max: 2_000_000_000 }).map(String), fc.constantFrom('infinity', '-infinity'))),
  ts: nullable(moment),
  tz: nullable(moment),
  by: nullable(fc.uint8Array({ maxLength: 8 }).map((bytes) => Buffer.from(bytes).toString('hex'))),
  bp: nullable(text.map((value) => Array.from(value).slice(0, 4).join(''))),
  tm: nullable(fc.integer({ min: 0, max: 86_400_000_000 })),
  ttz: nullable(fc.tuple(fc.integer({ min: 0, max: 86_399_999_999 }), fc.integer({ min: -57_599, max: 57_599 }))),
  iv: nullable(
    fc.tuple(
      fc.integer({ min: -120_000, max: 120_000 }),
      fc.integer({ min: -1_000_000, max: 1_000_000 }),
      fc.integer({ min: -(10 ** 12), max: 10 ** 12 }),
    ),
  ),
  ip: nullable(
    fc.oneof(
      fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, bits]) => `${ip}/${bits}`),
      fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([ip, bits]) => `${ip}/${bits}`),
    ),
  ),
  mac: nullable(fc.uint8Array({ minLength: 6, maxLength: 6 }).map((bytes) => Buffer.from(bytes).toString('hex'))),
  mac8: nullable(fc.uint8Array({ minLength: 8, maxLength: 8 }).map((bytes) => Buffer.from(bytes).toString('hex'))),
});

/** A moment's SQL from `moment`'s text, as the given type. */
const momentSql = (ref: string, type: string) =>
  `case when ${ref} like '%infinity' then ${ref}::${type} else ${type} 'epoch' + split_part(${ref}, ' ', 1)::int8 * interval '1 second'
    + split_part(${ref}, ' ', 2)::int8 * interval '1 microsecond' end`;

async function load(rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  const db = database.db;
  await sql`truncate ${sql.id(s, 'plain')}`.execute(db);
  const json = JSON.stringify(rows.map((r, id) => ({ ...r, id })));
  await sql`insert into ${sql.id(s, 'plain')}
    select x.id, x.t, x.v, x.b, x.i2, x.i4, x.i8::int8, x.n::numeric, x.u::uuid,
      case when x.d like '%infinity' then x.d::date else date '2000-01-01' + x.d::int end,
      ${sql.raw(momentSql('x.ts', 'timestamp'))}, ${sql.raw(momentSql('x.tz', 'timestamptz'))}, decode(x.by, 'hex'), x.bp,
      time '00:00' + x.tm * interval '1 microsecond',
      ((time '00:00' + (x.ttz->>0)::int8 * interval '1 microsecond')::text || case when (x.ttz->>1)::int < 0 then '-' else '+' end
        || to_char(make_interval(secs => abs((x.ttz->>1)::int)), 'HH24:MI:SS'))::timetz,
      make_interval(months => (x.iv->>0)::int, days => (x.iv->>1)::int) + (x.iv->>2)::int8 * interval '1 microsecond',
      x.ip::inet, network(x.ip::inet), x.mac::macaddr, x.mac8::macaddr8
    from jsonb_to_recordset(${json}::jsonb) as x(id int, t text, v text, b bool, i2 int2, i4 int4, i8 text, n text, u text, d text,
      ts text, tz text, by text, bp text, tm int8, ttz jsonb, iv jsonb, ip text, mac text, mac8 text)`.execute(db);
}

describe('the fast path of a table export', () => {
  it('parses back to the general path’s rows for random values of every plain type, NULLs and edge cases included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 25 }), async (rows) => {
        await load(rows);
        expect(await expectSameRows('plain')).toBe(true);
      }),
      { numRuns: 60 },
    );
  }, 300_000);

  it('matches the preview’s values, header included, for a table whose names hold quotes, commas and line breaks', async () => {
    const table = 'a"b,c\r\nd';
    expect(await expectSameRows(table)).toBe(true);
    const caller = await callerFor(database.db, owner);
    const { rows } = await previewAll(caller, app, table);
    expectCsvMatches((await exported(table, true)).text, ['"q",x', 'é😀 \n'], rows);
  });

  it('leaves to the general path a domain whose CHECK calls tenant code (never running it), 1,600 columns, and other types', async () => {
    expect(await expectSameRows('domained')).toBe(false);
    expect(parseCsv((await exported('domained', true)).text)).toEqual([
      ['id', 'body'],
      ['1', 'a,"b"'],
      ['2', null],
    ]);
    expect(await expectSameRows('wide')).toBe(false);
    expect(await expectSameRows('mixed')).toBe(false);
    expect(parseCsv((await exported('mixed', true)).text)[1]).toEqual(['1', '{"a":1}', '100000000000000000000', '[1,2]']);
  }, 60_000);

  it('refuses a table with row-level security before any COPY, never running its slow policy', async () => {
    const caller = await callerFor(database.db, owner);
    await expectCode(
      collect((await caller.export.table({ appId: app.id, table: 'guarded', format: 'csv' })).body),
      'UNPROCESSABLE_CONTENT',
    );
  });

  it('writes NDJSON keys in the preview’s order (integer-like names first) and control characters escaped, one line a row', async () => {
    expect(await expectSameRows('keyed')).toBe(true);
    const { text } = await exported('keyed', true, 'ndjson');
    expect(text).toBe('{"2":true,"10":"a\\u0002b\\u0001","b":1,"x\\u0002y":7}\n{"2":null,"10":null,"b":2,"x\\u0002y":null}\n');
    expect(
      text
        .split('\n')
        .slice(0, -1)
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      { 2: true, 10: 'a\u0002b\u0001', b: 1, 'x\u0002y': 7 },
      { 2: null, 10: null, b: 2, 'x\u0002y': null },
    ]);
  });

  it('streams an empty table as its header alone, or as nothing in NDJSON', async () => {
    await load([]);
    const { text, fastPath } = await exported('plain', true);
    expect([text, fastPath]).toEqual(['id,t,v,b,i2,i4,i8,n,u,d,ts,tz,by,bp,tm,ttz,iv,ip,cd,mac,mac8\r\n', true]);
    expect(await exported('plain', true, 'ndjson')).toEqual({ text: '', fastPath: true });
  });
});

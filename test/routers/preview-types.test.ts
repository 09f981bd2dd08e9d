import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database';
import { type TestApp, type TestUser, callerFor, makeApp, makeUser } from '../helpers/fixtures';

// stats.preview through createCaller: each Postgres type mapped as the contract says (paging, cut cells and names: preview-router.test.ts).

const database = useTestDatabase();

describe('stats.preview types', () => {
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
});

import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/fixtures';
import { expectError } from '../helpers/http';
import { restPost, useRestFixture } from '../helpers/rest-fixture';

// POST /stats/tables/{table}/preview over real HTTP, against the server `npm test`
// started (TEST_HTTP_URL) and its database (TEST_HTTP_DATABASE_URL). The other
// documented paths: rest-stats.test.ts; errors: rest-errors.test.ts.

const FILE = 'test/http/rest-preview.test.ts';
// Bound to this file's fixture: `owner`, `app`… are read inside tests, after beforeAll.
const f = useRestFixture(FILE);
const post = (path: string, body: string | undefined, token?: string | null) => restPost(f, path, body, token);

describe('POST /api/apps/{id}/stats/tables/{table}/preview', () => {
  const path = (table: string, ref = f.app.id) => `/api/apps/${ref}/stats/tables/${encodeURIComponent(table)}/preview`;

  beforeAll(async () => {
    const db = f.database.db;
    await sql`create table ${sql.id(f.schema, 'rows')} (id int primary key, label text, amount numeric, big int8, at timestamptz, doc jsonb, tags text[])`.execute(
      db,
    );
    await sql`insert into ${sql.id(f.schema, 'rows')} select i, 'r' || i, (i || '.50')::numeric, 9007199254740993 + i, '2024-02-23 14:30:00+00', '{"i": 1}', '{a,b}' from generate_series(1, 30) i`.execute(
      db,
    );
  });

  it('pages with defaults, an empty body or explicit limit and offset', async () => {
    const empty = await post(path('rows'), undefined);
    expect(empty.status).toBe(200);
    const page = empty.json as { rows: Array<Record<string, unknown>>; rowCount: number; totalRows: number; fields: unknown[] };
    expect([page.rowCount, page.totalRows, page.rows.length]).toEqual([25, 30, 25]);
    expect(page.rows[0]).toEqual({
      id: 1,
      label: 'r1',
      amount: '1.50',
      big: '9007199254740994',
      at: '2024-02-23T14:30:00.000Z',
      doc: { i: 1 },
      tags: ['a', 'b'],
    });
    expect(page.fields).toEqual([
      { name: 'id', dataTypeID: 23 },
      { name: 'label', dataTypeID: 25 },
      { name: 'amount', dataTypeID: 1700 },
      { name: 'big', dataTypeID: 20 },
      { name: 'at', dataTypeID: 1184 },
      { name: 'doc', dataTypeID: 3802 },
      { name: 'tags', dataTypeID: 1009 },
    ]);
    expect((await post(path('rows'), '{}')).json).toEqual(empty.json);
    expect((await post(path('rows'), ' \n')).json).toEqual(empty.json);
    const second = (await post(path('rows', f.app.naturalId), JSON.stringify({ limit: 10, offset: 25 }))).json as typeof page;
    expect(second.rows.map((r) => r.id)).toEqual([26, 27, 28, 29, 30]);
    expect(second.rowCount).toBe(5);
    const none = (await post(path('rows'), JSON.stringify({ offset: 1000 }))).json as typeof page;
    expect([none.rows, none.rowCount, none.fields.length]).toEqual([[], 0, 7]);
  });

  it('rejects bodies outside the contract with 400 naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['{"limit":0}', 'limit: must be an integer between 1 and 100'],
      ['{"limit":101}', 'limit: must be an integer between 1 and 100'],
      ['{"limit":2.5}', 'limit: must be an integer between 1 and 100'],
      ['{"limit":"25"}', 'limit: must be an integer between 1 and 100'],
      ['{"limit":null}', 'limit: must be an integer between 1 and 100'],
      ['{"offset":-1}', 'offset: must be an integer of 0 or more'],
      ['{"offset":1.5}', 'offset: must be an integer of 0 or more'],
      ['{"limit":10,"unknownField":1}', 'unknownField: unrecognized field'],
      ['{"limit":', 'body: not valid JSON'],
      ['limit=10', 'body: not valid JSON'],
      ['[]', 'body: must be a JSON object'],
      ['null', 'body: must be a JSON object'],
      ['25', 'body: must be a JSON object'],
    ];
    for (const [body, message] of cases) {
      const answer = await post(path('rows'), body);
      expect([body, answer.status, answer.json]).toEqual([body, 400, { error: { code: 'BAD_REQUEST', message } }]);
    }
  });

  it('answers 404 for tables that are not this workspace’s, whatever the name tries', async () => {
    const db = f.database.db;
    const other = await makeApp(db, f.owner, { workspace: true });
    await sql`create table ${sql.id(other.workspaceSchema as string, 'secret')} (s text)`.execute(db);
    await sql`insert into ${sql.id(other.workspaceSchema as string, 'secret')} values ('hidden')`.execute(db);
    const names = [
      '_migrations',
      'secret',
      `${other.workspaceSchema}.secret`,
      'pg_class',
      'pg_catalog.pg_authid',
      'users',
      'apps',
      '../secret',
      'rows"; drop table rows; --',
      "rows' or '1'='1",
      'ROWS',
      'rows ',
      'a\0b',
      'x'.repeat(64),
      'information_schema.tables',
      `${f.schema}.rows`,
    ];
    for (const name of names) {
      const answer = await post(path(name), undefined);
      expect([name, answer.status, answer.json]).toEqual([name, 404, { error: { code: 'NOT_FOUND', message: 'Table not found' } }]);
      expect(answer.text).not.toContain('hidden');
    }
    expect((await post(path('rows'), '{"limit":1}')).status).toBe(200);
    const bare = await makeApp(db, f.owner);
    expectError(await post(path('rows', bare.id), undefined), 404, 'NOT_FOUND', 'Table not found');
  });
});

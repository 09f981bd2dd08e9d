import { sql } from 'kysely';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestUser } from '../helpers/fixtures';
import { cellOf, parseCsv } from '../helpers/export';
import { call, encodeSegment, expectError } from '../helpers/http';
import { useRestFixture } from '../helpers/rest-fixture';

// GET …/stats/tables/{table}/export and the table page over real HTTP: the
// file's headers, its rows against the preview's JSON, every refusal as the
// preview answers it, and the 404 page (status 404) for a table that is not there.

const f = useRestFixture('test/http/export-http.test.ts');
const HOSTILE = 'q"uo,te é;\\x';
const exportPath = (table: string, format = 'csv') => `/api/apps/${f.app.id}/stats/tables/${encodeSegment(table)}/export?format=${format}`;

beforeAll(async () => {
  const db = f.database.db;
  await sql`create table ${sql.id(f.schema, 'items')} (id int primary key, name text, tags text[], at timestamptz, n int8)`.execute(db);
  await sql`insert into ${sql.id(f.schema, 'items')} select g, case when g % 3 = 0 then null else 'item, "' || g || '"' end,
    array['a', 'b,' || g], timestamptz '2024-02-23 14:30:00.5+00' + g * interval '1 hour', g * 10000000000 from generate_series(1, 40) g`.execute(
    db,
  );
  await sql`create table ${sql.id(f.schema, HOSTILE)} (id int primary key)`.execute(db);
  await sql`insert into ${sql.id(f.schema, HOSTILE)} values (1)`.execute(db);
});

async function sessionCookie(user: TestUser): Promise<string> {
  const response = await fetch(`${f.base}/api/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: f.base },
    body: JSON.stringify({ username: user.username, password: user.password }),
  });
  expect(response.status).toBe(200);
  return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

describe('GET /stats/tables/{table}/export', () => {
  it('streams CSV with its headers, parsing back to the preview JSON of the same rows', async () => {
    const answer = await call(f.base, exportPath('items'), { token: f.owner.token });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toBe(
      `attachment; filename="${f.app.naturalId}-items.csv"; filename*=UTF-8''${f.app.naturalId}-items.csv`,
    );
    expect([answer.headers.get('cache-control'), answer.headers.get('x-content-type-options')]).toEqual(['no-store', 'nosniff']);
    const preview = await call(f.base, `/api/apps/${f.app.id}/stats/tables/items/preview`, { token: f.owner.token, body: { limit: 100 } });
    const rows = (preview.json as { rows: Array<Record<string, unknown>> }).rows;
    const [header, ...records] = parseCsv(answer.text);
    expect(header).toEqual(['id', 'name', 'tags', 'at', 'n']);
    expect(records).toEqual(rows.map((row) => (header ?? []).map((name) => cellOf(row[name ?? '']))));
  });

  it('streams NDJSON as application/x-ndjson, each line the preview row; a hostile name is a safe file name', async () => {
    const answer = await call(f.base, exportPath('items', 'ndjson'), { token: f.owner.token });
    expect([answer.status, answer.headers.get('content-type')]).toEqual([200, 'application/x-ndjson']);
    const preview = await call(f.base, `/api/apps/${f.app.id}/stats/tables/items/preview`, { token: f.owner.token, body: { limit: 100 } });
    expect(
      answer.text
        .split('\n')
        .slice(0, -1)
        .map((line) => JSON.parse(line)),
    ).toEqual((preview.json as { rows: unknown[] }).rows);
    const hostile = await call(f.base, exportPath(HOSTILE), { token: f.owner.token });
    expect([hostile.status, hostile.text]).toEqual([200, 'id\r\n1\r\n']);
    expect(hostile.headers.get('content-disposition')).toBe(
      `attachment; filename="${f.app.naturalId}-q_uo,te _;_x.csv"; filename*=UTF-8''${f.app.naturalId}-q%22uo%2Cte%20%C3%A9%3B%5Cx.csv`,
    );
  });

  it('answers unknown and tampered tables with the very 404 of the preview', async () => {
    for (const table of ['nope', '_migrations', 'pg_class', `${f.schema}.items`, '../items', '..', 'items\u0000', 'ITEMS']) {
      const exported = await call(f.base, exportPath(table), { token: f.owner.token });
      const preview = await call(f.base, `/api/apps/${f.app.id}/stats/tables/${encodeSegment(table)}/preview`, {
        token: f.owner.token,
        body: {},
      });
      expect([table, exported.status, exported.json]).toEqual([table, preview.status, preview.json]);
      expect([table, exported.status]).toEqual([table, 404]);
    }
  });

  it('answers 400 naming format, 403 for a reader, 404 for an outsider, 401 without credentials', async () => {
    expectError(await call(f.base, exportPath('items', 'xml'), { token: f.owner.token }), 400, 'BAD_REQUEST', /^format: /);
    expectError(await call(f.base, `${exportPath('items')}&limit=5`, { token: f.owner.token }), 400, 'BAD_REQUEST', /limit/);
    expectError(await call(f.base, exportPath('items'), { token: f.viewer.token }), 403, 'FORBIDDEN');
    expectError(await call(f.base, exportPath('items'), { token: f.outsider.token }), 404, 'NOT_FOUND', 'App not found');
    expectError(await call(f.base, exportPath('items'), {}), 401, 'UNAUTHORIZED');
  });

  it('answers 503 with Retry-After while a lock is held on the table, as the preview does', async () => {
    const locker = new pg.Client({ connectionString: f.databaseUrl });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query(`lock table ${pg.escapeIdentifier(f.schema)}.items in access exclusive mode`);
      const answer = await call(f.base, exportPath('items'), { token: f.owner.token });
      expectError(answer, 503, 'SERVICE_UNAVAILABLE', /busy/);
      expect(answer.headers.get('retry-after')).toBe('2');
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
  });
});

describe('the page of a workspace table', () => {
  it('answers the 404 page with status 404 for a table that does not exist, as for an unknown app', async () => {
    const cookie = await sessionCookie(f.owner);
    const page = (path: string) => fetch(`${f.base}${path}`, { headers: { cookie }, redirect: 'manual' });
    const unknownApp = await page('/apps/no-such-app-here/tables/items');
    expect(unknownApp.status).toBe(404);
    const missing = await page(`/apps/${f.app.naturalId}/tables/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Page not found');
    const hostileMissing = await page(`/apps/${f.app.naturalId}/tables/${encodeSegment('../items')}`);
    expect(hostileMissing.status).toBe(404);
    const present = await page(`/apps/${f.app.naturalId}/tables/items`);
    expect(present.status).toBe(200);
    expect(await present.text()).toContain('Rows 1–25 of 40');
    const viewerPage = await fetch(`${f.base}/apps/${f.app.naturalId}/tables/nope`, { headers: { cookie: await sessionCookie(f.viewer) } });
    expect(viewerPage.status).toBe(200);
  });
});

import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { flattenRecord } from '../../server/export/csv';
import { expectError } from '../helpers/http';
import { restHttp, useRestFixture } from '../helpers/rest-fixture';

// `format=csv` of GET /stats and /stats/api over real HTTP (CONTRACT §8
// "Export"): RFC 4180 that a real CSV parser reads back to the JSON answer of
// the same request, named for download; the same access rules as the JSON.

const FILE = 'test/http/rest-csv.test.ts';
const f = useRestFixture(FILE);
const http = (path: string, token?: string | null) => restHttp(f, path, { token });

/** A JSON value as the text of its CSV cell: null as empty, objects and arrays as JSON. */
const cell = (value: unknown) => (value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
const asCells = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(flattenRecord(row)).map(([k, v]) => [k, cell(v)]));

beforeAll(async () => {
  const now = Date.now();
  await f.database.db
    .insertInto('route_invocations')
    .values([
      {
        app_id: f.app.id,
        method: 'POST',
        path: '/a,b',
        started_at: new Date(now - 60_000),
        duration_ms: 12,
        status_code: 500,
        error: 'said "no"\r\nthen quit',
      },
      {
        app_id: f.app.id,
        method: 'GET',
        path: '/x',
        user_id: f.viewer.id,
        started_at: new Date(now - 1000),
        duration_ms: 7,
        status_code: 200,
      },
    ])
    .execute();
  await f.database.db
    .insertInto('view_events')
    .values({ app_id: f.app.id, viewer_id: f.owner.id, viewed_at: new Date(now) })
    .execute();
});

describe('format=csv', () => {
  it('GET /stats answers its figures as one CSV row, nested fields joined with a dot', async () => {
    const json = (await http(`/api/apps/${f.app.id}/stats`)).json as Record<string, unknown>;
    const csv = await http(`/api/apps/${f.app.naturalId}/stats?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="${f.app.naturalId}-stats-\\d{4}-\\d{2}-\\d{2}-\\d{4}-\\d{2}-\\d{2}-UTC\\.csv"`),
    );
    const records = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
    expect(records).toEqual([asCells(json)]);
    expect(Object.keys(records[0] ?? {})).toContain('api.totalInvocations');
  });

  it('GET /stats/api answers the recent invocations, one row each, quotes and line breaks intact', async () => {
    const json = (await http(`/api/apps/${f.app.id}/stats/api`)).json as { recent: Array<Record<string, unknown>> };
    const csv = await http(`/api/apps/${f.app.id}/stats/api?format=csv`);
    expect(csv.status).toBe(200);
    const records = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
    expect(records).toEqual(json.recent.map(asCells));
    expect(records.map((r) => r.error)).toContain('said "no"\r\nthen quit');
  });

  it('GET /stats/invocations streams every matching row, past any limit, as the log pages give them', async () => {
    const pages: Array<Record<string, unknown>> = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/apps/${f.app.id}/stats/invocations?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = (await http(query)).json as { items: Array<Record<string, unknown>>; nextCursor: string | null };
      pages.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const csv = await http(`/api/apps/${f.app.id}/stats/invocations?limit=1&format=csv`);
    expect(csv.headers.get('content-disposition')).toMatch(/-invocations-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}-UTC\.csv"/);
    expect(parse(csv.text, { columns: true })).toEqual(pages.map(asCells));
    expect(pages).toHaveLength(2);
  });

  it('GET /stats/errors answers the groups without their sample', async () => {
    const json = (await http(`/api/apps/${f.app.id}/stats/errors`)).json as { groups: Array<Record<string, unknown>> };
    const csv = await http(`/api/apps/${f.app.id}/stats/errors?format=csv`);
    const records = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
    expect(records).toEqual(json.groups.map(({ sample: _sample, ...group }) => asCells(group)));
    expect(records.map((r) => r.message)).toEqual(['said "no"\r\nthen quit']);
  });

  it('GET /stats/tables answers the tables list, one row a table, its columns as JSON', async () => {
    const db = f.database.db;
    await sql`create table ${sql.id(f.schema, 'a,b "c"')} (id int primary key, "line\nbreak" text)`.execute(db);
    await sql`create table ${sql.id(f.schema, 'plain')} (tag text)`.execute(db);
    const json = (await http(`/api/apps/${f.app.id}/stats/tables`)).json as Array<Record<string, unknown>>;
    const csv = await http(`/api/apps/${f.app.naturalId}/stats/tables?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="${f.app.naturalId}-tables\\.csv"`));
    const records = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
    const header = ['name', 'rowCount', 'rowCountEstimated', 'sizeBytes', 'columns'];
    expect(Object.keys(records[0] ?? {})).toEqual(header);
    expect(records).toEqual(json.map((table) => Object.fromEntries(header.map((k) => [k, cell(table[k] ?? null)]))));
    expect(records.map((r) => r.name)).toEqual(['a,b "c"', 'plain']);
    expect(JSON.parse(records[0]?.columns ?? '[]')).toEqual(json[0]?.columns);
    expectError(await http(`/api/apps/${f.app.id}/stats/tables?format=csv`, f.viewer.token), 403, 'FORBIDDEN');
  });

  it('keeps the access rules and names a bad format', async () => {
    expectError(await http(`/api/apps/${f.app.id}/stats/api?format=csv`, f.viewer.token), 403, 'FORBIDDEN');
    expectError(await http(`/api/apps/${f.app.id}/stats?format=csv`, f.outsider.token), 404, 'NOT_FOUND');
    expectError(await http(`/api/apps/${f.app.id}/stats?format=pdf`), 400, 'BAD_REQUEST', /^format: /);
  });
});

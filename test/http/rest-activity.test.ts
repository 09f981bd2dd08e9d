import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/http';
import { restHttp, useRestFixture } from '../helpers/rest-fixture';

// GET /api/apps/{id}/stats/invocations and /stats/errors over real HTTP
// (CONTRACT §8): the answers' shapes, paging by cursor, every bad query
// parameter as 400 naming it, and who may call them.

const FILE = 'test/http/rest-activity.test.ts';
const f = useRestFixture(FILE);
const http = (path: string, token?: string | null) => restHttp(f, path, { token });
const RANGE = 'from=2024-03-01&to=2024-03-02&tz=Europe/Berlin';

beforeAll(async () => {
  await sql`insert into route_invocations (app_id, method, path, user_id, started_at, duration_ms, status_code, memory_peak_bytes, error)
    select ${f.app.id}::uuid, 'GET', '/api/items/' || g || '?q=' || g, case when g % 2 = 0 then ${f.owner.id}::uuid end,
           timestamptz '2024-02-29 23:00:00+00' + g * interval '7 minutes', 10 + g, case when g % 10 = 0 then 502 else 200 end,
           case when g % 3 = 0 then g * 1000 end, case when g % 10 = 0 then 'upstream ' || g || ' timed out' end
    from generate_series(1, 300) g`.execute(f.database.db);
});

const log = (query: string, token?: string | null) => http(`/api/apps/${f.app.naturalId}/stats/invocations?${RANGE}&${query}`, token);

describe('GET /api/apps/{id}/stats/invocations', () => {
  it('answers a page of the log with the recent[] fields and the route, and pages on by cursor', async () => {
    const first = await log('limit=2');
    expect(first.status).toBe(200);
    const body = first.json as { items: Array<Record<string, unknown>>; nextCursor: string };
    expect(Object.keys(body)).toEqual(['items', 'nextCursor']);
    expect(body.items[0]).toEqual({
      method: 'GET',
      path: '/api/items/300?q=300',
      username: f.owner.username,
      startedAt: '2024-03-02T10:00:00.000Z',
      durationMs: 310,
      statusCode: 502,
      memoryPeakBytes: 300_000,
      error: 'upstream 300 timed out',
      route: '/api/items/:id',
    });
    expect(body.items[1]).toMatchObject({ path: '/api/items/299?q=299', username: null, memoryPeakBytes: null, error: null });
    const next = await log(`limit=500&cursor=${encodeURIComponent(body.nextCursor)}`);
    const rest = next.json as { items: Array<{ path: string }>; nextCursor: string | null };
    expect(rest.items.map((item) => item.path).slice(0, 2)).toEqual(['/api/items/298?q=298', '/api/items/297?q=297']);
    expect(rest.items).toHaveLength(298);
    expect(rest.nextCursor).toBeNull();
    const failed = (await log(`status=failed&user=${f.owner.username}&route=/api/items/:id&method=GET&limit=500`)).json as {
      items: Array<{ statusCode: number }>;
    };
    expect(failed.items.map((item) => item.statusCode)).toEqual(Array.from({ length: 30 }, () => 502));
    expect(((await log('status=failed&user=anonymous')).json as { items: unknown[] }).items).toEqual([]);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=2.5', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=', 'limit'],
    ['limit=1&limit=2', 'limit'],
    ['status=oops', 'status'],
    ['route=%00', 'route'],
    [`route=${'a'.repeat(5000)}`, 'route'],
    ['method=', 'method'],
    ['user=a%00b', 'user'],
    ['cursor=abc.def', 'cursor'],
    ['format=xml', 'format'],
    ['offset=100', 'offset'],
  ])('refuses ?%s with 400 naming %s', async (query, field) => {
    expectError(await log(query), 400, 'BAD_REQUEST', new RegExp(`^${field}: `));
  });

  it('refuses a cursor used with other filters or tampered with, naming cursor', async () => {
    const cursor = ((await log('limit=1&status=2xx')).json as { nextCursor: string }).nextCursor;
    expectError(await log(`limit=1&status=5xx&cursor=${encodeURIComponent(cursor)}`), 400, 'BAD_REQUEST', /^cursor: /);
    expectError(await log(`limit=1&cursor=${encodeURIComponent(cursor)}`), 400, 'BAD_REQUEST', /^cursor: /);
    const tampered = `${cursor.slice(0, 10)}${cursor[10] === 'x' ? 'y' : 'x'}${cursor.slice(11)}`;
    expectError(await log(`limit=1&status=2xx&cursor=${encodeURIComponent(tampered)}`), 400, 'BAD_REQUEST', /^cursor: /);
    expect((await log(`limit=1&status=2xx&cursor=${encodeURIComponent(cursor)}`)).status).toBe(200);
  });

  it('needs write: viewer 403, outsider 404, no credentials 401, POST 405', async () => {
    expectError(await log('', f.viewer.token), 403, 'FORBIDDEN');
    expectError(await log('', f.outsider.token), 404, 'NOT_FOUND');
    expectError(await log('', null), 401, 'UNAUTHORIZED');
    expect((await restHttp(f, `/api/apps/${f.app.id}/stats/invocations`, { method: 'POST' })).status).toBe(405);
  });
});

describe('GET /api/apps/{id}/stats/errors', () => {
  it('groups the failed invocations by method, route and message with the newest as sample', async () => {
    const answer = await http(`/api/apps/${f.app.id}/stats/errors?${RANGE}&limit=5`);
    expect(answer.status).toBe(200);
    const body = answer.json as { groups: Array<Record<string, unknown>> };
    expect(Object.keys(body)).toEqual(['groups']);
    expect(body.groups).toEqual([
      {
        method: 'GET',
        route: '/api/items/:id',
        message: 'upstream # timed out',
        count: 30,
        firstSeenAt: '2024-03-01T00:10:00.000Z',
        lastSeenAt: '2024-03-02T10:00:00.000Z',
        sample: {
          method: 'GET',
          path: '/api/items/300?q=300',
          username: f.owner.username,
          startedAt: '2024-03-02T10:00:00.000Z',
          durationMs: 310,
          statusCode: 502,
          memoryPeakBytes: 300_000,
          error: 'upstream 300 timed out',
        },
      },
    ]);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['tz=Not/AZone', 'tz'],
    ['from=2024-03-03', 'from'],
    ['status=failed', 'status'],
  ])('refuses ?%s with 400 naming %s', async (query, field) => {
    expectError(await http(`/api/apps/${f.app.id}/stats/errors?${RANGE}&${query}`), 400, 'BAD_REQUEST', new RegExp(`^${field}: `));
  });

  it('needs write: viewer 403, outsider 404', async () => {
    expectError(await http(`/api/apps/${f.app.id}/stats/errors`, f.viewer.token), 403, 'FORBIDDEN');
    expectError(await http(`/api/apps/${f.app.id}/stats/errors`, f.outsider.token), 404, 'NOT_FOUND');
  });
});

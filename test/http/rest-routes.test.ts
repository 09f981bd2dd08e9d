import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { callerFor } from '../helpers/fixtures';
import { expectError } from '../helpers/http';
import { restHttp, useRestFixture } from '../helpers/rest-fixture';

// GET /api/apps/{id}/stats/routes over real HTTP (CONTRACT §8): the answer is
// the procedure's, the CSV parses back to it, each broken query field is 400
// naming it, and the path needs write.

const FILE = 'test/http/rest-routes.test.ts';
const f = useRestFixture(FILE);
const http = (path: string, token?: string | null) => restHttp(f, path, { token });

const CALLS = [
  { method: 'GET', path: '/api/items/42?x=1', duration: 100, status: 200 },
  { method: 'GET', path: '/api/items/7', duration: 300, status: 500 },
  { method: 'POST', path: '/api/items', duration: 50, status: 201 },
  { method: 'GET', path: '/api/users/3f2a9c1e-0b7d-4e6a-9f00-1234567890ab/avatar', duration: 20, status: 200 },
];

beforeAll(async () => {
  await f.database.db
    .insertInto('route_invocations')
    .values(
      CALLS.map((call, i) => ({
        app_id: f.app.id,
        method: call.method,
        path: call.path,
        started_at: new Date(Date.UTC(2024, 4, 1, 10, i)),
        duration_ms: call.duration,
        status_code: call.status,
        memory_peak_bytes: 1000 * (i + 1),
      })),
    )
    .execute();
});

const range = 'from=2024-05-01&to=2024-05-01';

describe('GET /api/apps/{id}/stats/routes', () => {
  it('answers the routes of the range, normalised and sorted, as the procedure does', async () => {
    const answer = await http(`/api/apps/${f.app.naturalId}/stats/routes?${range}`);
    expect(answer.status).toBe(200);
    const body = answer.json as { routes: Array<Record<string, unknown>> };
    expect(body.routes.map((r) => [r.method, r.route, r.calls, r.failed, r.errorRate, r.computeMs])).toEqual([
      ['GET', '/api/items/:id', 2, 1, 50, 400],
      ['GET', '/api/users/:id/avatar', 1, 0, 0, 20],
      ['POST', '/api/items', 1, 0, 0, 50],
    ]);
    expect(body.routes[0]).toMatchObject({ peakMemoryBytes: 2000, lastCalledAt: '2024-05-01T10:01:00.000Z' });
    const caller = await callerFor(f.database.db, f.owner);
    expect(body).toEqual(await caller.activity.routes({ appId: f.app.id, from: '2024-05-01', to: '2024-05-01' }));
  });

  it('sorts by the field asked, descending, and cuts at the limit', async () => {
    const byCompute = (await http(`/api/apps/${f.app.id}/stats/routes?${range}&sort=computeMs&limit=2`)).json as {
      routes: Array<{ route: string; method: string }>;
    };
    expect(byCompute.routes.map((r) => `${r.method} ${r.route}`)).toEqual(['GET /api/items/:id', 'POST /api/items']);
  });

  it('answers CSV that parses back to the JSON answer', async () => {
    const path = `/api/apps/${f.app.id}/stats/routes?${range}&sort=p95DurationMs`;
    const json = (await http(path)).json as { routes: Array<Record<string, unknown>> };
    const csv = await http(`${path}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="${f.app.naturalId}-routes-2024-05-01-2024-05-01-UTC\\.csv"`),
    );
    const records = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
    expect(records).toEqual(
      json.routes.map((entry) => Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, v === null ? '' : String(v)]))),
    );
  });

  it.each([
    ['sort=slowest', 'sort'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['tz=Mars/Olympus', 'tz'],
    ['from=2024-05-02&to=2024-05-01', 'from'],
    ['format=xml', 'format'],
    ['page=2', 'page'],
  ])('refuses ?%s with 400 naming %s', async (query, field) => {
    expectError(await http(`/api/apps/${f.app.id}/stats/routes?${query}`), 400, 'BAD_REQUEST', new RegExp(`^${field}: `));
  });

  it('needs write: viewer 403, outsider 404, no credentials 401', async () => {
    expectError(await http(`/api/apps/${f.app.id}/stats/routes`, f.viewer.token), 403, 'FORBIDDEN');
    expectError(await http(`/api/apps/${f.app.id}/stats/routes`, f.outsider.token), 404, 'NOT_FOUND');
    expectError(await http(`/api/apps/${f.app.id}/stats/routes`, null), 401, 'UNAUTHORIZED');
  });
});

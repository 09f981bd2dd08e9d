import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/http';
import { restHttp, useRestFixture } from '../helpers/rest-fixture';

// GET /api/apps/{id}/stats/range over real HTTP (CONTRACT §8): the answer's
// shape, the query string's rules (each broken one is 400 naming the field),
// and who may read it.

const FILE = 'test/http/rest-range.test.ts';
const f = useRestFixture(FILE);
const http = (path: string, token?: string | null) => restHttp(f, path, { token });

beforeAll(async () => {
  await f.database.db
    .insertInto('route_invocations')
    .values(
      [120, 80, 4000].map((duration, i) => ({
        app_id: f.app.id,
        method: 'GET',
        path: '/r',
        started_at: new Date(Date.UTC(2024, 9, 26, 22 + i, 30)),
        duration_ms: duration,
        status_code: i === 2 ? 502 : 200,
        memory_peak_bytes: 1000 * (i + 1),
      })),
    )
    .execute();
  await f.database.db
    .insertInto('view_events')
    .values({ app_id: f.app.id, viewed_at: new Date('2024-10-26T22:15:00Z') })
    .execute();
});

describe('GET /api/apps/{id}/stats/range', () => {
  it('answers the figures of the days of a zone, by hour for a short range', async () => {
    const answer = await http(`/api/apps/${f.app.naturalId}/stats/range?tz=Europe/Berlin&from=2024-10-27&to=2024-10-27`);
    expect(answer.status).toBe(200);
    const body = answer.json as {
      appId: string;
      interval: string;
      totals: Record<string, unknown>;
      series: Array<Record<string, unknown>>;
    };
    expect(Object.keys(body)).toEqual(['appId', 'tz', 'from', 'to', 'interval', 'totals', 'previous', 'series']);
    expect(body).toMatchObject({ appId: f.app.id, tz: 'Europe/Berlin', from: '2024-10-27', to: '2024-10-27', interval: 'hour' });
    expect(body.totals).toEqual({
      views: 1,
      invocations: 3,
      failed: 1,
      errorRate: 33.33,
      computeMs: 4200,
      avgDurationMs: 1400,
      p50DurationMs: expect.any(Number),
      p95DurationMs: expect.any(Number),
      p99DurationMs: expect.any(Number),
      peakMemoryBytes: 3000,
    });
    // Nearest rank of 3 values: the second and the third, within 2 % (CONTRACT §8).
    expect(Math.abs(Number(body.totals.p50DurationMs) - 120)).toBeLessThanOrEqual(2.4);
    expect(Math.abs(Number(body.totals.p95DurationMs) - 4000)).toBeLessThanOrEqual(80);
    expect(body.totals.p99DurationMs).toBe(body.totals.p95DurationMs);
    expect(body.series).toHaveLength(25);
    expect(body.series[0]).toMatchObject({ start: '2024-10-26T22:00:00.000Z', local: '2024-10-27T00:00', views: 1, invocations: 1 });
    expect(Object.keys(body.series[0] ?? {})).toEqual([
      'start',
      'local',
      'views',
      'invocations',
      'failed',
      'computeMs',
      'avgDurationMs',
      'p50DurationMs',
      'p95DurationMs',
      'p99DurationMs',
      'peakMemoryBytes',
    ]);
  });

  it('answers the series as CSV that parses back to the JSON answer', async () => {
    const path = `/api/apps/${f.app.id}/stats/range?tz=Asia/Kathmandu&from=2024-10-26&to=2024-10-28`;
    const json = (await http(path)).json as { series: Array<Record<string, unknown>> };
    const csv = await http(`${path}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="${f.app.naturalId}-range-2024-10-26-2024-10-28-Asia_Kathmandu\\.csv"`),
    );
    const records = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(records[0] ?? {})).toEqual(Object.keys(json.series[0] ?? {}));
    expect(records).toEqual(
      json.series.map((entry) => Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, v === null ? '' : String(v)]))),
    );
  });

  it.each([
    ['tz=Nowhere/Else', 'tz'],
    ['from=2024-13-01', 'from'],
    ['to=yesterday', 'to'],
    ['from=2024-05-02&to=2024-05-01', 'from'],
    ['from=2020-01-01&to=2024-01-01', 'from'],
    ['from=2024-01-01&to=2024-03-01&interval=hour', 'interval'],
    ['interval=minute', 'interval'],
    ['format=xml', 'format'],
    ['tz=UTC&tz=Europe/Berlin', 'tz'],
    ['colour=blue', 'colour'],
  ])('refuses ?%s with 400 naming %s', async (query, field) => {
    const answer = await http(`/api/apps/${f.app.id}/stats/range?${query}`);
    expectError(answer, 400, 'BAD_REQUEST', new RegExp(`^${field}: `));
  });

  it('lets a viewer read, keeps an outsider and the anonymous out', async () => {
    expect((await http(`/api/apps/${f.app.id}/stats/range`, f.viewer.token)).status).toBe(200);
    expectError(await http(`/api/apps/${f.app.id}/stats/range`, f.outsider.token), 404, 'NOT_FOUND');
    expectError(await http(`/api/apps/${f.app.id}/stats/range`, null), 401, 'UNAUTHORIZED');
  });
});

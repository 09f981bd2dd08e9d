import fc from 'fast-check';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, resolveRange } from '../../lib/range';
import type { RouteFigures } from '../../server/schemas/routes';
import { useTestDatabase } from '../helpers/database';
import { callerFor, makeApp, makeUser, type TestUser } from '../helpers/fixtures';
import * as raw from '../oracle/routes-raw';

// GET /stats/routes and a route's range, read from the per-route rollups, equal
// plain SQL over the raw rows (oracle/routes-raw.ts) for random invocations
// (one-row and set-based writes from three connections, then UPDATEs and
// DELETEs), random ranges and zones: exactly, except percentiles, within 2 % or
// 1 ms (CONTRACT §8). And an app with 10⁵ distinct paths keeps a bounded rollup.

const database = useTestDatabase();
const NOW = new Date('2024-12-01T12:00:00.000Z');
const ZONES = ['UTC', 'Europe/Berlin', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe'] as const;
const MINUTE = 60_000;
const UUID = '0b5c9b6e-7a1d-4c1e-9f3a-2d4e5f6a7b8c';

let clients: pg.Client[] = [];
let owner: TestUser;
let appId: string;

beforeAll(async () => {
  clients = [0, 1, 2].map(() => new pg.Client({ connectionString: database.current.url }));
  await Promise.all(clients.map((c) => c.connect()));
  owner = await makeUser(database.current.db);
  appId = (await makeApp(database.current.db, owner)).id;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end()));
});

const invocation = fc.record({
  at: fc.oneof(
    fc.integer({ min: Date.parse('2024-10-26T00:00:00Z'), max: Date.parse('2024-10-29T00:00:00Z') }),
    fc
      .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: -700, max: 700 }))
      .map(([d, m]) => Date.parse('2024-10-01T00:00:00Z') + d * 86_400_000 + m * MINUTE),
  ),
  method: fc.constantFrom('GET', 'POST'),
  path: fc.constantFrom('/api/items', `/api/items/42`, `/api/items/7?x=1`, `/api/u/${UUID}`, '/api/h/deadbeef1', '/api/items/42/', '/'),
  duration: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 100_000 })),
  status: fc.constantFrom(200, 404, 500),
  error: fc.option(fc.constant('boom'), { nil: null }),
  memory: fc.option(fc.integer({ min: 0, max: 1e9 }), { nil: null }),
});

interface Invocation {
  at: number;
  method: string;
  path: string;
  duration: number;
  status: number;
  error: string | null;
  memory: number | null;
}

async function write(client: pg.Client, rows: Invocation[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code, memory_peak_bytes, error)
     select $1, * from unnest($2::text[], $3::text[], $4::timestamptz[], $5::int[], $6::int[], $7::bigint[], $8::text[])`,
    [
      appId,
      rows.map((i) => i.method),
      rows.map((i) => i.path),
      rows.map((i) => new Date(i.at)),
      rows.map((i) => i.duration),
      rows.map((i) => i.status),
      rows.map((i) => i.memory),
      rows.map((i) => i.error),
    ],
  );
}

function expectWithinBound(actual: RouteFigures, expected: RouteFigures, label: string): void {
  const { p50DurationMs, p95DurationMs, p99DurationMs, ...exact } = actual;
  const { p50DurationMs: e50, p95DurationMs: e95, p99DurationMs: e99, ...expectedExact } = expected;
  expect(exact, label).toEqual(expectedExact);
  for (const [got, want, name] of [
    [p50DurationMs, e50, 'p50'],
    [p95DurationMs, e95, 'p95'],
    [p99DurationMs, e99, 'p99'],
  ] as const) {
    if (want === null) expect(got, `${label} ${name}`).toBeNull();
    else expect(Math.abs((got ?? Number.NaN) - want), `${label} ${name}: ${got} vs ${want}`).toBeLessThanOrEqual(Math.max(0.02 * want, 1));
  }
}

describe('GET /stats/routes (property)', () => {
  it('equals plain SQL over the raw rows after inserts, updates and deletes, in any zone', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(invocation, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('none', 'delete', 'update'),
        fc.record({
          tz: fc.constantFrom(...ZONES),
          from: fc.constantFrom('2024-10-01', '2024-10-26', '2024-10-27'),
          days: fc.integer({ min: 1, max: 40 }),
        }),
        async (batches, change, r) => {
          await clients[0]?.query('truncate route_invocations');
          for (const [i, rows] of batches.entries()) await write(clients[i % clients.length] as pg.Client, rows);
          if (change === 'delete')
            await clients[1]?.query(`delete from route_invocations where app_id = $1 and duration_ms % 3 = 0`, [appId]);
          if (change === 'update') {
            await clients[2]?.query(
              `update route_invocations set path = '/api/moved/' || id, duration_ms = duration_ms + 7, started_at = started_at + interval '5 hours'
               where app_id = $1 and id % 2 = 0`,
              [appId],
            );
          }
          const query = { tz: r.tz, from: r.from, to: addDays(r.from, r.days - 1) };
          const caller = await callerFor(database.current.db, owner, () => NOW);
          const want = await raw.listRoutes(database.current.db, appId, resolveRange(query, NOW, false));
          const got = (await caller.activity.routes({ appId, ...query, limit: 100 })).routes;
          const label = JSON.stringify({ query, change });
          expect(
            got.map((route) => [route.method, route.route]),
            label,
          ).toEqual(want.slice(0, 100).map((route) => [route.method, route.route]));
          for (const [i, route] of got.entries())
            expectWithinBound(route, want[i] as RouteFigures, `${label} ${route.method} ${route.route}`);
          const top = want[0];
          if (top) {
            const one = await caller.activity.route({ appId, ...query, method: top.method, route: top.route });
            expect(one.totals.invocations, label).toBe(top.calls);
            expect(one.totals.computeMs, label).toBe(top.computeMs);
            expect(
              one.series.reduce((sum, entry) => sum + entry.invocations, 0),
              label,
            ).toBe(top.calls);
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 300_000);

  it('sorts by each figure, ties by method then route in code-point order', async () => {
    await clients[0]?.query('truncate route_invocations');
    const rows: Invocation[] = ['/b', '/a', '/B', '/a'].map((path, i) => ({
      at: Date.parse('2024-11-20T10:00:00Z') + i * MINUTE,
      method: 'GET',
      path,
      duration: 10 * (i + 1),
      status: i === 0 ? 500 : 200,
      error: null,
      memory: null,
    }));
    await write(clients[0] as pg.Client, rows);
    const caller = await callerFor(database.current.db, owner, () => NOW);
    const order = async (sort: 'calls' | 'failed' | 'computeMs' | 'p95DurationMs') =>
      (await caller.activity.routes({ appId, sort })).routes.map((route) => route.route);
    expect(await order('calls')).toEqual(['/a', '/B', '/b']);
    expect(await order('failed')).toEqual(['/b', '/B', '/a']);
    expect(await order('computeMs')).toEqual(['/a', '/B', '/b']);
    expect(await order('p95DurationMs')).toEqual(['/a', '/B', '/b']);
    expect((await caller.activity.routes({ appId, limit: 1 })).routes).toHaveLength(1);
  });
});

describe('the route cap', () => {
  it('keeps an app with 10⁵ distinct paths to a bounded rollup, the rest under (other), every total exact', async () => {
    const db = database.current.db;
    const app = (await makeApp(db, owner)).id;
    await sql`
      insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code)
      select ${app}::uuid, 'GET', '/p/x' || g, timestamptz '2024-11-20 10:00:00+00' + (g % 500) * interval '1 minute', g % 97, 200
      from generate_series(1, 100000) g`.execute(db);
    // Single-row writes of new paths past the cap go to (other) as well.
    for (const n of [1, 2, 3]) {
      await sql`insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code)
        values (${app}::uuid, 'GET', ${`/late/y${n}`}, timestamptz '2024-11-20 12:00:00+00', 5, 200)`.execute(db);
    }
    const { rows } = await sql<{ tracked: number; days: number; calls: number }>`
      select (select count(*) from stats_routes where app_id = ${app}::uuid)::int as tracked,
             (select count(*) from stats_route_days where app_id = ${app}::uuid)::int as days,
             (select sum(calls) from stats_route_days where app_id = ${app}::uuid)::int as calls`.execute(db);
    expect(rows[0]?.tracked).toBe(1000);
    expect(rows[0]?.days).toBeLessThanOrEqual(1001 * 16);
    expect(rows[0]?.calls).toBe(100_003);
    const caller = await callerFor(db, owner, () => NOW);
    const routes = (await caller.activity.routes({ appId: app, from: '2024-11-20', to: '2024-11-20', limit: 100 })).routes;
    expect(routes[0]).toMatchObject({ method: 'GET', route: '(other)', calls: 100_003 - 1000 });
    expect(routes.slice(1).every((route) => route.calls === 1)).toBe(true);
  }, 120_000);
});

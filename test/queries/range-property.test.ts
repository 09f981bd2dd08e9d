import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, resolveRange } from '../../lib/range';
import type { RangeFigures } from '../../server/schemas/range';
import { useTestDatabase } from '../helpers/database';
import { callerFor, makeApp, makeUser, type TestUser } from '../helpers/fixtures';
import * as raw from '../oracle/range-raw';

// GET /stats/range read from the rollups equals plain SQL over the raw rows
// (oracle/range-raw.ts) for random events and random ranges and zones:
// exactly, except percentiles, which are within 2 % or 1 ms (CONTRACT §8).
// Events crowd around local midnights and DST changes, where a wrong offset
// or a wrong bucket would show.

const database = useTestDatabase();
const NOW = new Date('2024-12-01T12:00:00.000Z');
const ZONES = ['UTC', 'Europe/Berlin', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe'] as const;
// DST changes of 2024 in those zones, as UTC instants, and days around them.
const CHANGES = [
  '2024-03-10T05:30:00Z', // St John's forward
  '2024-03-31T01:00:00Z', // Berlin forward
  '2024-04-06T15:00:00Z', // Lord Howe back by 30 minutes
  '2024-10-05T15:30:00Z', // Lord Howe forward by 30 minutes
  '2024-10-27T01:00:00Z', // Berlin back
  '2024-11-03T04:30:00Z', // St John's back
].map((t) => Date.parse(t));
const MINUTE = 60_000;

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

/** An instant near a DST change, near a local midnight of some zone, or anywhere in 2024. */
const instant = fc.oneof(
  fc.tuple(fc.constantFrom(...CHANGES), fc.integer({ min: -120, max: 120 })).map(([t, m]) => t + m * MINUTE),
  fc
    .tuple(fc.integer({ min: 0, max: 300 }), fc.constantFrom(0, -60, -120, 210, -345, -630, -660), fc.integer({ min: -20, max: 20 }))
    .map(([day, offset, m]) => Date.parse('2024-03-01T00:00:00Z') + day * 86_400_000 + (offset + m) * MINUTE),
  fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2024-12-31T00:00:00Z') }),
);

const invocation = fc.record({
  at: instant,
  duration: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: -100, max: 100_000 })),
  status: fc.constantFrom(200, 201, 404, 500, 503),
  error: fc.option(fc.constantFrom('boom', 'timeout 123'), { nil: null }),
  memory: fc.option(fc.integer({ min: 0, max: 1e9 }), { nil: null }),
});
const view = fc.record({ at: instant, viewer: fc.boolean() });
const batch = fc.record({
  views: fc.array(view, { maxLength: 6 }),
  invocations: fc.array(invocation, { maxLength: 8 }),
});

type Batch = typeof batch extends fc.Arbitrary<infer T> ? T : never;

async function write(client: pg.Client, events: Batch): Promise<void> {
  for (const v of events.views) {
    await client.query('insert into view_events (app_id, viewer_id, viewed_at) values ($1, $2, $3)', [
      appId,
      v.viewer ? owner.id : null,
      new Date(v.at),
    ]);
  }
  if (events.invocations.length === 0) return;
  // One statement for the batch: the set-based path; a batch of one is the one-row path.
  await client.query(
    `insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code, memory_peak_bytes, error)
     select $1, 'GET', '/x', * from unnest($2::timestamptz[], $3::int[], $4::int[], $5::bigint[], $6::text[])`,
    [
      appId,
      events.invocations.map((i) => new Date(i.at)),
      events.invocations.map((i) => i.duration),
      events.invocations.map((i) => i.status),
      events.invocations.map((i) => i.memory),
      events.invocations.map((i) => i.error),
    ],
  );
}

const range = fc.record({
  tz: fc.constantFrom(...ZONES),
  from: fc.oneof(
    fc.constantFrom('2024-03-09', '2024-03-30', '2024-04-06', '2024-10-05', '2024-10-26', '2024-11-02'),
    fc.constant('2024-03-01'),
  ),
  days: fc.integer({ min: 1, max: 45 }),
  interval: fc.constantFrom('hour' as const, 'day' as const, undefined),
});

function expectWithinBound(actual: RangeFigures, expected: RangeFigures, label: string): void {
  const { p50DurationMs, p95DurationMs, p99DurationMs, ...exact } = actual;
  const { p50DurationMs: e50, p95DurationMs: e95, p99DurationMs: e99, ...expectedExact } = expected;
  expect(exact, label).toEqual(expectedExact);
  for (const [got, want, name] of [
    [p50DurationMs, e50, 'p50'],
    [p95DurationMs, e95, 'p95'],
    [p99DurationMs, e99, 'p99'],
  ] as const) {
    if (want === null) expect(got, `${label} ${name}`).toBeNull();
    else
      expect(Math.abs((got ?? Number.NaN) - want), `${label} ${name}: ${got} vs ${want}`).toBeLessThanOrEqual(
        Math.max(0.02 * Math.abs(want), 1),
      );
  }
}

describe('GET /stats/range (property)', () => {
  it('equals plain SQL over the raw rows for random events, ranges and zones', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(batch, { minLength: 1, maxLength: 8 }),
        fc.array(range, { minLength: 1, maxLength: 3 }),
        async (batches, ranges) => {
          await clients[0]?.query('truncate view_events, route_invocations');
          for (const [i, events] of batches.entries()) await write(clients[i % clients.length] as pg.Client, events);
          const caller = await callerFor(database.current.db, owner, () => NOW);
          for (const r of ranges) {
            const interval = r.interval === 'hour' && r.days > 31 ? 'day' : r.interval;
            const query = { tz: r.tz, from: r.from, to: addDays(r.from, r.days - 1), ...(interval ? { interval } : {}) };
            const got = await caller.insights.range({ appId, ...query });
            const want = await raw.getRangeStats(database.current.db, appId, resolveRange(query, NOW));
            const label = JSON.stringify(query);
            expect({ ...got, totals: null, previous: null, series: got.series.map((e) => [e.start, e.local]) }, label).toEqual({
              appId,
              ...want,
              totals: null,
              previous: null,
              series: want.series.map((e) => [e.start, e.local]),
            });
            expectWithinBound(got.totals, want.totals, `${label} totals`);
            expectWithinBound(got.previous, want.previous, `${label} previous`);
            for (const [i, entry] of got.series.entries()) {
              const { start: _s, local, ...figures } = entry;
              const { start: _ws, local: _wl, ...wanted } = want.series[i] ?? entry;
              expectWithinBound({ ...figures, errorRate: 0 }, { ...wanted, errorRate: 0 }, `${label} ${local}`);
            }
          }
        },
      ),
      { numRuns: 20 },
    );
  }, 300_000);
});

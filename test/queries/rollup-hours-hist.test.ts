import fc from 'fast-check';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillHoursAndHistograms } from '../../server/db/migrations/20260109000000_rollup_hours_histograms';
import { checkRollups, rebuildRollups } from '../../server/queries/stats/maintain';
import { useTestDatabase } from '../helpers/database';
import { type EventOp, applyOp, eventOp } from '../helpers/event-ops';
import { makeApp, makeUser } from '../helpers/fixtures';
import { hourAndHistogramDifferences } from '../oracle/hours-histograms-raw';

// Whatever writes happen, from several connections at once (each its own
// counter slot), the hour rows plus the slots' current buckets in their hour
// equal plain SQL over the raw rows per UTC hour, and the duration histograms
// of buckets, hours and days (with the slots' cur_hist) equal
// count(*) group by stats_duration_bin(duration_ms) over the raw rows, exactly.

const database = useTestDatabase();
let clients: pg.Client[] = [];
let apps: string[];
const MAX = 2 ** 31 - 1;

beforeAll(async () => {
  // Connections until four of them sit in different slots (pg_backend_pid() % 16).
  const bySlot = new Map<number, pg.Client>();
  while (bySlot.size < 4) {
    const client = new pg.Client({ connectionString: database.current.url });
    await client.connect();
    const { rows } = await client.query<{ slot: number }>('select pg_backend_pid() % 16 as slot');
    const slot = rows[0]?.slot ?? -1;
    if (bySlot.has(slot)) await client.end();
    else bySlot.set(slot, client);
  }
  clients = [...bySlot.values()];
  const owner = await makeUser(database.current.db);
  apps = [(await makeApp(database.current.db, owner)).id, (await makeApp(database.current.db, owner)).id];
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end()));
});

// Durations over the whole int4 range (the shared event ops draw 0..5000), one row or several per statement.
const wideRows = fc.record({
  kind: fc.constant('wide' as const),
  rows: fc.array(
    fc.record({
      app: fc.nat(1),
      minute: fc.integer({ min: -3000, max: 60 }),
      duration: fc.integer({ min: -MAX, max: MAX }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});
const duration = fc.oneof(
  fc.integer({ min: -MAX, max: MAX }),
  fc.constantFrom(-51, -50, 0, 50, 51, MAX, -MAX),
  fc.integer({ min: -80, max: 80 }),
);
// One-row INSERTs, one statement each, into one bucket from one connection: the slot's fast path (cur_hist).
const burst = fc.record({
  kind: fc.constant('burst' as const),
  app: fc.nat(1),
  minute: fc.constantFrom(0, 1, 14, 15, 40),
  durations: fc.array(duration, { minLength: 2, maxLength: 6 }),
});
type Op =
  | EventOp
  | { kind: 'rebuild'; app: number | null }
  | (typeof wideRows extends fc.Arbitrary<infer T> ? T : never)
  | (typeof burst extends fc.Arbitrary<infer T> ? T : never);

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: eventOp, weight: 8 },
  { arbitrary: wideRows, weight: 2 },
  { arbitrary: burst, weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('rebuild' as const), app: fc.option(fc.nat(1)) }), weight: 1 },
);

const START = Date.UTC(2025, 2, 15, 10, 20);

async function apply(client: pg.Client, o: Op): Promise<void> {
  if (o.kind === 'rebuild') {
    await rebuildRollups(database.current.db, o.app === null ? undefined : apps[o.app]);
    return;
  }
  if (o.kind === 'burst') {
    for (const d of o.durations) {
      await client.query(
        `insert into route_invocations (app_id, started_at, duration_ms, method, path, status_code) values ($1, $2, $3, 'GET', '/b', 200)`,
        [apps[o.app], new Date(START + o.minute * 60_000), d],
      );
    }
    return;
  }
  if (o.kind === 'wide') {
    const values = o.rows.map((_, i) => `($${i * 3 + 1}::uuid, $${i * 3 + 2}::timestamptz, $${i * 3 + 3}::int, 'GET', '/wide', 200)`);
    await client.query(
      `insert into route_invocations (app_id, started_at, duration_ms, method, path, status_code) values ${values.join(', ')}`,
      o.rows.flatMap((r) => [apps[r.app], new Date(START + r.minute * 60_000), r.duration]),
    );
    return;
  }
  await applyOp(client, apps, o);
}

/** Runs the batch at once, one op per connection; a deadlock between raw-row locks only rolls its statement back. */
async function applyBatch(batch: Op[]): Promise<void> {
  // Every op settles before a failure is reported, so the next run's TRUNCATE never meets this batch's writers.
  const settled = await Promise.allSettled(batch.map((o, i) => apply(clients[i % clients.length] as pg.Client, o)));
  for (const result of settled) {
    if (result.status === 'rejected' && (result.reason as { code?: string }).code !== '40P01') throw result.reason;
  }
}

async function expectMatchesRaw(step: string): Promise<void> {
  for (const appId of apps) {
    expect(await hourAndHistogramDifferences(database.current.db, appId), step).toEqual([]);
    expect(await checkRollups(database.current.db, appId), step).toEqual([]);
  }
}

describe('rollup hours and histograms (property)', { timeout: 300_000 }, () => {
  it('equal plain SQL over the raw rows after any concurrent writes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }), async (batches) => {
        await clients[0]?.query('truncate view_events, route_invocations');
        for (const [i, batch] of batches.entries()) {
          await applyBatch(batch);
          await expectMatchesRaw(`after batch ${i}: ${JSON.stringify(batch)}`);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('are filled by the migration from bucket and raw rows', async () => {
    const db = database.current.db;
    await clients[0]?.query('truncate view_events, route_invocations');
    await applyBatch([{ kind: 'wide', rows: [{ app: 0, minute: 1, duration: 70 }] }]);
    await applyBatch([{ kind: 'insert-select', table: 'route_invocations', app: 1, start: new Date(START), count: 30, stepMinutes: 7 }]);
    await applyBatch([{ kind: 'insert-select', table: 'view_events', app: 0, start: new Date(START), count: 30, stepMinutes: 7 }]);
    await applyBatch([{ kind: 'wide', rows: [{ app: 1, minute: 2, duration: -MAX }] }]);
    // As the migration found them: no hour rows, no histograms.
    await sql`delete from stats_view_hours`.execute(db);
    await sql`delete from stats_invocation_hours`.execute(db);
    await sql`update stats_invocation_buckets set hist = null`.execute(db);
    await sql`update stats_invocation_days set hist = null`.execute(db);
    await sql`update stats_invocation_slots set cur_hist = null`.execute(db);
    expect((await hourAndHistogramDifferences(db, apps[1] ?? '')).length).toBeGreaterThan(0);
    await db.transaction().execute(async (trx) => {
      await sql`lock table view_events, route_invocations in share row exclusive mode`.execute(trx);
      await backfillHoursAndHistograms(trx);
    });
    await expectMatchesRaw('after the backfill');
  });
});

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRollups } from '../../server/queries/stats/maintain';
import { useTestDatabase } from '../helpers/database';
import { makeApp, makeUser } from '../helpers/fixtures';
import { hourAndHistogramDifferences } from '../oracle/hours-histograms-raw';

// A flush of the slots' current buckets (sql/rollups/flush.sql) that a slot
// row's writer overtakes: the flush has read the slot rows and waits on a
// bucket row; meanwhile a writer in another slot creates its slot row with the
// event in its current bucket and commits; then the flush goes on. The
// writer's event must stay counted. Before the fix, each statement of the
// flush read the slot rows again: the writer's row was added to the hour and
// day rows but not the bucket rows, then emptied (rollup-hours-hist.test.ts
// found it by chance, under a rebuild, a DELETE and one-row INSERTs at once).

const database = useTestDatabase();
let clients: pg.Client[] = [];
const AT = new Date(Date.UTC(2025, 5, 1, 12, 5));
const INSERT = `insert into route_invocations (app_id, started_at, duration_ms, method, path, status_code) values ($1, $2, 40, 'GET', '/x', 200)`;

/** The slot a connection writes to (pg_backend_pid() % 16, as the triggers take it). */
async function slotOf(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ slot: number }>('select pg_backend_pid() % 16 as slot');
  return rows[0]?.slot ?? -1;
}

beforeAll(async () => {
  // Four connections in four different slots: the first writer, the flush, a blocker, the overtaking writer.
  const bySlot = new Map<number, pg.Client>();
  while (bySlot.size < 4) {
    const client = new pg.Client({ connectionString: database.current.url });
    await client.connect();
    const slot = await slotOf(client);
    if (bySlot.has(slot)) await client.end();
    else bySlot.set(slot, client);
  }
  clients = [...bySlot.values()];
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.end()));
});

/** Resolves once `pid` waits for a lock. */
async function waitingForLock(watcher: pg.Client, pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await watcher.query<{ waiting: boolean }>(
      `select coalesce(wait_event_type = 'Lock', false) as waiting from pg_stat_activity where pid = $1`,
      [pid],
    );
    if (rows[0]?.waiting) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`backend ${pid} never waited for a lock`);
}

/** The figures of each family as the flush and the writers touch them. */
const FAMILIES = [
  {
    name: 'invocations',
    insert: INSERT,
    flush: 'select stats_flush_invocations(array[$1::uuid], null)',
    block: `insert into stats_invocation_buckets (app_id, bucket, slot, invocations, compute_ms, failed) values ($1, $2, $3, 0, 0, 0)`,
    total: `select (coalesce((select sum(invocations) from stats_invocation_buckets where app_id = $1), 0)
      + coalesce((select sum(cur_invocations) from stats_invocation_slots where app_id = $1), 0))::int as n`,
  },
  {
    name: 'views',
    insert: `insert into view_events (app_id, viewer_id, viewed_at) values ($1, null, $2)`,
    flush: 'select stats_flush_views(array[$1::uuid], null)',
    block: `insert into stats_view_buckets (app_id, bucket, slot, views) values ($1, $2, $3, 0)`,
    total: `select (coalesce((select sum(views) from stats_view_buckets where app_id = $1), 0)
      + coalesce((select sum(cur_views) from stats_view_slots where app_id = $1), 0))::int as n`,
  },
] as const;

describe('a flush overtaken by a writer of a new slot row', () => {
  for (const family of FAMILIES) {
    it(`moves and empties only the slot rows it read: the new row keeps its event (${family.name})`, async () => {
      const [first, flusher, blocker, second] = clients as [pg.Client, pg.Client, pg.Client, pg.Client];
      const app = (await makeApp(database.current.db, await makeUser(database.current.db))).id;
      // The first writer's event sits in its slot's current bucket.
      await first.query(family.insert, [app, AT]);
      // Another transaction holds the bucket row the flush will write, uncommitted.
      await blocker.query('begin');
      await blocker.query(family.block, [app, new Date(Date.UTC(2025, 5, 1, 12, 0)), await slotOf(first)]);
      const flushPid = (await flusher.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid ?? 0;
      const flushing = flusher.query(family.flush, [app]);
      await waitingForLock(blocker, flushPid);
      // Meanwhile a writer of another slot, whose slot row does not exist yet, commits an event.
      await second.query(family.insert, [app, AT]);
      await blocker.query('rollback');
      await flushing;

      expect(await hourAndHistogramDifferences(database.current.db, app)).toEqual([]);
      expect(await checkRollups(database.current.db, app)).toEqual([]);
      expect((await first.query<{ n: number }>(family.total, [app])).rows[0]?.n).toBe(2);
    });
  }
});

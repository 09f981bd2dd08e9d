import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRollups, rebuildRollups } from '../../server/queries/stats/maintain';
import { getApiSummary, getViewStats } from '../../server/queries/stats/read';
import * as raw from '../oracle/stats-raw';
import { useTestDatabase } from '../helpers/database';
import { makeApp, makeUser } from '../helpers/fixtures';

// The one-row INSERT (issue 13): one UPDATE of the writer's slot row (and, for
// a view, of the viewer's row), no advisory lock. Its exactness rests on the
// lock order (every write takes its slot row first) and on the slot row locks
// that removals and rebuilds take; these tests run it against both.

const database = useTestDatabase();
const NOW = new Date('2025-06-10T14:00:00.000Z');
const BUCKET = Date.parse('2025-06-10T12:00:00.000Z');
const clients: pg.Client[] = [];

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: database.current.url });
  await client.connect();
  clients.push(client);
  return client;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
});

async function newApp(): Promise<string> {
  const db = database.current.db;
  return (await makeApp(db, await makeUser(db))).id;
}

async function expectConsistent(appId: string): Promise<void> {
  const db = database.current.db;
  expect(await checkRollups(db, appId)).toEqual([]);
  expect(await getViewStats(db, appId, NOW)).toEqual(await raw.getViewStats(db, appId, NOW));
  expect(await getApiSummary(db, appId, NOW)).toEqual(await raw.getApiSummary(db, appId, NOW));
}

/** Waits until some backend of this test's database is blocked on a lock (polls the catalog). */
async function untilSomeoneWaits(): Promise<void> {
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(
      database.current.db,
    );
    if ((rows[0]?.n ?? 0) > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Shared by the writers, so that first views of one viewer race each other.
const viewerOf = (n: number) => `0000000d-0000-4000-8000-${String(n % 24).padStart(12, '0')}`;

/** `rounds` one-row INSERTs per writer, alternating views (anonymous or not) and invocations, at `at(w, i)`. */
async function write(appId: string, writers: pg.Client[], rounds: number, at: (w: number, i: number) => Date): Promise<void> {
  await Promise.all(
    writers.map(async (client, w) => {
      for (let i = 0; i < rounds; i++) {
        const rollback = i % 9 === 8;
        if (rollback) await client.query('begin');
        await client.query('insert into view_events (app_id, viewer_id, viewed_at) values ($1, $2, $3)', [
          appId,
          i % 3 === 0 ? null : viewerOf(w * 5 + i),
          at(w, i),
        ]);
        await client.query(
          `insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code, memory_peak_bytes)
           values ($1, 'GET', '/', $2, $3, $4, $5)`,
          [appId, at(w, i), i, i % 7 === 0 ? 503 : 200, (w * 31 + i * 17) % 1000],
        );
        if (rollback) await client.query('rollback');
      }
    }),
  );
}

describe('the one-row fast path', () => {
  it('counts 16 writers of one bucket exactly, in their slot rows alone', async () => {
    const appId = await newApp();
    const writers = await Promise.all(Array.from({ length: 16 }, connect));
    await write(appId, writers, 40, (w, i) => new Date(BUCKET + ((w * 40 + i) % 890) * 1000));
    await expectConsistent(appId);
    expect((await getViewStats(database.current.db, appId, NOW)).totalViews).toBe(16 * (40 - 4));
    // Nothing left the slots' current bucket: no bucket or day rows were written.
    const { rows } = await sql<{ n: number }>`
      select (select count(*) from stats_view_buckets where app_id = ${appId})
           + (select count(*) from stats_view_days where app_id = ${appId})
           + (select count(*) from stats_invocation_buckets where app_id = ${appId}) as n`.execute(database.current.db);
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it('stays exact across buckets, with deletes, updates and rebuilds of the app meanwhile', async () => {
    const db = database.current.db;
    const appId = await newApp();
    const writers = await Promise.all(Array.from({ length: 16 }, connect));
    const remover = await connect();
    let writing = true;
    const removing = (async () => {
      for (let n = 0; writing; n++) {
        if (n % 5 === 4) await rebuildRollups(db, appId);
        await remover.query(
          'delete from view_events where ctid = any(array(select ctid from view_events where app_id = $1 order by random() limit 2))',
          [appId],
        );
        await remover.query(
          `update route_invocations set memory_peak_bytes = null
           where ctid = any(array(select ctid from route_invocations where app_id = $1 order by memory_peak_bytes desc nulls last limit 1))`,
          [appId],
        );
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    // Mostly the current bucket; every writer moves on to later buckets, with a late event now and then.
    await write(appId, writers, 48, (w, i) => new Date(BUCKET + Math.floor(i / 12) * 900_000 + (i % 5 === 4 ? -3_600_000 : 0) + w * 1000));
    writing = false;
    await removing;
    await expectConsistent(appId);
  });

  it('lets a rebuild through while a writer holds its slot row of one table and asks for the other', async () => {
    const db = database.current.db;
    const appId = await newApp();
    const writer = await connect();
    await writer.query("set lock_timeout = '5s'");
    await writer.query('begin');
    await writer.query(
      `insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code) values ($1, 'GET', '/', $2, 1, 200)`,
      [appId, NOW],
    );
    const rebuilding = rebuildRollups(db, appId);
    await untilSomeoneWaits();
    // Without giving way, the rebuild (holding every view slot row) and this writer would deadlock.
    await writer.query('insert into view_events (app_id, viewed_at) values ($1, $2)', [appId, NOW]);
    await writer.query('commit');
    expect(await rebuilding).toEqual({ apps: 1 });
    expect((await getViewStats(db, appId, NOW)).totalViews).toBe(1);
    await expectConsistent(appId);
  });
});

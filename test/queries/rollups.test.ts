import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRollups, rebuildRollups } from '../../server/queries/stats/maintain';
import * as raw from '../oracle/stats-raw';
import { getApiSummary, getViewStats } from '../../server/queries/stats/read';
import { cli } from '../helpers/cli';
import { useTestDatabase } from '../helpers/database';
import { makeApp, makeUser } from '../helpers/fixtures';

const database = useTestDatabase();
const NOW = new Date('2025-06-10T12:00:00.000Z');
const clients: pg.Client[] = [];

async function connect(): Promise<pg.Client & { slot: number }> {
  const client = new pg.Client({ connectionString: database.current.url });
  await client.connect();
  clients.push(client);
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  return Object.assign(client, { slot: (rows[0]?.pid ?? 0) % 16 });
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

/** Waits until some other backend is blocked on a lock (no timing involved: it polls the catalog). */
async function untilSomeoneWaits(kind: 'transactionid' | 'advisory' | 'tuple'): Promise<void> {
  for (;;) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_locks where not granted and locktype = ${kind}`.execute(
      database.current.db,
    );
    if ((rows[0]?.n ?? 0) > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const invocation = (appId: string, at: string, memory: number | null) =>
  sql`insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code, memory_peak_bytes)
      values (${appId}, 'GET', '/', ${at}, 10, 200, ${memory})`;

describe('rollups', () => {
  it('count 16 concurrent single-row writers on one app exactly, spread over counter slots', async () => {
    const appId = await newApp();
    const writers = await Promise.all(Array.from({ length: 16 }, connect));
    await Promise.all(
      writers.map(async (client, w) => {
        for (let i = 0; i < 30; i++) {
          const rollback = i % 4 === 3;
          if (rollback) await client.query('begin');
          await client.query('insert into view_events (app_id, viewer_id, viewed_at) values ($1, $2, $3)', [
            appId,
            i % 3 === 0 ? null : `0000000b-0000-4000-8000-${String(w * 100 + (i % 5)).padStart(12, '0')}`,
            new Date(NOW.getTime() - i * 3_600_000),
          ]);
          await client.query(
            `insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code, memory_peak_bytes, error)
             values ($1, 'GET', '/w', $2, $3, $4, $5, null)`,
            [appId, new Date(NOW.getTime() - i * 3_600_000), i, i % 7 === 0 ? 500 : 200, w * 1000 + i],
          );
          if (rollback) await client.query('rollback');
        }
      }),
    );
    await expectConsistent(appId);
    const views = await getViewStats(database.current.db, appId, NOW);
    expect(views.totalViews).toBe(16 * (30 - 7));
    const { rows } = await sql<{
      slots: number;
    }>`select count(distinct slot)::int as slots from stats_view_slots where app_id = ${appId}`.execute(database.current.db);
    expect(rows[0]?.slots).toBeGreaterThan(1);
  });

  it('lets a writer commit while another writer of the same app holds its transaction open', async () => {
    const appId = await newApp();
    const first = await connect();
    let second = await connect();
    while (second.slot === first.slot) second = await connect();
    await first.query('begin');
    await first.query('insert into view_events (app_id, viewed_at) values ($1, $2)', [appId, NOW]);
    // A hot counter row would make this wait for `first`; lock_timeout turns waiting into an error.
    await second.query("set lock_timeout = '2s'");
    await second.query('insert into view_events (app_id, viewed_at) values ($1, $2)', [appId, NOW]);
    expect((await getViewStats(database.current.db, appId, NOW)).totalViews).toBe(1);
    await first.query('commit');
    expect((await getViewStats(database.current.db, appId, NOW)).totalViews).toBe(2);
    await expectConsistent(appId);
  });

  it('recomputes a bucket from raw rows when its peak memory is deleted or updated away', async () => {
    const db = database.current.db;
    const appId = await newApp();
    for (const [at, memory] of [
      ['2025-06-09T08:01:00Z', 100],
      ['2025-06-09T08:02:00Z', 300],
      ['2025-06-09T08:14:59.999Z', 200],
      ['2025-06-09T08:15:00Z', 250],
    ] as const) {
      await invocation(appId, at, memory).execute(db);
    }
    const peak = async () => (await getApiSummary(db, appId, NOW)).peakMemoryBytes;
    expect(await peak()).toBe(300);
    await sql`delete from route_invocations where app_id = ${appId} and memory_peak_bytes = 300`.execute(db);
    expect(await peak()).toBe(250);
    await sql`delete from route_invocations where app_id = ${appId} and memory_peak_bytes = 250`.execute(db);
    expect(await peak()).toBe(200);
    await sql`update route_invocations set memory_peak_bytes = null where app_id = ${appId} and memory_peak_bytes = 200`.execute(db);
    expect(await peak()).toBe(100);
    await expectConsistent(appId);
    await sql`delete from route_invocations where app_id = ${appId}`.execute(db);
    expect(await peak()).toBe(0);
    await expectConsistent(appId);
  });

  it('keeps the peak exact when a writer inserts into a bucket whose maximum is being deleted', async () => {
    const db = database.current.db;
    const appId = await newApp();
    const deleter = await connect();
    const writer = await connect();
    // Written by `writer` itself, so its own counter row of the bucket exists and the delete locks it.
    for (const memory of [100, 300]) {
      await writer.query(
        `insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code, memory_peak_bytes)
        values ($1, 'GET', '/', '2025-06-09T08:01:00Z', 10, 200, $2)`,
        [appId, memory],
      );
    }
    await deleter.query('begin');
    await deleter.query('delete from route_invocations where app_id = $1 and memory_peak_bytes = 300', [appId]);
    const inserting = writer.query(
      `insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code, memory_peak_bytes)
       values ($1, 'GET', '/', '2025-06-09T08:03:00Z', 10, 200, 280)`,
      [appId],
    );
    await Promise.race([untilSomeoneWaits('transactionid'), inserting]);
    await deleter.query('commit');
    await inserting;
    expect((await getApiSummary(db, appId, NOW)).peakMemoryBytes).toBe(280);
    await expectConsistent(appId);
  });

  it('takes the last view again from the index when the newest view is deleted', async () => {
    const db = database.current.db;
    const appId = await newApp();
    await sql`insert into view_events (app_id, viewed_at) values (${appId}, '2025-06-01T00:00:00Z'), (${appId}, '2025-06-09T23:59:59.999Z')`.execute(
      db,
    );
    expect((await getViewStats(db, appId, NOW)).lastViewedAt).toBe('2025-06-09T23:59:59.999Z');
    await sql`delete from view_events where app_id = ${appId} and viewed_at > '2025-06-05'`.execute(db);
    expect((await getViewStats(db, appId, NOW)).lastViewedAt).toBe('2025-06-01T00:00:00.000Z');
    await expectConsistent(appId);
  });

  it('empties the rollups on TRUNCATE, and keeps them when the TRUNCATE rolls back', async () => {
    const db = database.current.db;
    const appId = await newApp();
    await sql`insert into view_events (app_id, viewer_id) values (${appId}, gen_random_uuid())`.execute(db);
    await invocation(appId, '2025-06-09T08:01:00Z', 5).execute(db);
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`truncate view_events, route_invocations`.execute(trx);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await getViewStats(db, appId, NOW)).uniqueViewers).toBe(1);
    await sql`truncate view_events, route_invocations`.execute(db);
    const { rows } = await sql<{ n: number }>`
      select (select count(*) from stats_view_buckets) + (select count(*) from stats_viewers) + (select count(*) from stats_view_slots)
           + (select count(*) from stats_invocation_days) + (select count(*) from stats_invocation_slots) as n`.execute(db);
    expect(Number(rows[0]?.n)).toBe(0);
    await expectConsistent(appId);
  });
});

describe('rebuild and check', () => {
  it('finds a corrupted figure, and a rebuild of that app repairs it', async () => {
    const db = database.current.db;
    const appId = await newApp();
    // Two rows per statement, so they go to bucket and day rows rather than a slot's current bucket.
    await sql`insert into view_events (app_id, viewed_at) values (${appId}, '2025-06-09T10:00:00Z'), (${appId}, '2025-06-09T10:01:00Z')`.execute(
      db,
    );
    await sql`insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code, memory_peak_bytes)
              select ${appId}, 'GET', '/', '2025-06-09T08:01:00Z', 10, 200, 5 from generate_series(1, 2)`.execute(db);
    await sql`update stats_view_days set views = views + 5 where app_id = ${appId}`.execute(db);
    await sql`update stats_invocation_buckets set peak_memory = 99 where app_id = ${appId}`.execute(db);
    const differences = await checkRollups(db, appId);
    expect(differences.map((d) => d.figure).sort()).toEqual(['invocations by bucket', 'views by day']);
    expect(differences.find((d) => d.figure === 'views by day')).toMatchObject({ key: '2025-06-09', rollup: 7, raw: 2 });
    expect(await rebuildRollups(db, appId)).toEqual({ apps: 1 });
    await expectConsistent(appId);
  });

  it('makes writers of the app being rebuilt wait, so nothing they write is lost', async () => {
    const db = database.current.db;
    const appId = await newApp();
    const writer = await connect();
    await writer.query('begin');
    await writer.query('insert into view_events (app_id, viewed_at) values ($1, $2)', [appId, NOW]);
    const rebuilding = rebuildRollups(db, appId);
    await untilSomeoneWaits('advisory');
    await writer.query('insert into view_events (app_id, viewed_at) values ($1, $2)', [appId, NOW]);
    await writer.query('commit');
    await rebuilding;
    expect((await getViewStats(db, appId, NOW)).totalViews).toBe(2);
    await expectConsistent(appId);
  });

  it('runs from the CLI as stats:rebuild and stats:check, one JSON document each', async () => {
    const db = database.current.db;
    const owner = await makeUser(db);
    const app = await makeApp(db, owner);
    await sql`insert into view_events (app_id) values (${app.id})`.execute(db);
    await sql`update stats_view_slots set views = views + 1 where app_id = ${app.id}`.execute(db);
    const check = await cli(database.current.url, 'stats:check', '--app', app.naturalId);
    expect(check.json).toMatchObject({ apps: 1, consistent: false, differences: [{ appId: app.id, figure: 'view totals' }] });
    const one = await cli(database.current.url, 'stats:rebuild', '--app', app.naturalId);
    expect(one.code).toBe(0);
    expect(one.json).toEqual({ apps: 1, consistent: true, differences: [] });
    const all = await cli(database.current.url, 'stats:rebuild');
    expect(all.json).toMatchObject({ consistent: true, differences: [] });
    expect((all.json as { apps: number }).apps).toBeGreaterThanOrEqual(1);
    const unknown = await cli(database.current.url, 'stats:rebuild', '--app', 'no-such-app');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr.trim()).toBe('Unknown app: no-such-app');
  });
});

import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyRetention, ensurePartitions, rawRowsSince } from '../../server/queries/stats/retention';
import { checkRollups } from '../../server/queries/stats/maintain';
import { cli } from '../helpers/cli';
import { useTestDatabase } from '../helpers/database';
import { type TestApp, type TestUser, callerFor, makeApp, makeUser } from '../helpers/fixtures';

// Retention by monthly partition (issue 18): whole months of raw rows go, and
// every figure the rollups serve stays exactly what it was. The data spans the
// five UTC months up to this one, so the CLI's own clock (now) decides.

const database = useTestDatabase();
const DAY = 86_400_000;
const now = new Date();
const monthStart = (back: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
const isoDay = (at: Date) => at.toISOString().slice(0, 10);
// before = now - keepDays falls on the first day of the month two back: the two months before it go.
const KEEP_DAYS = Math.floor((now.getTime() - monthStart(2).getTime()) / DAY);

let owner: TestUser;
let app: TestApp;

/** Rows in every month from four back to now: views every 97 minutes, invocations every 61 (one in 7 failing). */
async function fill(appId: string): Promise<void> {
  const db = database.current.db;
  const from = monthStart(4);
  await sql`
    insert into view_events (app_id, viewer_id, viewed_at)
    select ${appId}::uuid, case when g % 3 = 0 then ${owner.id}::uuid end, ${from}::timestamptz + g * interval '97 minutes'
    from generate_series(0, 2000) g where ${from}::timestamptz + g * interval '97 minutes' <= now()`.execute(db);
  await sql`
    insert into route_invocations (app_id, method, path, user_id, started_at, duration_ms, status_code, memory_peak_bytes, error)
    select ${appId}::uuid, case when g % 2 = 0 then 'GET' else 'POST' end, '/items/' || (g % 40), null,
           ${from}::timestamptz + g * interval '61 minutes', 5 + g % 300, case when g % 7 = 0 then 500 else 200 end,
           1000 + g, case when g % 14 = 0 then 'boom ' || g end
    from generate_series(0, 3500) g where ${from}::timestamptz + g * interval '61 minutes' <= now()`.execute(db);
}

/** Every figure the rollups serve, as the procedures answer them. */
async function figures() {
  const caller = await callerFor(database.current.db, owner, () => now);
  const range = { appId: app.id, from: isoDay(monthStart(4)), to: isoDay(now) };
  return {
    overview: await caller.stats.overview({ appId: app.id }),
    api: await caller.stats.api({ appId: app.id }),
    byDay: await caller.insights.range({ ...range, interval: 'day' }),
    kathmandu: await caller.insights.range({ ...range, tz: 'Asia/Kathmandu', interval: 'day' }),
    routes: await caller.activity.routes({ ...range, limit: 100 }),
  };
}

async function rowCounts(): Promise<{ views: number; invocations: number }> {
  const { rows } = await sql<{ views: string; invocations: string }>`
    select (select count(*) from view_events) as views, (select count(*) from route_invocations) as invocations`.execute(
    database.current.db,
  );
  return { views: Number(rows[0]?.views), invocations: Number(rows[0]?.invocations) };
}

async function partitionsOf(table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_catalog.pg_inherits i join pg_catalog.pg_class c on c.oid = i.inhrelid
    where i.inhparent = ${table}::regclass order by 1`.execute(database.current.db);
  return rows.map((row) => row.name);
}

beforeAll(async () => {
  owner = await makeUser(database.current.db);
  app = await makeApp(database.current.db, owner);
  await fill(app.id);
  // The past months went to the default partition: the service moves them into their own.
  await ensurePartitions(database.current.db);
});

describe('retention by monthly partition', () => {
  it('keeps every month in its own partition once ensured, the default empty', async () => {
    const partitions = await partitionsOf('view_events');
    for (let back = 4; back >= -3; back--) {
      const at = monthStart(back);
      const name = `view_events_y${at.getUTCFullYear()}m${String(at.getUTCMonth() + 1).padStart(2, '0')}`;
      expect(partitions).toContain(name);
    }
    const { rows } = await sql<{ n: string }>`select count(*) as n from view_events_default`.execute(database.current.db);
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it('lists in a dry run exactly what it would drop, and drops nothing', async () => {
    const before = await rowCounts();
    const plan = await applyRetention(database.current.db, { keepDays: KEEP_DAYS, dryRun: true });
    expect(plan.partitions.map((p) => p.partition).sort()).toEqual(
      [4, 3]
        .flatMap((back) => {
          const at = monthStart(back);
          const suffix = `_y${at.getUTCFullYear()}m${String(at.getUTCMonth() + 1).padStart(2, '0')}`;
          return [`route_invocations${suffix}`, `view_events${suffix}`];
        })
        .sort(),
    );
    const { rows } = await sql<{ n: string }>`
      select (select count(*) from view_events where viewed_at < ${monthStart(2)})
           + (select count(*) from route_invocations where started_at < ${monthStart(2)}) as n`.execute(database.current.db);
    expect(plan.rows).toBe(Number(rows[0]?.n));
    expect(plan.bytes).toBeGreaterThan(0);
    expect(await rowCounts()).toEqual(before);
    expect(await rawRowsSince(database.current.db)).toEqual({ viewEvents: null, routeInvocations: null });
    const caller = await callerFor(database.current.db, owner, () => now);
    expect(await caller.activity.rawSince({ appId: app.id })).toEqual({ invocationsSince: null });
  });

  it('drops the old months through the CLI, and every rollup figure stays the same', { timeout: 120_000 }, async () => {
    const db = database.current.db;
    expect(await checkRollups(db, app.id)).toEqual([]);
    const kept = await figures();
    const counts = await rowCounts();
    const result = await cli(database.current.url, 'retention:apply', '--keep-days', String(KEEP_DAYS));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = result.json as { dryRun: boolean; partitions: Array<{ partition: string; rows: number }>; rows: number; bytes: number };
    expect(json.dryRun).toBe(false);
    expect(json.partitions).toHaveLength(4);
    expect(json.bytes).toBeGreaterThan(0);
    const after = await rowCounts();
    expect(counts.views + counts.invocations - (after.views + after.invocations)).toBe(json.rows);
    const { rows } = await sql<{ n: string }>`
      select (select count(*) from view_events where viewed_at < ${monthStart(2)})
           + (select count(*) from route_invocations where started_at < ${monthStart(2)}) as n`.execute(db);
    expect(Number(rows[0]?.n)).toBe(0);
    for (const dropped of json.partitions)
      expect(await partitionsOf(dropped.partition.replace(/_y.*$/, ''))).not.toContain(dropped.partition);
    expect(await figures()).toEqual(kept);
    expect(await rawRowsSince(db)).toEqual({ viewEvents: monthStart(2), routeInvocations: monthStart(2) });
    // The log, the error groups and their samples say from when they have raw rows.
    const caller = await callerFor(db, owner, () => now);
    expect(await caller.activity.rawSince({ appId: app.id })).toEqual({ invocationsSince: monthStart(2).toISOString() });
    const again = await cli(database.current.url, 'retention:apply', '--keep-days', String(KEEP_DAYS), '--dry-run');
    expect(again.json).toMatchObject({ dryRun: true, partitions: [], rows: 0, bytes: 0 });
  });

  it('refuses to rebuild or check rollups from raw rows once some are gone', { timeout: 60_000 }, async () => {
    for (const command of ['stats:rebuild', 'stats:check']) {
      const result = await cli(database.current.url, command, '--app', app.id);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/^Retention dropped the raw rows before .*cannot be rebuilt or checked/);
    }
  });

  it('rejects a bad keep-days with a one-line message naming the flag', { timeout: 60_000 }, async () => {
    for (const bad of ['0', '-3', '1.5']) {
      const result = await cli(database.current.url, 'retention:apply', '--keep-days', bad);
      expect(result.code).not.toBe(0);
      expect(result.stderr.trim()).toMatch(/^Invalid --keep-days: /);
    }
    const missing = await cli(database.current.url, 'retention:apply', '--dry-run');
    expect(missing.stderr.trim()).toBe('Missing flag: --keep-days');
  });
});

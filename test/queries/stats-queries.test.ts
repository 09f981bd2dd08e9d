import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import * as exported from '../../server/queries/stats/read';
import * as raw from '../oracle/stats-raw';
import { useTestDatabase } from '../helpers/database';
import { makeApp, makeUser } from '../helpers/fixtures';

const database = useTestDatabase();

// Pinned clock: half an hour after UTC midnight, so "today" has just begun and
// the boundaries of the 7- and 30-day windows sit at known instants.
const NOW = new Date('2024-03-10T00:30:00.000Z');
const at = (iso: string) => new Date(iso);

async function newAppId(workspace = false) {
  const db = database.current.db;
  const owner = await makeUser(db);
  return makeApp(db, owner, { workspace });
}

type Invocation = { at: string; duration: number; status: number; memory?: number | null; error?: string | null; userId?: string | null };

async function insertInvocations(appId: string, rows: Invocation[]) {
  await database.current.db
    .insertInto('route_invocations')
    .values(
      rows.map((r) => ({
        app_id: appId,
        method: 'GET',
        path: '/x',
        user_id: r.userId ?? null,
        started_at: at(r.at),
        duration_ms: r.duration,
        status_code: r.status,
        memory_peak_bytes: r.memory ?? null,
        error: r.error ?? null,
      })),
    )
    .execute();
}

// The same cases for the raw-SQL reference and for what server/queries/stats/read.ts exports (the rollups).
describe.each([
  ['stats-raw', raw],
  ['stats (exported)', exported],
] as const)('%s', (_, { getApiSummary, getDailyInvocations, getViewStats }) => {
  describe('getViewStats', () => {
    it('counts all time, distinct viewers, 7 and 30 UTC days with exact day boundaries', async () => {
      const db = database.current.db;
      const app = await newAppId();
      const [a, b] = [randomUUID(), randomUUID()];
      const views: Array<[string, string | null]> = [
        ['2024-03-10T00:29:59.999Z', a], // today
        ['2024-03-10T00:00:00.000Z', null], // today, first instant
        ['2024-03-09T23:59:59.999Z', a], // yesterday, last instant
        ['2024-03-04T00:00:00.000Z', b], // oldest day of the 7
        ['2024-03-03T23:59:59.999Z', b], // just outside the 7, inside the 30
        ['2024-02-10T00:00:00.000Z', null], // oldest day of the 30
        ['2024-02-09T23:59:59.999Z', randomUUID()], // just outside the 30
        ['2023-01-01T12:00:00.000Z', null],
      ];
      await db
        .insertInto('view_events')
        .values(views.map(([viewedAt, viewer]) => ({ app_id: app.id, viewer_id: viewer, viewed_at: at(viewedAt) })))
        .execute();
      // Another app's views change nothing.
      const other = await newAppId();
      await db.insertInto('view_events').values({ app_id: other.id, viewer_id: a, viewed_at: NOW }).execute();

      const stats = await getViewStats(db, app.id, NOW);
      expect(stats).toEqual({
        totalViews: 8,
        uniqueViewers: 3,
        views7d: 4,
        views30d: 6,
        lastViewedAt: '2024-03-10T00:29:59.999Z',
        viewsByDay: [
          { day: '2024-03-10', count: 2 },
          { day: '2024-03-09', count: 1 },
          { day: '2024-03-08', count: 0 },
          { day: '2024-03-07', count: 0 },
          { day: '2024-03-06', count: 0 },
          { day: '2024-03-05', count: 0 },
          { day: '2024-03-04', count: 1 },
        ],
      });
      expect(stats.viewsByDay.reduce((sum, d) => sum + d.count, 0)).toBe(stats.views7d);

      // One millisecond before midnight, the window is a day earlier.
      const before = await getViewStats(db, app.id, at('2024-03-09T23:59:59.999Z'));
      expect(before.viewsByDay[0]).toEqual({ day: '2024-03-09', count: 1 });
      expect(before.viewsByDay[6]).toEqual({ day: '2024-03-03', count: 1 });
      expect(before.views7d).toBe(3); // 03-03 … 03-09; the 03-10 rows are tomorrow for this clock
      expect(before.views30d).toBe(5); // 02-09 … 03-09
    });

    it('is all zeros and null for an app without views', async () => {
      const app = await newAppId();
      const stats = await getViewStats(database.current.db, app.id, NOW);
      expect(stats).toMatchObject({ totalViews: 0, uniqueViewers: 0, views7d: 0, views30d: 0, lastViewedAt: null });
      expect(stats.viewsByDay.map((d) => d.count)).toEqual([0, 0, 0, 0, 0, 0, 0]);
      expect(stats.viewsByDay[0]?.day).toBe('2024-03-10');
    });
  });

  describe('getApiSummary and getDailyInvocations', () => {
    it('computes every figure over the right window, failures as error or 5xx, peak memory over 30 days', async () => {
      const db = database.current.db;
      const app = await newAppId();
      await insertInvocations(app.id, [
        { at: '2024-03-10T00:10:00.000Z', duration: 10, status: 200, memory: 100 },
        { at: '2024-03-09T23:59:59.999Z', duration: 20, status: 500 }, // failed by status
        { at: '2024-03-04T00:00:00.000Z', duration: 30, status: 200, memory: 5_000_000_000, error: 'boom' }, // failed by error
        { at: '2024-03-03T23:59:59.999Z', duration: 41, status: 499, memory: 300 }, // not failed
        { at: '2024-02-10T00:00:00.000Z', duration: 0, status: 503, error: 'down' }, // failed once, not twice
        { at: '2024-02-09T23:59:59.999Z', duration: 1_000_000, status: 500, memory: 9_000_000_000, error: 'old' }, // outside the 30
      ]);
      expect(await getApiSummary(db, app.id, NOW)).toEqual({
        totalInvocations: 6,
        invocations7d: 3,
        invocations30d: 5,
        avgDurationMs: 20, // 101 / 5 = 20.2
        errorCount30d: 3,
        errorRate30d: 60,
        peakMemoryBytes: 5_000_000_000,
        totalComputeMs: 101,
      });

      const daily = await getDailyInvocations(db, app.id, NOW);
      expect(daily).toHaveLength(30);
      expect(daily[0]).toEqual({ day: '2024-03-10', count: 1, avgDurationMs: 10, errorCount: 0 });
      expect(daily[1]).toEqual({ day: '2024-03-09', count: 1, avgDurationMs: 20, errorCount: 1 });
      expect(daily[6]).toEqual({ day: '2024-03-04', count: 1, avgDurationMs: 30, errorCount: 1 });
      expect(daily[7]).toEqual({ day: '2024-03-03', count: 1, avgDurationMs: 41, errorCount: 0 });
      expect(daily[29]).toEqual({ day: '2024-02-10', count: 1, avgDurationMs: 0, errorCount: 1 });
      expect(daily.filter((d) => d.count === 0)).toHaveLength(25);
      expect(daily.map((d) => d.day)).toEqual([...daily.map((d) => d.day)].sort().reverse());
    });

    it('rounds as the contract says: the seed figures 190740 / 780 → 245 and 12 / 780 → 1.54 %', async () => {
      const db = database.current.db;
      const app = await newAppId();
      // 420 × 245 + 360 × 244 = 190740 ms over 780 invocations yesterday, 12 of them failed.
      await sql`
        insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code, error)
        select ${app.id}, 'GET', '/r', ${at('2024-03-09T12:00:00.000Z')}::timestamptz + (i || ' seconds')::interval,
               case when i <= 420 then 245 else 244 end,
               case when i <= 6 then 500 else 200 end,
               case when i between 7 and 12 then 'boom' end
        from generate_series(1, 780) i`.execute(db);
      const summary = await getApiSummary(db, app.id, NOW);
      expect(summary).toMatchObject({
        invocations30d: 780,
        totalComputeMs: 190740,
        avgDurationMs: 245,
        errorCount30d: 12,
        errorRate30d: 1.54,
      });
      const daily = await getDailyInvocations(db, app.id, NOW);
      expect(daily[1]).toEqual({ day: '2024-03-09', count: 780, avgDurationMs: 245, errorCount: 12 });
    });

    it('rounds halves up and rates to two decimals', async () => {
      const db = database.current.db;
      const app = await newAppId();
      await insertInvocations(app.id, [
        { at: '2024-03-10T00:01:00.000Z', duration: 100, status: 500 },
        { at: '2024-03-10T00:02:00.000Z', duration: 101, status: 200, error: 'e' },
        { at: '2024-03-10T00:03:00.000Z', duration: 100, status: 200 },
        { at: '2024-03-10T00:04:00.000Z', duration: 101, status: 200 },
      ]);
      // 402 / 4 = 100.5 → 101; 2 / 4 = 50 %.
      expect(await getApiSummary(db, app.id, NOW)).toMatchObject({ avgDurationMs: 101, errorRate30d: 50 });
      await insertInvocations(app.id, [
        { at: '2024-03-10T00:05:00.000Z', duration: 0, status: 200 },
        { at: '2024-03-10T00:06:00.000Z', duration: 0, status: 200 },
      ]);
      // 402 / 6 = 67; 2 / 6 = 33.333… % → 33.33.
      expect(await getApiSummary(db, app.id, NOW)).toMatchObject({ avgDurationMs: 67, errorRate30d: 33.33 });
      await insertInvocations(app.id, [{ at: '2024-03-10T00:07:00.000Z', duration: 0, status: 502 }]);
      // 3 / 7 = 42.857… % → 42.86.
      expect(await getApiSummary(db, app.id, NOW)).toMatchObject({ errorCount30d: 3, errorRate30d: 42.86 });
    });

    it('is all zeros for an app without invocations, with 30 empty days', async () => {
      const app = await newAppId();
      expect(await getApiSummary(database.current.db, app.id, NOW)).toEqual({
        totalInvocations: 0,
        invocations7d: 0,
        invocations30d: 0,
        avgDurationMs: 0,
        errorCount30d: 0,
        errorRate30d: 0,
        peakMemoryBytes: 0,
        totalComputeMs: 0,
      });
      const daily = await getDailyInvocations(database.current.db, app.id, NOW);
      expect(daily).toHaveLength(30);
      expect(daily.every((d) => d.count === 0 && d.avgDurationMs === 0 && d.errorCount === 0)).toBe(true);
      expect([daily[0]?.day, daily[29]?.day]).toEqual(['2024-03-10', '2024-02-10']);
    });
  });
});

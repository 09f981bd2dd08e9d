import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database';
import { callerFor, makeApp, makeUser } from '../helpers/fixtures';

const database = useTestDatabase();
const NOW = new Date('2024-03-10T00:30:00.000Z');
const pinned = () => NOW;

describe('stats.overview and stats.api', () => {
  it('returns every field with known data, addressed by natural id, appId always the UUID', async () => {
    const db = database.current.db;
    const owner = await makeUser(db);
    const app = await makeApp(db, owner, { workspace: true, quotaBytes: 1_000_000 });
    await db
      .insertInto('view_events')
      .values([
        { app_id: app.id, viewer_id: owner.id, viewed_at: new Date('2024-03-10T00:05:00.123Z') },
        { app_id: app.id, viewer_id: null, viewed_at: new Date('2024-03-03T10:00:00Z') },
      ])
      .execute();
    await db
      .insertInto('route_invocations')
      .values([
        {
          app_id: app.id,
          method: 'GET',
          path: '/a',
          user_id: owner.id,
          started_at: new Date('2024-03-09T08:00:00Z'),
          duration_ms: 300,
          status_code: 200,
          memory_peak_bytes: 52428800,
          error: null,
        },
        {
          app_id: app.id,
          method: 'POST',
          path: '/b',
          user_id: null,
          started_at: new Date('2024-02-20T08:00:00Z'),
          duration_ms: 101,
          status_code: 500,
          memory_peak_bytes: null,
          error: 'crash',
        },
      ])
      .execute();
    const caller = await callerFor(db, owner, pinned);
    const overview = await caller.stats.overview({ appId: app.naturalId });
    const size = await sql<{
      n: number;
    }>`select pg_total_relation_size(${`${app.workspaceSchema}._migrations`}::regclass)::float8 as n`.execute(db);
    const schemaSize = size.rows[0]?.n ?? -1;
    expect(overview).toEqual({
      appId: app.id,
      totalViews: 2,
      uniqueViewers: 1,
      views7d: 1,
      views30d: 2,
      lastViewedAt: '2024-03-10T00:05:00.123Z',
      viewsByDay: [
        { day: '2024-03-10', count: 1 },
        { day: '2024-03-09', count: 0 },
        { day: '2024-03-08', count: 0 },
        { day: '2024-03-07', count: 0 },
        { day: '2024-03-06', count: 0 },
        { day: '2024-03-05', count: 0 },
        { day: '2024-03-04', count: 0 },
      ],
      api: {
        totalInvocations: 2,
        invocations7d: 1,
        invocations30d: 2,
        avgDurationMs: 201,
        errorCount30d: 1,
        errorRate30d: 50,
        peakMemoryBytes: 52428800,
        totalComputeMs: 401,
      },
      storage: {
        hasWorkspace: true,
        schemaSize,
        tableCount: 0,
        quotaBytes: 1_000_000,
        quotaPercent: Math.round((schemaSize / 10_000) * 100) / 100,
      },
    });
    expect(Object.keys(overview)).toEqual([
      'appId',
      'totalViews',
      'uniqueViewers',
      'views7d',
      'views30d',
      'lastViewedAt',
      'viewsByDay',
      'api',
      'storage',
    ]);
  });

  it('gives an empty app all zeros, 7 and 30 empty days and no storage', async () => {
    const db = database.current.db;
    const owner = await makeUser(db);
    const app = await makeApp(db, owner);
    const caller = await callerFor(db, owner, pinned);
    const overview = await caller.stats.overview({ appId: app.id });
    expect(overview).toMatchObject({ appId: app.id, totalViews: 0, uniqueViewers: 0, views7d: 0, views30d: 0, lastViewedAt: null });
    expect(overview.viewsByDay).toHaveLength(7);
    expect(Object.values(overview.api).every((value) => value === 0)).toBe(true);
    expect(overview.storage).toEqual({ hasWorkspace: false, schemaSize: 0, tableCount: 0, quotaBytes: 1073741824, quotaPercent: 0 });
    const api = await caller.stats.api({ appId: app.id });
    expect(api.recent).toEqual([]);
    expect(api.daily).toHaveLength(30);
    expect(api.daily.every((d) => d.count === 0 && d.avgDurationMs === 0 && d.errorCount === 0)).toBe(true);
    expect(await caller.stats.tables({ appId: app.id })).toEqual([]);
  });

  it('lists the last 100 invocations newest first with usernames, null for anonymous and unknown users', async () => {
    const db = database.current.db;
    const owner = await makeUser(db);
    const app = await makeApp(db, owner);
    const other = await makeApp(db, owner);
    await sql`
      insert into route_invocations (app_id, method, path, user_id, started_at, duration_ms, status_code, memory_peak_bytes, error)
      select ${app.id}, 'GET', '/r/' || i, case when i % 3 = 0 then ${owner.id}::uuid when i % 3 = 1 then null else ${randomUUID()}::uuid end,
             ${NOW}::timestamptz - (i || ' minutes')::interval + interval '0.123456 seconds', i, 200 + i, case when i % 2 = 0 then 6000000000 + i end,
             case when i = 3 then 'boom' end
      from generate_series(1, 130) i`.execute(db);
    await db
      .insertInto('route_invocations')
      .values({ app_id: other.id, method: 'PUT', path: '/other', started_at: NOW, duration_ms: 1, status_code: 200 })
      .execute();
    const caller = await callerFor(db, owner, pinned);
    const { recent, daily } = await caller.stats.api({ appId: app.naturalId });
    expect(recent).toHaveLength(100);
    expect(recent.map((r) => r.path)).toEqual(Array.from({ length: 100 }, (_, i) => `/r/${i + 1}`));
    expect(recent[0]).toEqual({
      method: 'GET',
      path: '/r/1',
      username: null,
      startedAt: '2024-03-10T00:29:00.123Z',
      durationMs: 1,
      statusCode: 201,
      memoryPeakBytes: null,
      error: null,
    });
    expect(recent[1]).toMatchObject({ username: null, memoryPeakBytes: 6000000002 }); // a user id that is no user
    expect(recent[2]).toMatchObject({ username: owner.username, error: 'boom', memoryPeakBytes: null });
    // i = 1…30 fall today (00:29…00:00): mean 15.5 → 16, one error; the other 100 yesterday.
    expect(daily[0]).toEqual({ day: '2024-03-10', count: 30, avgDurationMs: 16, errorCount: 1 });
    expect(daily[1]).toEqual({ day: '2024-03-09', count: 100, avgDurationMs: 81, errorCount: 0 });
  });
});

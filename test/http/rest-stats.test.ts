import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import { describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/fixtures';
import { restHttp, useRestFixture } from '../helpers/rest-fixture';

// The four documented paths over real HTTP, against the server `npm test`
// started (TEST_HTTP_URL) and its database (TEST_HTTP_DATABASE_URL). The clock
// is the real one: rows are placed relative to today's UTC midnight. Errors: rest-errors.test.ts; the preview: rest-preview.test.ts.

const FILE = 'test/http/rest-stats.test.ts';
const DAY = 24 * 3600 * 1000;
// Bound to this file's fixture: `owner`, `app`… are read inside tests, after beforeAll.
const f = useRestFixture(FILE);
const http = (path: string, init: RequestInit & { token?: string | null } = {}) => restHttp(f, path, init);

const todayStart = () => {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
};
const dayString = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('GET /api/apps/{id}/stats', () => {
  it('answers every field with known data, by UUID and natural id alike', async () => {
    const db = f.database.db;
    const today = todayStart();
    await db
      .insertInto('view_events')
      .values([
        { app_id: f.app.id, viewer_id: f.owner.id, viewed_at: new Date(today) },
        { app_id: f.app.id, viewer_id: f.viewer.id, viewed_at: new Date(today - 1) },
        { app_id: f.app.id, viewer_id: f.owner.id, viewed_at: new Date(today - 6 * DAY) },
        { app_id: f.app.id, viewer_id: null, viewed_at: new Date(today - 6 * DAY - 1) },
        { app_id: f.app.id, viewer_id: null, viewed_at: new Date(today - 29 * DAY) },
        { app_id: f.app.id, viewer_id: null, viewed_at: new Date(today - 29 * DAY - 1) },
      ])
      .execute();
    const invocation = (at: number, duration: number, status: number, extra: { error?: string; memory?: number } = {}) => ({
      app_id: f.app.id,
      method: 'GET',
      path: '/p',
      user_id: null,
      started_at: new Date(at),
      duration_ms: duration,
      status_code: status,
      memory_peak_bytes: extra.memory ?? null,
      error: extra.error ?? null,
    });
    await db
      .insertInto('route_invocations')
      .values([
        invocation(today, 100, 200, { memory: 1000 }),
        invocation(today - 6 * DAY, 101, 500),
        invocation(today - 6 * DAY - 1, 0, 200, { error: 'x', memory: 7_000_000_000 }),
        invocation(today - 29 * DAY, 1, 404),
        invocation(today - 30 * DAY, 999, 500, { memory: 9_000_000_000 }),
      ])
      .execute();
    await sql`create table ${sql.id(f.schema, 'things')} (id int primary key)`.execute(db);

    const byUuid = await http(`/api/apps/${f.app.id}/stats`);
    expect(byUuid.status).toBe(200);
    expect(byUuid.headers.get('content-type')).toBe('application/json');
    expect(byUuid.headers.get('cache-control')).toBe('no-store');
    const size = await sql<{
      n: number;
    }>`select sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass))::float8 as n from pg_tables where schemaname = ${f.schema}`.execute(
      db,
    );
    const schemaSize = size.rows[0]?.n ?? -1;
    expect(byUuid.json).toEqual({
      appId: f.app.id,
      totalViews: 6,
      uniqueViewers: 2,
      views7d: 3,
      views30d: 5,
      lastViewedAt: new Date(today).toISOString(),
      viewsByDay: Array.from({ length: 7 }, (_, i) => ({ day: dayString(today - i * DAY), count: i === 0 || i === 1 || i === 6 ? 1 : 0 })),
      api: {
        totalInvocations: 5,
        invocations7d: 2,
        invocations30d: 4,
        avgDurationMs: 51, // 202 / 4 = 50.5
        errorCount30d: 2,
        errorRate30d: 50,
        peakMemoryBytes: 7_000_000_000,
        totalComputeMs: 202,
      },
      storage: { hasWorkspace: true, schemaSize, tableCount: 1, quotaBytes: 5_000_000, quotaPercent: Math.round(schemaSize / 500) / 100 },
    });
    expect(byUuid.text).toContain('"avgDurationMs":51,');
    for (const ref of [f.app.naturalId, f.app.id.toUpperCase()]) {
      expect((await http(`/api/apps/${ref}/stats`)).json).toEqual(byUuid.json);
    }
    // A viewer can read the overview; a public app is readable by anyone signed in.
    expect((await http(`/api/apps/${f.app.id}/stats`, { token: f.viewer.token })).status).toBe(200);
  });

  it('shows rows written by COPY and INSERT … SELECT in the very next response', async () => {
    const db = f.database.db;
    const target = await makeApp(db, f.owner);
    const before = (await http(`/api/apps/${target.id}/stats`)).json as { totalViews: number; api: { totalInvocations: number } };
    expect([before.totalViews, before.api.totalInvocations]).toEqual([0, 0]);

    const client = await f.database.pool.connect();
    try {
      const now = new Date().toISOString();
      const copy = client.query(copyFrom('copy view_events (app_id, viewer_id, viewed_at) from stdin'));
      await pipeline(Readable.from([`${target.id}\t\\N\t${now}\n`, `${target.id}\t${f.owner.id}\t${now}\n`]), copy);
      const copyCalls = client.query(
        copyFrom('copy route_invocations (app_id, method, path, started_at, duration_ms, status_code) from stdin'),
      );
      await pipeline(Readable.from([`${target.id}\tGET\t/copied\t${now}\t10\t200\n`]), copyCalls);
    } finally {
      client.release();
    }
    await sql`insert into view_events (app_id) select ${target.id}::uuid from generate_series(1, 5)`.execute(db);
    await sql`insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code)
              select ${target.id}::uuid, 'POST', '/bulk', now(), 20, 503 from generate_series(1, 3)`.execute(db);

    const after = (await http(`/api/apps/${target.naturalId}/stats`)).json as Record<string, unknown> & { api: Record<string, unknown> };
    expect(after).toMatchObject({ totalViews: 7, uniqueViewers: 1, views7d: 7, views30d: 7 });
    expect(after.api).toMatchObject({
      totalInvocations: 4,
      invocations7d: 4,
      errorCount30d: 3,
      errorRate30d: 75,
      totalComputeMs: 70,
      avgDurationMs: 18,
    });
    const api = (await http(`/api/apps/${target.id}/stats/api`)).json as {
      recent: Array<{ path: string }>;
      daily: Array<{ count: number }>;
    };
    expect(api.recent.map((r) => r.path).sort()).toEqual(['/bulk', '/bulk', '/bulk', '/copied']);
    expect(api.daily[0]?.count).toBe(4);
  });
});

describe('GET /api/apps/{id}/stats/tables and /stats/api', () => {
  it('lists the workspace tables with flags only when true', async () => {
    const db = f.database.db;
    const target = await makeApp(db, f.owner, { workspace: true });
    const ws = target.workspaceSchema as string;
    await sql`create table ${sql.id(ws, 'users')} (id uuid primary key, email varchar(100) not null, created_at timestamptz)`.execute(db);
    await sql`create index on ${sql.id(ws, 'users')} (email)`.execute(db);
    await sql`insert into ${sql.id(ws, 'users')} (id, email) values (gen_random_uuid(), 'a@x'), (gen_random_uuid(), 'b@x')`.execute(db);
    await sql`create view ${sql.id(ws, 'users_view')} as select 1 as one`.execute(db);
    const size = await sql<{ n: number }>`select pg_total_relation_size(${`${ws}.users`}::regclass)::float8 as n`.execute(db);
    const answer = await http(`/api/apps/${target.naturalId}/stats/tables`);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual([
      {
        name: 'users',
        rowCount: 2,
        sizeBytes: size.rows[0]?.n,
        columns: [
          { name: 'id', type: 'uuid', nullable: false, primaryKey: true },
          { name: 'email', type: 'character varying', nullable: false, indexed: true },
          { name: 'created_at', type: 'timestamp with time zone', nullable: true },
        ],
      },
    ]);
    const bare = await makeApp(db, f.owner);
    expect((await http(`/api/apps/${bare.id}/stats/tables`)).json).toEqual([]);
  });

  it('answers the invocation history and 30 daily entries', async () => {
    const db = f.database.db;
    const target = await makeApp(db, f.owner);
    const startedAt = new Date(todayStart() + 5234);
    await db
      .insertInto('route_invocations')
      .values([
        {
          app_id: target.id,
          method: 'GET',
          path: '/api/datasets/123/search',
          user_id: f.owner.id,
          started_at: startedAt,
          duration_ms: 245,
          status_code: 200,
          memory_peak_bytes: 52428800,
          error: null,
        },
        {
          app_id: target.id,
          method: 'POST',
          path: '/anon',
          user_id: null,
          started_at: new Date(startedAt.getTime() - 2000),
          duration_ms: 10,
          status_code: 500,
          memory_peak_bytes: null,
          error: 'Boom',
        },
      ])
      .execute();
    const answer = await http(`/api/apps/${target.id}/stats/api`);
    expect(answer.status).toBe(200);
    const body = answer.json as { recent: unknown[]; daily: Array<{ day: string }> };
    expect(body.recent).toEqual([
      {
        method: 'GET',
        path: '/api/datasets/123/search',
        username: f.owner.username,
        startedAt: startedAt.toISOString(),
        durationMs: 245,
        statusCode: 200,
        memoryPeakBytes: 52428800,
        error: null,
      },
      {
        method: 'POST',
        path: '/anon',
        username: null,
        startedAt: new Date(startedAt.getTime() - 2000).toISOString(),
        durationMs: 10,
        statusCode: 500,
        memoryPeakBytes: null,
        error: 'Boom',
      },
    ]);
    expect(body.daily).toHaveLength(30);
    expect(body.daily[0]).toEqual({ day: dayString(todayStart()), count: 2, avgDurationMs: 128, errorCount: 1 });
    expect(
      body.daily.slice(1).every((d) => JSON.stringify(d) === JSON.stringify({ ...d, count: 0, avgDurationMs: 0, errorCount: 0 })),
    ).toBe(true);
    expect(body.daily[29]?.day).toBe(dayString(todayStart() - 29 * DAY));
  });
});

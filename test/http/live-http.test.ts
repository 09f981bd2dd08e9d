import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import { describe, expect, it } from 'vitest';
import { makeApp, makeUser, systemCaller } from '../helpers/fixtures';
import { expectError, readAnswer } from '../helpers/http';
import { useRestFixture } from '../helpers/rest-fixture';
import { type SseStream, openSse, statsOf } from '../helpers/sse';

// GET /api/apps/{id}/stats/live over real HTTP (CONTRACT §8 "Live"), against
// the server `npm test` started and its database: the snapshot at once, one
// event within 2 s of a commit however many rows it held, one LISTEN
// connection for 200 streams, access as for GET /stats, heartbeats, and a
// revoked token ending its stream. Run with LIVE_HEARTBEAT_MS and
// LIVE_RECHECK_MS set low for a quick run; the defaults (20 s, 5 s) work too.

const FILE = 'test/http/live-http.test.ts';
const f = useRestFixture(FILE);
const HEARTBEAT_MS = Number(process.env.LIVE_HEARTBEAT_MS ?? 20_000);
const RECHECK_MS = Number(process.env.LIVE_RECHECK_MS ?? 5_000);
const live = (app: string) => `/api/apps/${app}/stats/live`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the stream holds `count` stats events, at most `ms`. */
async function eventsAfter(stream: SseStream, count: number, ms: number): Promise<void> {
  await expect.poll(() => statsOf(stream).length, { timeout: ms, interval: 10 }).toBeGreaterThanOrEqual(count);
}

async function copyViews(appId: string, rows: number): Promise<void> {
  const client = await f.database.pool.connect();
  try {
    const line = `${appId}\t\\N\t${new Date().toISOString()}\n`;
    await pipeline(
      Readable.from([line.repeat(rows)]),
      client.query(copyFrom('copy view_events (app_id, viewer_id, viewed_at) from stdin')),
    );
  } finally {
    client.release();
  }
}

describe('GET /api/apps/{id}/stats/live', () => {
  it('sends the totals at once, then one event within 2 s of a one-row INSERT and of a COPY of 10^5 rows', async () => {
    const owner = await makeUser(f.database.db);
    const app = await makeApp(f.database.db, owner);
    const stream = await openSse(f.base, live(app.naturalId), { token: owner.token });
    try {
      expect({ status: stream.status, type: stream.contentType }).toEqual({ status: 200, type: 'text/event-stream; charset=utf-8' });
      await eventsAfter(stream, 1, 2000);
      expect(statsOf(stream)).toEqual([{ totalViews: 0, totalInvocations: 0 }]);

      await sleep(600);
      await f.database.db.insertInto('view_events').values({ app_id: app.id, viewer_id: null }).execute();
      let committed = Date.now();
      await eventsAfter(stream, 2, 2000);
      expect(stream.events[1]!.at - committed).toBeLessThan(2000);
      expect(statsOf(stream)[1]).toEqual({ totalViews: 1, totalInvocations: 0 });

      await sleep(600);
      await copyViews(app.id, 100_000);
      committed = Date.now();
      await eventsAfter(stream, 3, 2000);
      expect(stream.events[2]!.at - committed).toBeLessThan(2000);
      expect(statsOf(stream)[2]).toEqual({ totalViews: 100_001, totalInvocations: 0 });
      // One event per commit: nothing more comes for it.
      await sleep(1500);
      expect(statsOf(stream)).toHaveLength(3);
    } finally {
      stream.close();
    }
  });

  it('serves 200 concurrent streams from one LISTEN connection', async () => {
    const owner = await makeUser(f.database.db);
    const app = await makeApp(f.database.db, owner);
    // Opened 25 at a time (as clients arrive), then all 200 open at once.
    const streams: SseStream[] = [];
    for (let i = 0; i < 8; i++) {
      streams.push(...(await Promise.all(Array.from({ length: 25 }, () => openSse(f.base, live(app.id), { token: owner.token })))));
    }
    try {
      expect(streams.map((s) => s.status)).toEqual(streams.map(() => 200));
      await Promise.all(streams.map((s) => eventsAfter(s, 1, 10_000)));
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and application_name = 'appstats live'`.execute(f.database.db);
      expect(rows[0]?.n).toBe(1);
      await f.database.db.insertInto('view_events').values({ app_id: app.id, viewer_id: null }).execute();
      await Promise.all(streams.map((s) => eventsAfter(s, 2, 3000)));
      expect(streams.map((s) => statsOf(s)[1]?.totalViews)).toEqual(streams.map(() => 1));
    } finally {
      for (const s of streams) s.close();
    }
  });

  it('streams a public app to a reader without a role, and answers 404 to an outsider as for GET /stats', async () => {
    const owner = await makeUser(f.database.db);
    const publicApp = await makeApp(f.database.db, owner, { visibility: 'public' });
    const stream = await openSse(f.base, live(publicApp.id), { token: f.outsider.token });
    try {
      expect(stream.status).toBe(200);
      await eventsAfter(stream, 1, 2000);
      await sleep(600);
      await f.database.db
        .insertInto('route_invocations')
        .values({ app_id: publicApp.id, method: 'GET', path: '/', started_at: new Date(), duration_ms: 3, status_code: 200 })
        .execute();
      await eventsAfter(stream, 2, 2000);
      expect(statsOf(stream)[1]).toEqual({ totalViews: 0, totalInvocations: 1 });
    } finally {
      stream.close();
    }
    const outsider = await readAnswer(
      await fetch(`${f.base}${live(f.app.id)}`, { headers: { authorization: `Bearer ${f.outsider.token}` } }),
    );
    expectError(outsider, 404, 'NOT_FOUND');
    expectError(await readAnswer(await fetch(`${f.base}${live(f.app.id)}`)), 401, 'UNAUTHORIZED');
    expectError(await readAnswer(await fetch(`${f.base}${live(f.app.id)}`, { method: 'POST' })), 405, 'METHOD_NOT_SUPPORTED');
  });

  it('sends a comment line every LIVE_HEARTBEAT_MS', { timeout: HEARTBEAT_MS * 3 + 10_000 }, async () => {
    const stream = await openSse(f.base, live(f.app.id), { token: f.viewer.token });
    try {
      await eventsAfter(stream, 1, 2000);
      const opened = Date.now();
      await expect.poll(() => stream.comments.length, { timeout: HEARTBEAT_MS * 2 + 3000, interval: 50 }).toBeGreaterThanOrEqual(2);
      expect(stream.comments[0]! - opened).toBeLessThan(HEARTBEAT_MS + 1500);
      expect(stream.comments[1]! - stream.comments[0]!).toBeLessThan(HEARTBEAT_MS + 1500);
    } finally {
      stream.close();
    }
  });

  it("ends a revoked token's stream", { timeout: RECHECK_MS + 15_000 }, async () => {
    const caller = systemCaller(f.database.db);
    const user = await makeUser(f.database.db);
    const { id, token } = await caller.admin.createToken({ username: user.username });
    const app = await makeApp(f.database.db, user);
    const stream = await openSse(f.base, live(app.id), { token });
    await eventsAfter(stream, 1, 2000);
    await caller.admin.revokeToken({ id });
    const revoked = Date.now();
    const how = await Promise.race([stream.closed, sleep(RECHECK_MS + 5000).then(() => 'still open' as const)]);
    stream.close();
    expect(how).toBe('ended');
    expect(Date.now() - revoked).toBeLessThan(RECHECK_MS + 5000);
    expectError(
      await readAnswer(await fetch(`${f.base}${live(app.id)}`, { headers: { authorization: `Bearer ${token}` } })),
      401,
      'UNAUTHORIZED',
    );
  });
});

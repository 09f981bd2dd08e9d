import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database';
import { type TestApp, type TestUser, callerFor, makeApp, makeUser } from '../helpers/fixtures';

// ingest.views / ingest.invocations through createCaller against a real database.

const database = useTestDatabase();
const NOW = new Date('2024-03-10T12:00:00.000Z');
const pinned = () => NOW;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();
const MINUTE = 60_000;

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
    return { code: 'OK', message: '' };
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return { code: error.code, message: error.message };
  }
}

function invocation(i: number, extra: Record<string, unknown> = {}) {
  return { method: 'GET', path: `/r/${i}`, startedAt: at(-i * 1000), durationMs: 10 + i, statusCode: 200, ...extra };
}

async function counts(appId: string): Promise<{ views: number; invocations: number }> {
  const { rows } = await sql<{ views: number; invocations: number }>`
    select (select count(*)::int from view_events where app_id = ${appId}) as views,
           (select count(*)::int from route_invocations where app_id = ${appId}) as invocations
  `.execute(database.current.db);
  return rows[0] ?? { views: -1, invocations: -1 };
}

async function setup(): Promise<{ owner: TestUser; app: TestApp }> {
  const owner = await makeUser(database.current.db);
  const app = await makeApp(database.current.db, owner);
  return { owner, app };
}

describe('ingest.views and ingest.invocations', () => {
  it('stores one object or a batch as ordinary rows that the stats show at once', async () => {
    const { db } = database.current;
    const { owner, app } = await setup();
    const caller = await callerFor(db, owner, pinned);
    expect(await caller.ingest.views({ appId: app.naturalId, events: { viewerId: owner.id, viewedAt: at(-MINUTE) } })).toEqual({
      accepted: 1,
    });
    expect(await caller.ingest.views({ appId: app.id, events: [{}, { viewerId: null, viewedAt: at(-2 * MINUTE) }] })).toEqual({
      accepted: 2,
    });
    const batch = [
      invocation(1, { userId: owner.id, memoryPeakBytes: 1234, error: null }),
      invocation(2, { statusCode: 503, error: 'boom', memoryPeakBytes: Number.MAX_SAFE_INTEGER }),
    ];
    expect(await caller.ingest.invocations({ appId: app.id, events: batch })).toEqual({ accepted: 2 });

    const overview = await caller.stats.overview({ appId: app.id });
    expect(overview).toMatchObject({ totalViews: 3, uniqueViewers: 1, views7d: 2, lastViewedAt: expect.any(String) });
    expect(overview.api).toMatchObject({
      totalInvocations: 2,
      invocations7d: 2,
      errorCount30d: 1,
      peakMemoryBytes: Number.MAX_SAFE_INTEGER,
    });
    const { recent } = await caller.stats.api({ appId: app.id });
    expect(recent).toEqual([
      {
        method: 'GET',
        path: '/r/1',
        username: owner.username,
        startedAt: at(-1000),
        durationMs: 11,
        statusCode: 200,
        memoryPeakBytes: 1234,
        error: null,
      },
      {
        method: 'GET',
        path: '/r/2',
        username: null,
        startedAt: at(-2000),
        durationMs: 12,
        statusCode: 503,
        memoryPeakBytes: Number.MAX_SAFE_INTEGER,
        error: 'boom',
      },
    ]);
  });

  it('refuses a whole batch naming the item: a time too far ahead, a user that does not exist', async () => {
    const { db } = database.current;
    const { owner, app } = await setup();
    const caller = await callerFor(db, owner, pinned);
    const ahead = [invocation(0), invocation(1, { startedAt: at(6 * MINUTE) })];
    expect(await failure(caller.ingest.invocations({ appId: app.id, events: ahead }))).toEqual({
      code: 'BAD_REQUEST',
      message: '[1].startedAt: must not be more than 5 minutes in the future',
    });
    expect(await failure(caller.ingest.views({ appId: app.id, events: { viewedAt: at(6 * MINUTE) } }))).toEqual({
      code: 'BAD_REQUEST',
      message: 'viewedAt: must not be more than 5 minutes in the future',
    });
    const stranger = [invocation(0, { userId: owner.id }), invocation(1), invocation(2, { userId: randomUUID() })];
    expect(await failure(caller.ingest.invocations({ appId: app.id, events: stranger }))).toEqual({
      code: 'BAD_REQUEST',
      message: '[2].userId: no such user',
    });
    expect(await failure(caller.ingest.views({ appId: app.id, events: { viewerId: randomUUID() } }))).toEqual({
      code: 'BAD_REQUEST',
      message: 'viewerId: no such user',
    });
    expect(await counts(app.id)).toEqual({ views: 0, invocations: 0 });

    // Within the allowed clock skew is fine.
    expect(await caller.ingest.views({ appId: app.id, events: [{ viewedAt: at(4 * MINUTE) }] })).toEqual({ accepted: 1 });
  });

  it('accepts 1000 items and refuses 1001 as PAYLOAD_TOO_LARGE', async () => {
    const { db } = database.current;
    const { owner, app } = await setup();
    const caller = await callerFor(db, owner, pinned);
    const thousand = Array.from({ length: 1000 }, (_, i) => invocation(i));
    expect(await caller.ingest.invocations({ appId: app.id, events: thousand })).toEqual({ accepted: 1000 });
    expect((await failure(caller.ingest.invocations({ appId: app.id, events: [...thousand, invocation(1000)] }))).code).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect(await counts(app.id)).toEqual({ views: 0, invocations: 1000 });
  });

  it('needs write on the app: UNAUTHORIZED, NOT_FOUND and FORBIDDEN like the other paths', async () => {
    const { db } = database.current;
    const owner = await makeUser(db);
    const [viewer, member, outsider] = [await makeUser(db), await makeUser(db), await makeUser(db)];
    const app = await makeApp(db, owner, {
      members: [
        [viewer, 'viewer'],
        [member, 'member'],
      ],
    });
    const publicApp = await makeApp(db, owner, { visibility: 'public' });
    const events = [{}];
    expect((await failure((await callerFor(db, null)).ingest.views({ appId: app.id, events }))).code).toBe('UNAUTHORIZED');
    expect((await failure((await callerFor(db, outsider)).ingest.views({ appId: app.id, events }))).code).toBe('NOT_FOUND');
    expect((await failure((await callerFor(db, owner)).ingest.views({ appId: randomUUID(), events }))).code).toBe('NOT_FOUND');
    expect((await failure((await callerFor(db, viewer)).ingest.views({ appId: app.id, events }))).code).toBe('FORBIDDEN');
    expect((await failure((await callerFor(db, outsider)).ingest.invocations({ appId: publicApp.id, events: [invocation(0)] }))).code).toBe(
      'FORBIDDEN',
    );
    expect(await (await callerFor(db, member)).ingest.views({ appId: app.id, events })).toEqual({ accepted: 1 });
    expect(await counts(app.id)).toEqual({ views: 1, invocations: 0 });
  });
});

describe('Idempotency-Key', () => {
  it('counts a retry once, answers it again, and refuses the key with another body', async () => {
    const { db } = database.current;
    const { owner, app } = await setup();
    const other = await makeApp(db, owner);
    const caller = await callerFor(db, owner, pinned);
    const events = [invocation(1), invocation(2)];
    const request = { appId: app.id, events, idempotencyKey: 'retry-1' };
    expect(await caller.ingest.invocations(request)).toEqual({ accepted: 2 });
    expect(await caller.ingest.invocations(request)).toEqual({ accepted: 2 });
    expect(await counts(app.id)).toEqual({ views: 0, invocations: 2 });

    expect(await failure(caller.ingest.invocations({ ...request, events: [invocation(1)] }))).toMatchObject({ code: 'CONFLICT' });
    expect(await failure(caller.ingest.views({ appId: app.id, events: [{}, {}], idempotencyKey: 'retry-1' }))).toMatchObject({
      code: 'CONFLICT',
    });
    // Keys belong to one app.
    expect(await caller.ingest.invocations({ ...request, appId: other.id })).toEqual({ accepted: 2 });
    expect(await counts(app.id)).toEqual({ views: 0, invocations: 2 });
    expect(await counts(other.id)).toEqual({ views: 0, invocations: 2 });
  });

  it('forgets a key after 24 hours', async () => {
    const { db } = database.current;
    const { owner, app } = await setup();
    const request = { appId: app.id, events: [invocation(1)], idempotencyKey: 'daily' };
    await (await callerFor(db, owner, pinned)).ingest.invocations(request);
    const later = await callerFor(db, owner, () => new Date(NOW.getTime() + 23 * 3600_000));
    expect(await later.ingest.invocations(request)).toEqual({ accepted: 1 });
    expect(await counts(app.id)).toEqual({ views: 0, invocations: 1 });
    const nextDay = await callerFor(db, owner, () => new Date(NOW.getTime() + 25 * 3600_000));
    expect(await nextDay.ingest.invocations({ ...request, events: [invocation(1), invocation(2)] })).toEqual({ accepted: 2 });
    expect(await counts(app.id)).toEqual({ views: 0, invocations: 3 });
  });

  it('keeps no key for a batch that was refused', async () => {
    const { db } = database.current;
    const { owner, app } = await setup();
    const caller = await callerFor(db, owner, pinned);
    const bad = { appId: app.id, events: [{ viewerId: randomUUID() }], idempotencyKey: 'fix-and-retry' };
    expect((await failure(caller.ingest.views(bad))).code).toBe('BAD_REQUEST');
    expect(await caller.ingest.views({ ...bad, events: [{ viewerId: owner.id }] })).toEqual({ accepted: 1 });
    expect(await counts(app.id)).toEqual({ views: 1, invocations: 0 });
  });

  it('stores a batch once when identical requests run at the same time', async () => {
    const { db } = database.current;
    const { owner, app } = await setup();
    const callers = await Promise.all([1, 2, 3, 4].map(() => callerFor(db, owner, pinned)));
    const events = Array.from({ length: 50 }, (_, i) => invocation(i));
    const answers = await Promise.all(
      callers.map((caller) => caller.ingest.invocations({ appId: app.id, events, idempotencyKey: 'burst' })),
    );
    expect(answers).toEqual([1, 2, 3, 4].map(() => ({ accepted: 50 })));
    expect(await counts(app.id)).toEqual({ views: 0, invocations: 50 });
  });

  it('waits for a request in flight with the same key: goes on after its rollback, conflicts after its commit', async () => {
    const { db, pool } = database.current;
    const { owner, app } = await setup();
    const caller = await callerFor(db, owner, pinned);
    for (const end of ['rollback', 'commit'] as const) {
      const holder = await pool.connect();
      try {
        await holder.query('begin');
        await holder.query(
          `insert into idempotency_keys (app_id, key, request_hash, status, response, created_at) values ($1, $2, 'another body', 202, '{"accepted":9}', $3)`,
          [app.id, `held-${end}`, NOW],
        );
        const pending = failure(caller.ingest.views({ appId: app.id, events: [{}], idempotencyKey: `held-${end}` }));
        await waitForLockWaiter(pool);
        await holder.query(end);
        expect((await pending).code).toBe(end === 'rollback' ? 'OK' : 'CONFLICT');
      } finally {
        holder.release();
      }
    }
    expect(await counts(app.id)).toEqual({ views: 1, invocations: 0 });
  });
});

/** Resolves once some backend of this database waits on a lock (the request blocked on the key). */
async function waitForLockWaiter(pool: { query(text: string): Promise<{ rows: Array<{ n: number }> }> }): Promise<void> {
  for (;;) {
    const { rows } = await pool.query(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    if ((rows[0]?.n ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

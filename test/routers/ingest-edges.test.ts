import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../../server/db/client';
import { storeInvocations, storeViewEvents } from '../../server/queries/ingest';
import { useTestDatabase } from '../helpers/database';
import { callerFor, makeApp, makeUser } from '../helpers/fixtures';

// The edges of ingestion's one statement (server/queries/ingest.ts): which
// missing user it names, what concurrent and repeated requests get, and that a
// batch is one statement, key or not.

const database = useTestDatabase();
const NOW = new Date('2024-03-10T12:00:00.000Z');
const pinned = () => NOW;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();
const invocation = (i: number, userId: string | null = null) => ({
  method: 'GET',
  path: `/e/${i}`,
  userId,
  startedAt: at(-i * 1000),
  durationMs: i,
  statusCode: 200,
});

/** The same as a row to store. */
const row = (i: number, userId: string | null = null) => ({ ...invocation(i, userId), memoryPeakBytes: null, error: null });

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
    return { code: 'OK', message: '' };
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return { code: error.code, message: error.message };
  }
}

async function counts(appId: string): Promise<{ views: number; invocations: number; keys: number }> {
  const { rows } = await sql<{ views: number; invocations: number; keys: number }>`
    select (select count(*)::int from view_events where app_id = ${appId}) as views,
           (select count(*)::int from route_invocations where app_id = ${appId}) as invocations,
           (select count(*)::int from idempotency_keys where app_id = ${appId}) as keys
  `.execute(database.current.db);
  return rows[0] ?? { views: -1, invocations: -1, keys: -1 };
}

async function setup() {
  const { db } = database.current;
  const owner = await makeUser(db);
  const app = await makeApp(db, owner);
  return { owner, app, caller: await callerFor(db, owner, pinned) };
}

/** Resolves once some backend of this database waits on a lock. */
async function waitForLockWaiter(): Promise<void> {
  for (;;) {
    const { rows } = await database.current.pool.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    if ((rows[0]?.n ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the user check inside the INSERT', () => {
  it('names the first row whose user is missing, among many rows and users, also when it is the last', async () => {
    const { owner, app, caller } = await setup();
    const other = await makeUser(database.current.db);
    const [lost, gone] = [randomUUID(), randomUUID()];
    const batch = Array.from({ length: 1000 }, (_, i) => invocation(i, [owner.id, null, other.id][i % 3] ?? null));
    const spoil = (pairs: Array<[number, string]>) =>
      batch.map((item, i) => ({ ...item, userId: pairs.find(([at]) => at === i)?.[1] ?? item.userId }));
    const cases: Array<[Array<[number, string]>, string]> = [
      [
        [
          [700, gone],
          [500, lost],
          [501, lost],
          [999, gone],
        ],
        '[500].userId: no such user',
      ],
      [[[999, lost]], '[999].userId: no such user'],
      [[[0, gone]], '[0].userId: no such user'],
    ];
    for (const [pairs, message] of cases) {
      expect(await failure(caller.ingest.invocations({ appId: app.id, events: spoil(pairs) }))).toEqual({ code: 'BAD_REQUEST', message });
    }
    const views = Array.from({ length: 1000 }, (_, i) => ({ viewerId: i === 999 ? lost : i % 2 ? owner.id : null }));
    expect(await failure(caller.ingest.views({ appId: app.id, events: views }))).toEqual({
      code: 'BAD_REQUEST',
      message: '[999].viewerId: no such user',
    });
    expect(await counts(app.id)).toEqual({ views: 0, invocations: 0, keys: 0 });
    expect(await caller.ingest.invocations({ appId: app.id, events: batch })).toEqual({ accepted: 1000 });
  });

  it('takes a user id in capitals as that user', async () => {
    const { owner, app, caller } = await setup();
    const events = [{ viewerId: owner.id.toUpperCase() }, { viewerId: owner.id }];
    expect(await caller.ingest.views({ appId: app.id, events })).toEqual({ accepted: 2 });
    expect(await caller.stats.overview({ appId: app.id })).toMatchObject({ totalViews: 2, uniqueViewers: 1 });
  });

  it('waits for a user being deleted: refuses the batch after the delete commits, stores it after a rollback', async () => {
    const { app, caller } = await setup();
    for (const end of ['commit', 'rollback'] as const) {
      const doomed = await makeUser(database.current.db);
      const holder = await database.current.pool.connect();
      try {
        await holder.query('begin');
        await holder.query('delete from users where id = $1', [doomed.id]);
        const pending = failure(caller.ingest.invocations({ appId: app.id, events: [invocation(1), invocation(2, doomed.id)] }));
        await waitForLockWaiter();
        await holder.query(end);
        expect(await pending).toEqual(
          end === 'commit' ? { code: 'BAD_REQUEST', message: '[1].userId: no such user' } : { code: 'OK', message: '' },
        );
      } finally {
        holder.release();
      }
    }
    expect(await counts(app.id)).toMatchObject({ invocations: 2 });
  });
});

describe('idempotency in the same statement', () => {
  it('stores a batch once when identical requests with a key run at the same time, and answers them all alike', async () => {
    const { owner, app } = await setup();
    const callers = await Promise.all(Array.from({ length: 8 }, () => callerFor(database.current.db, owner, pinned)));
    const views = Array.from({ length: 300 }, (_, i) => ({ viewerId: i % 2 ? owner.id : null, viewedAt: at(-i) }));
    const answers = await Promise.all(
      callers.flatMap((caller, i) => [
        caller.ingest.views({ appId: app.id, events: views, idempotencyKey: 'together' }),
        caller.ingest.invocations({ appId: app.id, events: [invocation(i)], idempotencyKey: `alone-${i}` }),
      ]),
    );
    expect(answers).toEqual(callers.flatMap(() => [{ accepted: 300 }, { accepted: 1 }]));
    expect(await counts(app.id)).toEqual({ views: 300, invocations: 8, keys: 9 });
  });

  it('keeps no key when identical requests naming a missing user run at the same time', async () => {
    const { owner, app } = await setup();
    const callers = await Promise.all(Array.from({ length: 4 }, () => callerFor(database.current.db, owner, pinned)));
    const bad = [invocation(0, owner.id), invocation(1, randomUUID())];
    const answers = await Promise.all(
      callers.map((c) => failure(c.ingest.invocations({ appId: app.id, events: bad, idempotencyKey: 'k' }))),
    );
    expect(answers).toEqual(callers.map(() => ({ code: 'BAD_REQUEST', message: '[1].userId: no such user' })));
    expect(await counts(app.id)).toEqual({ views: 0, invocations: 0, keys: 0 });
  });

  it('replays a stored batch even after a user it names was deleted, and an empty batch too', async () => {
    const { app, caller } = await setup();
    const leaving = await makeUser(database.current.db);
    const request = { appId: app.id, events: [invocation(1, leaving.id)], idempotencyKey: 'before-leaving' };
    expect(await caller.ingest.invocations(request)).toEqual({ accepted: 1 });
    await sql`delete from users where id = ${leaving.id}`.execute(database.current.db);
    expect(await caller.ingest.invocations(request)).toEqual({ accepted: 1 });
    const empty = { appId: app.id, events: [], idempotencyKey: 'nothing' };
    expect(await caller.ingest.views(empty)).toEqual({ accepted: 0 });
    expect(await caller.ingest.views(empty)).toEqual({ accepted: 0 });
    expect((await failure(caller.ingest.views({ ...empty, events: [{}] }))).code).toBe('CONFLICT');
    expect(await counts(app.id)).toEqual({ views: 0, invocations: 1, keys: 2 });
  });

  it('sends one statement per batch, with a key or without', async () => {
    const { owner, app } = await setup();
    const counted = createDatabase(database.current.url, { max: 1 });
    const texts: string[] = [];
    counted.pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      client.query = ((...args: unknown[]) => {
        const first = args[0] as string | { text?: string };
        texts.push(typeof first === 'string' ? first : (first.text ?? ''));
        return query(...args);
      }) as typeof client.query;
    });
    try {
      const claim = { appId: app.id, key: 'one-trip', requestHash: 'h', status: 202, response: { accepted: 2 }, now: NOW, ttlMs: 3600_000 };
      expect(await storeInvocations(counted.db, app.id, [row(1, owner.id), row(2)])).toEqual({ state: 'stored' });
      expect(await storeViewEvents(counted.db, app.id, [{ viewerId: owner.id, viewedAt: null }], claim)).toEqual({ state: 'stored' });
      expect(texts).toHaveLength(2);
    } finally {
      await counted.destroy();
    }
    expect(await counts(app.id)).toEqual({ views: 1, invocations: 2, keys: 1 });
  });
});

import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { closeLiveHub } from '../../server/live/hub';
import { createContext } from '../../server/trpc/context';
import { createCaller } from '../../server/trpc/routers/_app';
import { callerFor, makeApp, makeUser } from '../helpers/fixtures';
import { useTestDatabase } from '../helpers/database';

// live.stats through createCaller, against a real database and its NOTIFY
// triggers (server/db/sql/live/notify.sql): the snapshot at once, one event per
// committed statement however many rows it held, none for a rolled-back one,
// NOT_FOUND for an outsider. Over HTTP: test/http/live-http.test.ts.

const database = useTestDatabase();
afterAll(async () => {
  await closeLiveHub(database.current.db);
});

type Totals = { totalViews: number; totalInvocations: number };

describe('live.stats', () => {
  it('sends the totals at once, then one event per commit with the new totals', async () => {
    const db = database.current.db;
    const owner = await makeUser(db);
    const app = await makeApp(db, owner);
    const abort = new AbortController();
    const ctx = await createContext({ db, headers: new Headers({ authorization: `Bearer ${owner.token}` }) });
    const iterable: AsyncIterable<Totals> = await createCaller(ctx, { signal: abort.signal }).live.stats({ appId: app.naturalId });
    const values: Totals[] = [];
    const reading = (async () => {
      for await (const value of iterable) values.push(value);
    })();
    await expect.poll(() => values.length, { timeout: 3000 }).toBe(1);
    expect(values[0]).toEqual({ totalViews: 0, totalInvocations: 0 });

    await db.insertInto('view_events').values({ app_id: app.id, viewer_id: null }).execute();
    await expect.poll(() => values.length, { timeout: 2000, interval: 20 }).toBe(2);
    expect(values[1]).toEqual({ totalViews: 1, totalInvocations: 0 });

    // A rolled-back statement sends nothing; one of 5000 rows sends one event.
    await db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('view_events').values({ app_id: app.id, viewer_id: null }).execute();
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await sql`insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code)
              select ${app.id}::uuid, 'GET', '/x', now(), g, 200 from generate_series(1, 5000) g`.execute(db);
    await expect.poll(() => values.length, { timeout: 2000, interval: 20 }).toBe(3);
    expect(values[2]).toEqual({ totalViews: 1, totalInvocations: 5000 });
    await new Promise((r) => setTimeout(r, 1500));
    expect(values).toHaveLength(3);
    abort.abort();
    await reading;
  });

  it('sees a commit the throttle did not notify, within the 2 s', async () => {
    const db = database.current.db;
    const owner = await makeUser(db);
    const app = await makeApp(db, owner);
    const abort = new AbortController();
    const ctx = await createContext({ db, headers: new Headers({ authorization: `Bearer ${owner.token}` }) });
    const iterable: AsyncIterable<Totals> = await createCaller(ctx, { signal: abort.signal }).live.stats({ appId: app.id });
    const values: Array<Totals & { at: number }> = [];
    const reading = (async () => {
      for await (const value of iterable) values.push({ ...value, at: Date.now() });
    })();
    await expect.poll(() => values.length, { timeout: 3000 }).toBe(1);
    // Two commits 100 ms apart: the second falls inside the first's second and is not notified.
    await db.insertInto('view_events').values({ app_id: app.id, viewer_id: null }).execute();
    await new Promise((r) => setTimeout(r, 100));
    await db.insertInto('view_events').values({ app_id: app.id, viewer_id: null }).execute();
    const second = Date.now();
    await expect.poll(() => values.at(-1)?.totalViews, { timeout: 2000, interval: 20 }).toBe(2);
    expect(values.at(-1)!.at - second).toBeLessThan(2000);
    abort.abort();
    await reading;
  });

  it('refuses an outsider with NOT_FOUND', async () => {
    const db = database.current.db;
    const owner = await makeUser(db);
    const outsider = await makeUser(db);
    const app = await makeApp(db, owner);
    const caller = await callerFor(db, outsider);
    await expect(caller.live.stats({ appId: app.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

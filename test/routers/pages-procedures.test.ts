import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { seedDemoData } from '../../server/seed/index';
import { createContext } from '../../server/trpc/context';
import { createCaller } from '../../server/trpc/routers/_app';
import { createTestDatabase, useTestDatabase } from '../helpers/database';
import { callerFor, makeApp, makeUser } from '../helpers/fixtures';
import { outcomeCode } from '../helpers/errors';

// The two procedures the pages add to the apps router, and the demo seed.

const database = useTestDatabase();
const NOW = new Date('2024-03-10T00:30:00.000Z');
const pinned = () => NOW;

describe('apps.sparklines', () => {
  it('gives 7 UTC days of views, newest first, for each readable app and no other', async () => {
    const db = database.current.db;
    const owner = await makeUser(db);
    const stranger = await makeUser(db);
    const app = await makeApp(db, owner);
    const quiet = await makeApp(db, owner);
    const hidden = await makeApp(db, stranger);
    await db
      .insertInto('view_events')
      .values([
        { app_id: app.id, viewer_id: null, viewed_at: new Date('2024-03-10T00:05:00Z') },
        { app_id: app.id, viewer_id: null, viewed_at: new Date('2024-03-09T23:59:59.999Z') },
        { app_id: app.id, viewer_id: null, viewed_at: new Date('2024-03-09T00:00:00Z') },
        { app_id: app.id, viewer_id: null, viewed_at: new Date('2024-03-04T00:00:00Z') },
        { app_id: app.id, viewer_id: null, viewed_at: new Date('2024-03-03T23:59:59Z') },
        { app_id: hidden.id, viewer_id: null, viewed_at: new Date('2024-03-10T00:00:00Z') },
      ])
      .execute();
    const caller = await callerFor(db, owner, pinned);
    const lines = await caller.apps.sparklines();
    expect(lines.map((l) => l.appId).sort()).toEqual([app.id, quiet.id].sort());
    const line = lines.find((l) => l.appId === app.id);
    expect(line?.viewsByDay).toEqual([
      { day: '2024-03-10', count: 1 },
      { day: '2024-03-09', count: 2 },
      { day: '2024-03-08', count: 0 },
      { day: '2024-03-07', count: 0 },
      { day: '2024-03-06', count: 0 },
      { day: '2024-03-05', count: 0 },
      { day: '2024-03-04', count: 1 },
    ]);
    expect(line?.views7d).toBe(4);
    expect(line?.views7d).toBe((await caller.stats.overview({ appId: app.id })).views7d);
    expect(lines.find((l) => l.appId === quiet.id)?.views7d).toBe(0);
  });
});

describe('apps.invocationsByDay', () => {
  it('gives readers the daily figures of GET /stats/api, and nobody else', async () => {
    const db = database.current.db;
    const owner = await makeUser(db);
    const viewer = await makeUser(db);
    const outsider = await makeUser(db);
    const app = await makeApp(db, owner, { members: [[viewer, 'viewer']] });
    await db
      .insertInto('route_invocations')
      .values([
        {
          app_id: app.id,
          method: 'GET',
          path: '/a',
          user_id: null,
          started_at: new Date('2024-03-09T08:00:00Z'),
          duration_ms: 300,
          status_code: 200,
          memory_peak_bytes: null,
          error: null,
        },
        {
          app_id: app.id,
          method: 'GET',
          path: '/a',
          user_id: null,
          started_at: new Date('2024-03-09T09:00:00Z'),
          duration_ms: 101,
          status_code: 503,
          memory_peak_bytes: null,
          error: null,
        },
      ])
      .execute();
    const daily = await (await callerFor(db, viewer, pinned)).apps.invocationsByDay({ appId: app.naturalId });
    expect(daily).toHaveLength(30);
    expect(daily[1]).toEqual({ day: '2024-03-09', count: 2, avgDurationMs: 201, errorCount: 1 });
    expect(daily).toEqual((await (await callerFor(db, owner, pinned)).stats.api({ appId: app.id })).daily);
    expect(await outcomeCode((await callerFor(db, viewer, pinned)).stats.api({ appId: app.id }))).toBe('FORBIDDEN');
    expect(await outcomeCode((await callerFor(db, outsider, pinned)).apps.invocationsByDay({ appId: app.id }))).toBe('NOT_FOUND');
  });
});

describe('seedDemoData', () => {
  it('fills an empty database once, with every role, four apps, months of events and varied tables', async () => {
    const fresh = await createTestDatabase();
    try {
      const db = fresh.db;
      const result = await seedDemoData(db, { onlyWhenEmpty: true });
      expect(result.seeded).toBe(true);
      expect(result.logins.map((l) => l.username)).toEqual(['olivia', 'adam', 'maya', 'victor', 'otto', 'root']);
      const views = async () => (await db.selectFrom('view_events').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n;
      const before = await views();
      expect(await seedDemoData(db, { onlyWhenEmpty: true })).toMatchObject({ seeded: false });
      expect(await views()).toBe(before);

      const session = async (username: string) => {
        const password = result.logins.find((l) => l.username === username)?.password ?? '';
        let cookie = '';
        const anonymous = createCaller({
          db,
          auth: { principal: null, reason: 'missing' },
          now: () => new Date(),
          setCookie: (value) => (cookie = value.split(';')[0] ?? ''),
        });
        await anonymous.auth.signIn({ username, password });
        return createCaller(await createContext({ db, headers: new Headers({ cookie }) }));
      };
      const list = async (username: string) =>
        (await (await session(username)).apps.list()).map((a) => `${a.naturalId}:${a.role ?? 'reader'}`);
      expect(await list('otto')).toEqual(['status-page:reader']);
      expect(await list('victor')).toEqual(['status-page:reader', 'storefront:viewer', 'team-wiki:viewer']);
      expect(await list('maya')).toEqual(['sandbox:member', 'status-page:reader', 'storefront:member', 'team-wiki:admin']);
      expect(await list('adam')).toEqual(['status-page:reader', 'storefront:admin', 'team-wiki:owner']);
      expect(await list('root')).toEqual(['sandbox:owner', 'status-page:owner', 'storefront:owner', 'team-wiki:owner']);
      const olivia = await session('olivia');
      expect(await list('olivia')).toEqual(['sandbox:owner', 'status-page:owner', 'storefront:owner', 'team-wiki:member']);
      expect((await olivia.apps.get({ appId: 'status-page' })).hasWorkspace).toBe(false);
      expect(await olivia.stats.tables({ appId: 'sandbox' })).toEqual([]);

      const tables = await olivia.stats.tables({ appId: 'storefront' });
      expect(tables.map((t) => t.name)).toEqual(['orders', 'price_history', 'products', 'settings', 'webhook_log']);
      expect(tables.find((t) => t.name === 'products')?.rowCount).toBe(1250);
      expect(tables.find((t) => t.name === 'price_history')?.rowCount).toBeGreaterThan(10_000);
      expect(tables.find((t) => t.name === 'webhook_log')?.columns.some((c) => c.primaryKey)).toBe(false);
      const types = new Set(tables.flatMap((t) => t.columns.map((c) => c.type)));
      for (const type of ['uuid', 'text', 'bigint', 'integer', 'numeric', 'jsonb', 'timestamp with time zone', 'ARRAY', 'bytea', 'boolean'])
        expect(types).toContain(type);

      const overview = await olivia.stats.overview({ appId: 'storefront' });
      expect(overview.views30d).toBeGreaterThan(1000);
      expect(overview.api.errorRate30d).toBeGreaterThan(0);
      expect(overview.api.errorRate30d).toBeLessThan(5);
      const shape = await sql<{ first: Date; weekday: number; weekend: number }>`
        select min(started_at) as first,
          count(*) filter (where extract(isodow from started_at at time zone 'UTC') < 6)::float8 / 5 as weekday,
          count(*) filter (where extract(isodow from started_at at time zone 'UTC') >= 6)::float8 / 2 as weekend
        from route_invocations where app_id = ${overview.appId}`.execute(db);
      const row = shape.rows[0];
      expect(Date.now() - new Date(row?.first ?? 0).getTime()).toBeGreaterThan(85 * 86_400_000);
      expect(row?.weekday ?? 0).toBeGreaterThan((row?.weekend ?? 0) * 1.3);
    } finally {
      await fresh.drop();
    }
  });
});

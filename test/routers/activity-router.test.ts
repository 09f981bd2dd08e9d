import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { toTRPCError } from '../../server/rest/errors';
import { useTestDatabase } from '../helpers/database';
import { expectCode, trpcErrorOf } from '../helpers/errors';
import { callerFor, makeApp, makeUser, type TestApp, type TestUser } from '../helpers/fixtures';

// activity.invocations and activity.errors (CONTRACT §8): who may call them,
// the signed cursor (tampered, foreign or used with other filters: BAD_REQUEST
// naming `cursor`), paging while a writer inserts, and hostile input.

const database = useTestDatabase();
const NOW = new Date('2024-06-20T12:00:00.000Z');
const RANGE = { from: '2024-06-01', to: '2024-06-10' };
let owner: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let app: TestApp;
let other: TestApp;

beforeAll(async () => {
  const db = database.current.db;
  [owner, viewer, outsider] = [await makeUser(db), await makeUser(db), await makeUser(db)];
  app = await makeApp(db, owner, { members: [[viewer, 'viewer']] });
  other = await makeApp(db, owner);
  for (const target of [app, other]) {
    await sql`insert into route_invocations (app_id, method, path, user_id, started_at, duration_ms, status_code, error)
      select ${target.id}::uuid, case when g % 4 = 0 then 'POST' else 'GET' end, '/p/' || gen_random_uuid(),
             case when g % 3 = 0 then ${owner.id}::uuid end,
             timestamptz '2024-06-01' + (g % 500) * interval '17 minutes 3.000007 seconds',
             g % 50, case when g % 5 = 0 then 503 else 200 end, case when g % 7 = 0 then 'boom ' || (g % 3) end
      from generate_series(1, 1200) g`.execute(db);
  }
});

const as = (user: TestUser) => callerFor(database.current.db, user, () => NOW);
const fieldOf = async (promise: Promise<unknown>) => toTRPCError(await trpcErrorOf(promise)).message.split(':')[0];

describe('access', () => {
  it('needs write: a viewer gets FORBIDDEN, an outsider NOT_FOUND, as for an app that does not exist', async () => {
    for (const call of [
      (u: TestUser, appId: string) => as(u).then((c) => c.activity.invocations({ appId, ...RANGE })),
      (u: TestUser, appId: string) => as(u).then((c) => c.activity.errors({ appId, ...RANGE })),
    ]) {
      await expect(call(owner, app.naturalId)).resolves.toBeDefined();
      await expectCode(call(viewer, app.id), 'FORBIDDEN');
      await expectCode(call(outsider, app.id), 'NOT_FOUND');
      await expectCode(call(outsider, '00000000-0000-0000-0000-000000000000'), 'NOT_FOUND');
    }
  });
});

describe('the cursor', () => {
  it('continues the same filters, and is refused with others, for another app, or altered', async () => {
    const caller = await as(owner);
    const input = { appId: app.id, ...RANGE, status: '2xx' as const, limit: 50 };
    const first = await caller.activity.invocations(input);
    const cursor = first.nextCursor ?? '';
    expect(cursor).not.toBe('');
    // The limit is not a filter: another page size continues the walk.
    const second = await caller.activity.invocations({ ...input, limit: 7, cursor });
    const whole = await caller.activity.invocations({ ...input, limit: 57 });
    expect(second.items).toEqual(whole.items.slice(50));

    const [body = '', signature = ''] = cursor.split('.');
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { t: string };
    const moved = Buffer.from(JSON.stringify({ ...payload, t: '2024-06-09T00:00:00.000000Z AD' })).toString('base64url');
    const flipped = `${body.slice(0, -2)}${body.at(-2) === 'A' ? 'B' : 'A'}${body.at(-1)}.${signature}`;
    for (const bad of [
      { ...input, cursor: `${moved}.${signature}` },
      { ...input, cursor: flipped },
      { ...input, cursor: `${body}.${signature}x` },
      { ...input, cursor: `${body}.${signature}.${signature}` },
      { ...input, cursor: 'garbage' },
      { ...input, cursor: '.' },
      { ...input, status: '5xx' as const, cursor },
      { ...input, status: undefined, cursor },
      { ...input, method: 'GET', cursor },
      { ...input, tz: 'Europe/Berlin', cursor },
      { ...input, to: '2024-06-11', cursor },
      { ...input, appId: other.id, cursor },
    ]) {
      const error = await expectCode(caller.activity.invocations(bad), 'BAD_REQUEST');
      expect(error.message).toMatch(/^cursor: /);
    }
    expect(await fieldOf(caller.activity.invocations({ ...input, cursor: 'x'.repeat(3000) }))).toBe('cursor');
  });

  it('walks every row that matched at page 1 exactly once, newest first, while a writer inserts', async () => {
    const db = database.current.db;
    const caller = await as(owner);
    const matching = async () =>
      new Set(
        (
          await sql<{ path: string }>`select path from route_invocations where app_id = ${app.id}::uuid and status_code between 200 and 299
            and started_at >= '2024-06-01' and started_at < '2024-06-11'`.execute(db)
        ).rows.map((row) => row.path),
      );
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        // Rows older and newer than any page, at instants that repeat those already there.
        await sql`insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code)
          select ${app.id}::uuid, 'GET', '/p/' || gen_random_uuid(),
                 timestamptz '2024-06-01' + (floor(random() * 700))::int * interval '17 minutes 3.000007 seconds', 1, 200
          from generate_series(1, 25)`.execute(db);
        written += 25;
      }
    })();
    try {
      const before = await matching();
      const seen: string[] = [];
      let page = await caller.activity.invocations({ appId: app.id, ...RANGE, status: '2xx', limit: 37 });
      seen.push(...page.items.map((item) => item.path));
      const order = [...page.items];
      while (page.nextCursor) {
        page = await caller.activity.invocations({ appId: app.id, ...RANGE, status: '2xx', limit: 37, cursor: page.nextCursor });
        seen.push(...page.items.map((item) => item.path));
        order.push(...page.items);
      }
      writing = false;
      await writer;
      const after = await matching();
      expect(written).toBeGreaterThan(0);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...before].filter((path) => !seen.includes(path))).toEqual([]);
      expect(seen.filter((path) => !after.has(path))).toEqual([]);
      expect(order.every((item, i) => i === 0 || item.startedAt <= (order[i - 1]?.startedAt ?? ''))).toBe(true);
    } finally {
      writing = false;
      await writer;
    }
  });
});

describe('hostile input', () => {
  it('names the field of every bad filter and limit', async () => {
    const caller = await as(owner);
    const log = (extra: Record<string, unknown>) => caller.activity.invocations({ appId: app.id, ...RANGE, ...extra } as never);
    const errors = (extra: Record<string, unknown>) => caller.activity.errors({ appId: app.id, ...RANGE, ...extra } as never);
    for (const [extra, field] of [
      [{ route: 'x'.repeat(4097) }, 'route'],
      [{ route: '/a\0b' }, 'route'],
      [{ method: 'GET\0' }, 'method'],
      [{ user: '\0' }, 'user'],
      [{ user: '' }, 'user'],
      [{ status: '2XX' }, 'status'],
      [{ status: 'failed;drop' }, 'status'],
      [{ limit: 0 }, 'limit'],
      [{ limit: 501 }, 'limit'],
      [{ limit: 2.5 }, 'limit'],
      [{ limit: -1 }, 'limit'],
      [{ limit: '10' }, 'limit'],
      [{ tz: 'Mars/Olympus' }, 'tz'],
      [{ from: '2024-06-11' }, 'from'],
    ] as const) {
      expect([extra, await fieldOf(log(extra))]).toEqual([extra, field]);
    }
    for (const [extra, field] of [
      [{ limit: 0 }, 'limit'],
      [{ limit: 101 }, 'limit'],
      [{ route: '\0' }, 'route'],
      [{ tz: 'Nowhere' }, 'tz'],
    ] as const) {
      expect([extra, await fieldOf(errors(extra))]).toEqual([extra, field]);
    }
    expect((await log({ limit: 1 })).items).toHaveLength(1);
    expect((await log({ limit: 500 })).items).toHaveLength(500);
    expect((await errors({ limit: 100 })).groups.length).toBeGreaterThan(0);
  });

  it('compares a route exactly, never as a pattern, and finds nothing for strings no row has', async () => {
    const db = database.current.db;
    const caller = await as(owner);
    await sql`insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code)
      values (${app.id}::uuid, 'GET', '/a.*/(x|y)+/[0-9]/\\1$', '2024-06-05T00:00:00Z', 1, 200)`.execute(db);
    const log = (route: string) => caller.activity.invocations({ appId: app.id, ...RANGE, route });
    expect((await log('/a.*/(x|y)+/[0-9]/\\1$')).items.map((item) => item.path)).toEqual(['/a.*/(x|y)+/[0-9]/\\1$']);
    for (const route of ['.*', '/a.*/.*', '%', '/p/%', "/p/:id' or '1'='1", '(((((((((a*)*)*)*)*)*)*)*)*)', 'é😀'.repeat(1000)]) {
      expect([route, (await log(route)).items]).toEqual([route, []]);
    }
    expect(
      (await caller.activity.invocations({ appId: app.id, ...RANGE, user: 'anonymous', limit: 500 })).items.every(
        (i) => i.username === null,
      ),
    ).toBe(true);
    expect(
      (await caller.activity.invocations({ appId: app.id, ...RANGE, user: owner.username })).items.every(
        (i) => i.username === owner.username,
      ),
    ).toBe(true);
    expect((await caller.activity.invocations({ appId: app.id, ...RANGE, user: 'nobody' })).items).toEqual([]);
  });
});

import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CountedStatement, countStatements } from '../../server/db/statement-count';
import { createContext } from '../../server/trpc/context';
import { contextFromRequest } from '../../server/trpc/request-context';
import { createCaller } from '../../server/trpc/routers/_app';
import { workspaceLoginsOpened } from '../../server/workspace/connection';
import { workspaceResetsSettled } from '../../server/workspace/session';
import { appRefOfPath } from '../../lib/route-param';
import { useTestDatabase } from '../helpers/database';
import { type TestApp, type TestUser, makeApp, makeUser } from '../helpers/fixtures';
import { signedInCookie } from '../helpers/security';

// Issue 13: statements per request, counted on every connection the request
// uses (server/db/statement-count.ts): the service's pool and the workspace
// reader's own. The REST route runs in-process, exactly as `next start` runs
// it; the overview render is the procedure calls of app/apps/layout.tsx,
// app/apps/[id]/layout.tsx and app/apps/[id]/page.tsx on one context built
// as trpc/server.ts builds it (the path from proxy.ts names the app).

const database = useTestDatabase();
let owner: TestUser;
let app: TestApp;

const WRITE = /^\s*(insert|update|delete|merge)\b|\bupdate\s+"?\w+"?\s+set\b|\binsert\s+into\b|\bdelete\s+from\b/i;
/** The reset of a workspace reader's connection after the read (idle.ts): it runs after the answer. */
const RESET = /^\s*discard all\s*$/i;

function summary(statements: CountedStatement[]) {
  if (process.env.SHOW_STATEMENTS)
    console.log(statements.map((s) => `${s.source}: ${s.text.replace(/\s+/g, ' ').slice(0, 150)}`).join('\n'));
  const onPath = statements.filter((s) => !(s.source === 'workspace' && RESET.test(s.text)));
  // The counter must see the request at all: its credential is always the first statement.
  expect(onPath[0]?.text).toMatch(/^with "who"|^select "u"\."id"/);
  return {
    total: onPath.length,
    credentials: onPath.filter((s) => /"who"|from "api_tokens"|from "sessions"/.test(s.text)).length,
    writes: statements.filter((s) => WRITE.test(s.text)).map((s) => s.text),
  };
}

const ROUTES = {
  '': () => import('../../app/api/apps/[id]/stats/route'),
  '/api': () => import('../../app/api/apps/[id]/stats/api/route'),
  '/tables': () => import('../../app/api/apps/[id]/stats/tables/route'),
};

async function restGet(path: keyof typeof ROUTES, token: string, params: Record<string, string>) {
  const { GET } = await ROUTES[path]();
  const request = new Request(`http://localhost/api/apps/${params.id}/stats${path}`, { headers: { authorization: `Bearer ${token}` } });
  return countStatements(async () => {
    const response = await GET(request, { params: Promise.resolve(params) });
    await workspaceResetsSettled();
    return response;
  });
}

beforeAll(async () => {
  process.env.DATABASE_URL = database.current.url;
  const db = database.current.db;
  owner = await makeUser(db);
  app = await makeApp(db, owner, { workspace: true });
  const table = sql.table(`${app.workspaceSchema}.items`);
  await sql`create table ${table} (id int primary key, label text)`.execute(db);
  await sql`insert into ${table} select i, 'item ' || i from generate_series(1, 40) i`.execute(db);
  await sql`insert into view_events (app_id, viewed_at) select ${app.id}, now() from generate_series(1, 5)`.execute(db);
});

describe('statements per request', () => {
  it('GET /stats by token: at most 3 statements and no write once the token was used this minute', async () => {
    const first = await restGet('', owner.token, { id: app.id });
    expect(first.result.status).toBe(200);
    const again = await restGet('', owner.token, { id: app.id });
    expect(again.result.status).toBe(200);
    expect(await again.result.json()).toEqual(await first.result.json());
    const counted = summary(again.statements);
    expect(counted.writes).toEqual([]);
    expect(counted.total).toBeLessThanOrEqual(3);
  });

  it('GET /stats/api and /stats/tables by token: the credential, the app and the standing in one statement', async () => {
    for (const path of ['/api', '/tables'] as const) {
      await restGet(path, owner.token, { id: app.id });
      const { result, statements } = await restGet(path, owner.token, { id: app.id });
      expect(result.status).toBe(200);
      const counted = summary(statements);
      expect(counted.writes).toEqual([]);
      expect(counted.total).toBeLessThanOrEqual(3);
    }
  });

  it('a page render of the overview: at most 6 statements and no write', async () => {
    const cookie = await signedInCookie(database.current.db, owner);
    const render = () =>
      countStatements(async () => {
        const headers = new Headers({ cookie, 'x-appstats-path': `/apps/${app.naturalId}` });
        const appRef = appRefOfPath(headers.get('x-appstats-path')) ?? undefined;
        const ctx = await contextFromRequest(headers, undefined, appRef ? { appRef } : {});
        const caller = createCaller(ctx);
        await caller.auth.me();
        await caller.apps.list();
        await caller.apps.get({ appId: app.naturalId });
        await Promise.all([caller.stats.overview({ appId: app.naturalId }), caller.apps.invocationsByDay({ appId: app.naturalId })]);
        await workspaceResetsSettled();
      });
    await render();
    const counted = summary((await render()).statements);
    expect(counted.writes).toEqual([]);
    expect(counted.credentials).toBe(1);
    expect(counted.total).toBeLessThanOrEqual(6);
  });
});

describe('the apps page', () => {
  it('lists the readable apps once per render, however many procedures ask', async () => {
    const cookie = await signedInCookie(database.current.db, owner);
    const { statements } = await countStatements(async () => {
      const ctx = await contextFromRequest(new Headers({ cookie, 'x-appstats-path': '/apps' }));
      const caller = createCaller(ctx);
      await caller.auth.me();
      await Promise.all([caller.apps.list(), caller.apps.list(), caller.apps.sparklines()]);
    });
    const counted = summary(statements);
    expect(counted.writes).toEqual([]);
    expect(counted.total).toBe(3);
  });
});

describe('the preview', () => {
  it('reads a page in two statements on the workspace (the catalog, then the page with its count), then in one', async () => {
    const caller = createCaller(
      await createContext({ db: database.current.db, headers: new Headers({ authorization: `Bearer ${owner.token}` }) }),
    );
    const read = () => caller.stats.preview({ appId: app.id, table: 'items', limit: 25, offset: 10 });
    const first = await countStatements(read);
    expect(first.statements.filter((s) => s.source === 'workspace' && !RESET.test(s.text))).toHaveLength(2);
    const { result, statements } = await countStatements(async () => {
      const page = await read();
      await workspaceResetsSettled();
      return page;
    });
    expect(result).toMatchObject({ rowCount: 25, totalRows: 40, rows: expect.arrayContaining([{ id: 11, label: 'item 11' }]) });
    expect(result.totalRowsEstimated).toBeUndefined();
    // The lookup is kept, and proved still exact by a hash read with the page (test/queries/preview-kept-lookup.test.ts).
    const workspace = statements.filter((s) => s.source === 'workspace' && !RESET.test(s.text));
    expect(workspace).toHaveLength(1);
    expect(statements.filter((s) => s.source === 'service')).toHaveLength(0);
  });

  it('reads of one workspace two at a time reuse their reader connections: no login after the first two', async () => {
    const caller = createCaller(
      await createContext({ db: database.current.db, headers: new Headers({ authorization: `Bearer ${owner.token}` }) }),
    );
    const both = async () => {
      await Promise.all([0, 1].map((offset) => caller.stats.preview({ appId: app.id, table: 'items', limit: 5, offset })));
      await workspaceResetsSettled();
    };
    await both();
    const logins = workspaceLoginsOpened();
    for (let round = 0; round < 5; round++) await both();
    expect(workspaceLoginsOpened()).toBe(logins);
  });

  it('does not count a table the catalog knows to be large: its last figure stands in, said to be an estimate', async () => {
    const db = database.current.db;
    const table = sql.table(`${app.workspaceSchema}.large`);
    await sql`create table ${table} (id int primary key)`.execute(db);
    await sql`insert into ${table} select generate_series(1, 120000)`.execute(db);
    await sql`analyze ${table}`.execute(db);
    const caller = createCaller(await createContext({ db, headers: new Headers({ authorization: `Bearer ${owner.token}` }) }));
    const { result, statements } = await countStatements(() =>
      caller.stats.preview({ appId: app.id, table: 'large', limit: 5, offset: 0 }),
    );
    expect(result).toMatchObject({ rowCount: 5, totalRows: 120000, totalRowsEstimated: true });
    expect(statements.some((s) => /count\(\*\)/.test(s.text))).toBe(false);
  });

  it('keeps a cell whole that the first cut would have cut, fetching the page again at the level it needs', async () => {
    const db = database.current.db;
    const table = sql.table(`${app.workspaceSchema}.wide`);
    const columns = Array.from({ length: 10 }, (_, i) => sql.raw(`c${i} text`));
    await sql`create table ${table} (id int primary key, ${sql.join(columns)})`.execute(db);
    await sql`insert into ${table} select i, repeat('x', 20), 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j' from generate_series(1, 100) i`.execute(
      db,
    );
    await sql`update ${table} set c0 = repeat('y', 50000) where id = 7`.execute(db);
    const caller = createCaller(await createContext({ db, headers: new Headers({ authorization: `Bearer ${owner.token}` }) }));
    const { result, statements } = await countStatements(() =>
      caller.stats.preview({ appId: app.id, table: 'wide', limit: 100, offset: 0 }),
    );
    expect(result.cellsCut).toBeUndefined();
    expect(result.rows[6]?.c0).toBe('y'.repeat(50000));
    expect(result.rows[0]?.c0).toBe('x'.repeat(20));
    // The catalog, the page at the first cut (about 1 KiB a cell here), the page again whole.
    expect(statements.filter((s) => s.source === 'workspace' && !RESET.test(s.text))).toHaveLength(3);
  });
});

describe('credentials are marked used at most once a minute', () => {
  it("writes a token's last_used_at on its first use in a minute and not on the next", async () => {
    const user = await makeUser(database.current.db);
    const lastUsed = async () =>
      (await database.current.db.selectFrom('api_tokens').select('last_used_at').where('user_id', '=', user.id).executeTakeFirstOrThrow())
        .last_used_at;
    expect(await lastUsed()).toBeNull();
    const start = new Date();
    const at = (seconds: number) => () => new Date(start.getTime() + seconds * 1000);
    const use = async (now: () => Date) => {
      const headers = new Headers({ authorization: `Bearer ${user.token}` });
      return createCaller(await createContext({ db: database.current.db, headers, now })).auth.me();
    };
    const first = await countStatements(() => use(at(0)));
    expect(summary(first.statements).writes).toHaveLength(1);
    expect(await lastUsed()).toEqual(at(0)());
    const next = await countStatements(() => use(at(59)));
    expect(summary(next.statements).writes).toEqual([]);
    expect(await lastUsed()).toEqual(at(0)());
    await use(at(61));
    expect(await lastUsed()).toEqual(at(61)());
  });
});

import { type Page, expect } from '@playwright/test';
import { type Kysely, sql } from 'kysely';
import { type Database, createDatabase } from '../server/db/client';
import { seedInvocations, seedViews } from '../server/seed/events';
import { seedDemoData } from '../server/seed/index';
import type { DB } from '../server/db/types';
import { type TestApp, type TestUser, makeApp, makeUser } from '../test/helpers/fixtures';

// The e2e suite creates its own users, apps and rows in the running server's
// database (TEST_HTTP_DATABASE_URL) and compares the pages with the REST paths.

export function baseUrl(): string {
  const url = process.env.TEST_HTTP_URL;
  if (!url) throw new Error('TEST_HTTP_URL is unset: run the e2e suite through `npm test` (scripts/test.ts)');
  return url;
}

let database: Database | undefined;

/** The server's own database. */
export function serverDb(): Kysely<DB> {
  const url = process.env.TEST_HTTP_DATABASE_URL;
  if (!url) throw new Error('TEST_HTTP_DATABASE_URL is unset: run the e2e suite through `npm test` (scripts/test.ts)');
  database ??= createDatabase(url, { max: 3 });
  return database.db;
}

export interface World {
  owner: TestUser;
  member: TestUser;
  viewer: TestUser;
  outsider: TestUser;
  /** Private, with a workspace, three months of events and three tables. */
  app: TestApp;
  /** Private, no workspace, no events. */
  bare: TestApp;
}

const ROUTES = [
  { method: 'GET', path: '/api/items/:id', weight: 6, baseMs: 40, okStatus: 200 },
  { method: 'POST', path: '/api/items', weight: 3, baseMs: 180, okStatus: 201 },
  { method: 'DELETE', path: '/api/items/:id', weight: 1, baseMs: 90, okStatus: 204 },
];

/**
 * The demo seed (`npm run dev`'s logins and apps) in the server's database, for
 * the specs that sign in as olivia and the others: seeded once, whichever spec
 * asks first, under an advisory lock so two workers do not seed it twice.
 */
export async function ensureDemoSeed(): Promise<void> {
  const db = serverDb();
  await db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(hashtext('appstats.e2e.demo-seed'))`.execute(connection);
    try {
      const { rows } = await sql<{ found: boolean }>`select exists (select 1 from users where username = 'olivia') as found`.execute(
        connection,
      );
      if (!rows[0]?.found) await seedDemoData(db, { onlyWhenEmpty: false });
    } finally {
      await sql`select pg_advisory_unlock(hashtext('appstats.e2e.demo-seed'))`.execute(connection);
    }
  });
}

/** Users of every role, an app with data and tables, and an app with nothing. */
export async function createWorld(): Promise<World> {
  const db = serverDb();
  const [owner, member, viewer, outsider] = await Promise.all([
    makeUser(db, { prefix: 'owner' }),
    makeUser(db, { prefix: 'member' }),
    makeUser(db, { prefix: 'viewer' }),
    makeUser(db, { prefix: 'outsider' }),
  ]);
  const app = await makeApp(db, owner, {
    workspace: true,
    members: [
      [member, 'member'],
      [viewer, 'viewer'],
    ],
  });
  const bare = await makeApp(db, owner, { members: [[viewer, 'viewer']] });
  const now = new Date();
  const people = [owner.id, member.id, viewer.id];
  const traffic = { appId: app.id, viewsPerHour: 2, callsPerHour: 3, anonymous: 0.3, people, routes: ROUTES, incidentDaysAgo: 4 };
  await seedViews(db, traffic, now);
  await seedInvocations(db, traffic, now);
  if (app.workspaceSchema) await createTables(db, app.workspaceSchema);
  return { owner, member, viewer, outsider, app, bare };
}

/** `items` (61 rows, primary key), `audit_log` (no primary key), `empty_things` (no rows). */
async function createTables(db: Kysely<DB>, schema: string): Promise<void> {
  const t = (name: string) => sql.id(schema, name);
  await sql`create table ${t('items')} (id integer primary key, label text not null, note text, payload jsonb, tags text[], price numeric(8, 2), created_at timestamptz not null)`.execute(
    db,
  );
  await sql`create index on ${t('items')} (label)`.execute(db);
  await sql`insert into ${t('items')}
    select g, 'item ' || g, case when g % 3 = 0 then null when g % 3 = 1 then '' else repeat('long note ', 12) end,
      jsonb_build_object('n', g, 'nested', jsonb_build_object('list', jsonb_build_array(1, 2, 3), 'text', repeat('x', 80))),
      array['a', 'b'], g * 1.25, timestamptz '2024-02-23 14:30:00+00' + make_interval(hours => g)
    from generate_series(1, 61) as g`.execute(db);
  await sql`create table ${t('audit_log')} (at timestamptz not null, actor text, detail jsonb)`.execute(db);
  await sql`insert into ${t('audit_log')} select timestamptz '2024-02-23 14:30:00+00' + make_interval(mins => g), 'actor-' || g, '{"ok": true}' from generate_series(1, 30) as g`.execute(
    db,
  );
  await sql`create table ${t('empty_things')} (id uuid primary key)`.execute(db);
  await sql`insert into ${t('_migrations')} (name) values ('0001_items'), ('0002_audit_log')`.execute(db);
}

/** A REST path's JSON as `user` sees it through a bearer token. */
export async function rest<T>(path: string, user: TestUser, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${baseUrl()}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json', ...init.headers },
  });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Signs in through the form, landing on `next` (default /apps). */
export async function signIn(page: Page, user: TestUser, next = '/apps'): Promise<void> {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL((url) => `${url.pathname}${url.search}` === next);
}

import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DB } from '../db/types';
import { seedAccounts } from './accounts';
import { type Route, seedInvocations, seedViews } from './events';
import { DEMO_LOGINS, type SeedLogin } from './logins';
import { seedStorefrontWorkspace, seedWikiWorkspace } from './workspace';

export { DEMO_LOGINS };
export type { SeedLogin };

export interface SeedResult {
  seeded: boolean;
  logins: SeedLogin[];
}

/** Whether the database holds any user, app or event yet. */
export async function databaseHasData(db: Kysely<DB>): Promise<boolean> {
  const { rows } = await sql<{ has_data: boolean }>`select exists (select 1 from users) or exists (select 1 from apps) as has_data`.execute(
    db,
  );
  return rows[0]?.has_data ?? false;
}

const SHOP_ROUTES: Route[] = [
  { method: 'GET', path: '/api/products', weight: 30, baseMs: 85, okStatus: 200 },
  { method: 'GET', path: '/api/products/:id', weight: 24, baseMs: 60, okStatus: 200 },
  { method: 'GET', path: '/api/search', weight: 12, baseMs: 240, okStatus: 200 },
  { method: 'GET', path: '/api/cart', weight: 12, baseMs: 45, okStatus: 200 },
  { method: 'POST', path: '/api/cart/items', weight: 9, baseMs: 120, okStatus: 201 },
  { method: 'DELETE', path: '/api/cart/items/:id', weight: 4, baseMs: 70, okStatus: 204 },
  { method: 'POST', path: '/api/checkout', weight: 5, baseMs: 650, okStatus: 201 },
  { method: 'PUT', path: '/api/account', weight: 2, baseMs: 140, okStatus: 200 },
  { method: 'POST', path: '/api/webhooks/stripe', weight: 2, baseMs: 180, okStatus: 204 },
];

const STATUS_ROUTES: Route[] = [
  { method: 'GET', path: '/api/status', weight: 80, baseMs: 25, okStatus: 200 },
  { method: 'GET', path: '/api/incidents', weight: 18, baseMs: 60, okStatus: 200 },
  { method: 'POST', path: '/api/subscribe', weight: 2, baseMs: 300, okStatus: 201 },
];

const WIKI_ROUTES: Route[] = [
  { method: 'GET', path: '/api/pages/:id', weight: 70, baseMs: 35, okStatus: 200 },
  { method: 'PUT', path: '/api/pages/:id', weight: 20, baseMs: 160, okStatus: 200 },
  { method: 'GET', path: '/api/search', weight: 10, baseMs: 420, okStatus: 200 },
];

/**
 * Demo data for a first run: users of every role, four apps (private with a
 * workspace, public without one, one with a small quota, one empty), three
 * months of views and invocations, and workspace tables of varied types.
 * Never touches a database that already has data.
 */
export async function seedDemoData(db: Kysely<DB>, options: { onlyWhenEmpty: boolean }): Promise<SeedResult> {
  if (options.onlyWhenEmpty && (await databaseHasData(db))) return { seeded: false, logins: DEMO_LOGINS };
  const now = new Date();
  const { apps, crowd } = await seedAccounts(db, DEMO_LOGINS);
  await db.transaction().execute(async (trx) => {
    const plans = [
      {
        appId: apps.storefront.id,
        viewsPerHour: 14,
        callsPerHour: 42,
        anonymous: 0.4,
        people: crowd,
        routes: SHOP_ROUTES,
        incidentDaysAgo: 9,
      },
      { appId: apps.statusPage.id, viewsPerHour: 6, callsPerHour: 12, anonymous: 0.85, people: crowd, routes: STATUS_ROUTES },
      {
        appId: apps.teamWiki.id,
        viewsPerHour: 3,
        callsPerHour: 5,
        anonymous: 0,
        people: crowd.slice(0, 6),
        routes: WIKI_ROUTES,
        incidentDaysAgo: 23,
      },
    ];
    for (const plan of plans) {
      await seedViews(trx, plan, now);
      await seedInvocations(trx, plan, now);
    }
    if (apps.storefront.workspaceSchema) await seedStorefrontWorkspace(trx, apps.storefront.workspaceSchema, now);
    if (apps.teamWiki.workspaceSchema) await seedWikiWorkspace(trx, apps.teamWiki.workspaceSchema, now);
  });
  return { seeded: true, logins: DEMO_LOGINS };
}

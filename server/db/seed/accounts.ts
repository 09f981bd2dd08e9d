import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types';
import { createCaller } from '../../trpc/routers/_app';
import type { SeedLogin } from './logins';

/** The administration procedures, called the way the CLI calls them. */
function systemCaller(db: Kysely<DB>) {
  return createCaller({ db, auth: { principal: null, reason: 'missing' }, now: () => new Date(), setCookie: () => undefined, system: true });
}

export interface SeededApp {
  id: string;
  naturalId: string;
  workspaceSchema: string | null;
}

export interface SeededAccounts {
  userIds: Record<string, string>;
  /** Everyone who may show up as a viewer or caller in the events. */
  crowd: string[];
  apps: Record<'storefront' | 'statusPage' | 'teamWiki' | 'sandbox', SeededApp>;
}

const CUSTOMERS = ['ana', 'ben', 'chloe', 'farid', 'grace', 'hugo'];

/** Users of every role, four apps and their memberships, all through the admin procedures. */
export async function seedAccounts(db: Kysely<DB>, logins: SeedLogin[]): Promise<SeededAccounts> {
  const caller = systemCaller(db);
  const userIds: Record<string, string> = {};
  const people = [
    ...logins.map((login) => ({ username: login.username, password: login.password, name: login.name, admin: login.platformAdmin })),
    // Customers only ever appear in the data; their passwords are random and never printed.
    ...CUSTOMERS.map((username) => ({ username, password: randomUUID(), name: undefined, admin: false })),
  ];
  // scrypt is slow on purpose: hash a few at a time, not one by one.
  for (let i = 0; i < people.length; i += 6) {
    const batch = await Promise.all(
      people.slice(i, i + 6).map((p) => caller.admin.createUser({ username: p.username, password: p.password, admin: p.admin, ...(p.name ? { name: p.name } : {}) })),
    );
    for (const user of batch) userIds[user.username] = user.id;
  }

  const storefront = await caller.admin.createApp({ naturalId: 'storefront', name: 'Storefront', owner: 'olivia', workspace: true });
  const statusPage = await caller.admin.createApp({ naturalId: 'status-page', name: 'Status page', owner: 'olivia', visibility: 'public' });
  const teamWiki = await caller.admin.createApp({ naturalId: 'team-wiki', name: 'Team wiki', owner: 'adam', workspace: true, quotaBytes: 320 * 1024 });
  const sandbox = await caller.admin.createApp({ naturalId: 'sandbox', name: 'Sandbox', owner: 'olivia', workspace: true });

  const members: Array<[string, string, 'viewer' | 'member' | 'admin']> = [
    ['storefront', 'adam', 'admin'],
    ['storefront', 'maya', 'member'],
    ['storefront', 'victor', 'viewer'],
    ['team-wiki', 'olivia', 'member'],
    ['team-wiki', 'maya', 'admin'],
    ['team-wiki', 'victor', 'viewer'],
    ['sandbox', 'maya', 'member'],
  ];
  for (const [app, username, role] of members) await caller.admin.addMember({ app, username, role });

  return { userIds, crowd: Object.values(userIds), apps: { storefront, statusPage, teamWiki, sandbox } };
}

import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import { createCaller } from '../trpc/routers/_app';
import { systemContext } from '../trpc/system-context';
import type { SeedLogin } from './logins';

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
  // The administration procedures, called the way the CLI calls them.
  const caller = createCaller(systemContext(db));
  const userIds: Record<string, string> = {};
  const people = [
    ...logins.map((login) => ({ username: login.username, password: login.password, name: login.name, admin: login.platformAdmin })),
    // Customers only ever appear in the data; their passwords are random and never printed.
    ...CUSTOMERS.map((username) => ({ username, password: randomUUID(), name: undefined, admin: false })),
  ];
  // scrypt is slow on purpose: hash a few at a time, not one by one. No more than
  // server/auth/passwords.ts runs at once (4): the rest would queue, and a hash that
  // waits over 3 s on a busy machine fails the seed with TOO_MANY_REQUESTS.
  for (let i = 0; i < people.length; i += 4) {
    const batch = await Promise.all(
      people
        .slice(i, i + 4)
        .map((p) =>
          caller.admin.createUser({ username: p.username, password: p.password, admin: p.admin, ...(p.name ? { name: p.name } : {}) }),
        ),
    );
    for (const user of batch) userIds[user.username] = user.id;
  }

  const storefront = await caller.admin.createApp({ naturalId: 'storefront', name: 'Storefront', owner: 'olivia', workspace: true });
  const statusPage = await caller.admin.createApp({ naturalId: 'status-page', name: 'Status page', owner: 'olivia', visibility: 'public' });
  const teamWiki = await caller.admin.createApp({
    naturalId: 'team-wiki',
    name: 'Team wiki',
    owner: 'adam',
    workspace: true,
    quotaBytes: 320 * 1024,
  });
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

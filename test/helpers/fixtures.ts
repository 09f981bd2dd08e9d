import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, Role } from '../../server/db/types';
import { createContext } from '../../server/trpc/context';
import { createCaller } from '../../server/trpc/routers/_app';
import { systemContext } from '../../server/trpc/system-context';

/** A caller with system rights, as the CLI has. */
export function systemCaller(db: Kysely<DB>) {
  return createCaller(systemContext(db));
}

/** A short unique suffix for usernames and natural ids. */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export interface TestUser {
  id: string;
  username: string;
  password: string;
  token: string;
}

/** Creates a user with a known password and a fresh API token. */
export async function makeUser(db: Kysely<DB>, options: { admin?: boolean; prefix?: string } = {}): Promise<TestUser> {
  const caller = systemCaller(db);
  const username = unique(options.prefix ?? 'user');
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const user = await caller.admin.createUser({ username, password, admin: options.admin ?? false });
  const { token } = await caller.admin.createToken({ username });
  return { id: user.id, username, password, token };
}

export interface TestApp {
  id: string;
  naturalId: string;
  workspaceSchema: string | null;
}

/** Creates an app owned by `owner`, optionally with a workspace and members. */
export async function makeApp(
  db: Kysely<DB>,
  owner: TestUser,
  options: { workspace?: boolean; visibility?: 'private' | 'public'; quotaBytes?: number; members?: Array<[TestUser, Role]> } = {},
): Promise<TestApp> {
  const caller = systemCaller(db);
  const app = await caller.admin.createApp({
    naturalId: unique('app'),
    name: 'Test app',
    owner: owner.username,
    workspace: options.workspace ?? false,
    visibility: options.visibility ?? 'private',
    ...(options.quotaBytes ? { quotaBytes: options.quotaBytes } : {}),
  });
  for (const [user, role] of options.members ?? []) {
    await caller.admin.addMember({ app: app.id, username: user.username, role });
  }
  return app;
}

/** A tRPC caller authenticated as `user` through their bearer token, the way REST calls are. */
export async function callerFor(db: Kysely<DB>, user: TestUser | null, now?: () => Date) {
  const headers = new Headers(user ? { authorization: `Bearer ${user.token}` } : {});
  return createCaller(await createContext({ db, headers, ...(now ? { now } : {}) }));
}

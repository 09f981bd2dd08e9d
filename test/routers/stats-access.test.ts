import { randomBytes, randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../server/db/types';
import { createContext } from '../../server/trpc/context';
import { createCaller } from '../../server/trpc/routers/_app';
import { useTestDatabase } from '../helpers/database';
import { type TestApp, type TestUser, callerFor, makeApp, makeUser, systemCaller } from '../helpers/fixtures';

// CONTRACT §4 for the four stats procedures: overview needs read, the others
// write; a reader without write gets FORBIDDEN, anyone who cannot read gets the
// very NOT_FOUND of an app that does not exist; bad credentials are UNAUTHORIZED.

const database = useTestDatabase();
type Caller = ReturnType<typeof createCaller>;
const PROCEDURES = ['overview', 'tables', 'preview', 'api'] as const;

function call(caller: Caller, procedure: (typeof PROCEDURES)[number], appId: string): Promise<unknown> {
  if (procedure === 'preview') return caller.stats.preview({ appId, table: 'items' });
  return caller.stats[procedure]({ appId });
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return error instanceof TRPCError ? `${error.code}: ${error.message}` : `unexpected: ${String(error)}`;
  }
}

let owner: TestUser;
let privateApp: TestApp;
let publicApp: TestApp;
const users: Record<string, TestUser> = {};

beforeAll(async () => {
  const db = database.current.db;
  owner = await makeUser(db);
  for (const name of ['admin', 'member', 'viewer', 'outsider']) users[name] = await makeUser(db);
  users.platformAdmin = await makeUser(db, { admin: true });
  users.owner = owner;
  const members: Array<[TestUser, Role]> = [
    [users.admin as TestUser, 'admin'],
    [users.member as TestUser, 'member'],
    [users.viewer as TestUser, 'viewer'],
  ];
  privateApp = await makeApp(db, owner, { workspace: true, members });
  publicApp = await makeApp(db, owner, { workspace: true, visibility: 'public', members });
  for (const app of [privateApp, publicApp]) {
    await sql`create table ${sql.id(app.workspaceSchema as string, 'items')} (id int primary key)`.execute(db);
  }
});

const NOT_FOUND = 'NOT_FOUND: App not found';
const FORBIDDEN = 'FORBIDDEN: This needs member access to the app; ask an admin of the app';

describe('stats procedures × role × visibility (CONTRACT §4)', () => {
  // [who, private: overview, private: write paths, public: overview, public: write paths]
  const matrix: Array<[string, string, string, string, string]> = [
    ['owner', 'OK', 'OK', 'OK', 'OK'],
    ['admin', 'OK', 'OK', 'OK', 'OK'],
    ['member', 'OK', 'OK', 'OK', 'OK'],
    ['viewer', 'OK', FORBIDDEN, 'OK', FORBIDDEN],
    ['outsider', NOT_FOUND, NOT_FOUND, 'OK', FORBIDDEN],
    ['platformAdmin', 'OK', 'OK', 'OK', 'OK'],
  ];
  it.each(matrix)('%s', async (who, privateRead, privateWrite, publicRead, publicWrite) => {
    const caller = await callerFor(database.current.db, users[who] as TestUser);
    for (const [app, read, write] of [
      [privateApp, privateRead, privateWrite],
      [publicApp, publicRead, publicWrite],
    ] as const) {
      for (const ref of [app.id, app.id.toUpperCase(), app.naturalId]) {
        for (const procedure of PROCEDURES) {
          expect([procedure, ref, await outcome(call(caller, procedure, ref))]).toEqual([
            procedure,
            ref,
            procedure === 'overview' ? read : write,
          ]);
        }
      }
    }
  });

  it('answers an app that does not exist exactly as one the caller cannot read', async () => {
    const caller = await callerFor(database.current.db, users.outsider as TestUser);
    for (const ref of [randomUUID(), 'no-such-app', privateApp.naturalId, privateApp.id, 'x'.repeat(300)]) {
      for (const procedure of PROCEDURES) {
        const result = await outcome(call(caller, procedure, ref));
        expect(result === NOT_FOUND || (ref.length > 200 && result.startsWith('BAD_REQUEST'))).toBe(true);
      }
    }
  });
});

describe('stats procedures × credentials', () => {
  async function callerWith(headers: Record<string, string>): Promise<Caller> {
    return createCaller(await createContext({ db: database.current.db, headers: new Headers(headers) }));
  }

  it('refuses missing, malformed, unknown, expired and revoked credentials with UNAUTHORIZED on every app', async () => {
    const db = database.current.db;
    const system = systemCaller(db);
    const expired = await system.admin.createToken({ username: owner.username });
    await db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', expired.id)
      .execute();
    const revoked = await system.admin.createToken({ username: owner.username });
    await system.admin.revokeToken({ id: revoked.id });
    const credentials: Array<[string, Record<string, string>, string]> = [
      ['missing', {}, 'UNAUTHORIZED: Authentication required'],
      ['malformed bearer', { authorization: 'Bearer not-a-token' }, 'UNAUTHORIZED: Invalid or expired credentials'],
      [
        'malformed scheme',
        { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
        'UNAUTHORIZED: Invalid or expired credentials',
      ],
      ['empty bearer', { authorization: 'Bearer ' }, 'UNAUTHORIZED: Invalid or expired credentials'],
      [
        'unknown token',
        { authorization: `Bearer ast_${randomBytes(32).toString('base64url')}` },
        'UNAUTHORIZED: Invalid or expired credentials',
      ],
      ['expired token', { authorization: `Bearer ${expired.token}` }, 'UNAUTHORIZED: Invalid or expired credentials'],
      ['revoked token', { authorization: `Bearer ${revoked.token}` }, 'UNAUTHORIZED: Invalid or expired credentials'],
      [
        'unknown session',
        { cookie: `appstats_session=${randomBytes(32).toString('base64url')}` },
        'UNAUTHORIZED: Invalid or expired credentials',
      ],
    ];
    for (const [name, headers, expected] of credentials) {
      const caller = await callerWith(headers);
      for (const ref of [privateApp.id, publicApp.naturalId, randomUUID()]) {
        for (const procedure of PROCEDURES) {
          expect([name, procedure, await outcome(call(caller, procedure, ref))]).toEqual([name, procedure, expected]);
        }
      }
    }
    // The same owner with a live token is let in, so the refusals above are about the credential alone.
    expect(await outcome(call(await callerFor(db, owner), 'tables', privateApp.id))).toBe('OK');
  });
});

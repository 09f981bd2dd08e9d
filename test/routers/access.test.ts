import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { standingOn } from '../../server/access/permissions';
import type { Role } from '../../server/db/types';
import { useTestDatabase } from '../helpers/database';
import { callerFor, makeApp, makeUser, type TestUser } from '../helpers/fixtures';

const database = useTestDatabase();

describe('standingOn (CONTRACT §4)', () => {
  const app = { ownerId: 'o', visibility: 'private' as const };
  const user = (id: string, isAdmin = false) => ({ id, isAdmin });
  it.each([
    ['owner', user('o'), null, true, true],
    ['admin member', user('u'), 'admin', true, true],
    ['member', user('u'), 'member', true, true],
    ['viewer', user('u'), 'viewer', true, false],
    ['outsider', user('u'), null, false, false],
    ['platform admin', user('u', true), null, true, true],
  ] as const)('%s on a private app', (_, who, role, canRead, canWrite) => {
    expect(standingOn(app, who, role as Role | null)).toMatchObject({ canRead, canWrite });
  });
  it('public visibility lets anyone read but not write', () => {
    expect(standingOn({ ...app, visibility: 'public' }, user('u'), null)).toEqual({ role: null, canRead: true, canWrite: false });
  });
});

describe('app access through createCaller', () => {
  async function outcome(user: TestUser | null, appId: string): Promise<string> {
    try {
      const caller = await callerFor(database.current.db, user);
      const app = await caller.apps.get({ appId });
      return `ok:${app.role ?? 'none'}:${app.canWrite ? 'write' : 'read'}`;
    } catch (error) {
      return error instanceof TRPCError ? error.code : 'ERROR';
    }
  }

  it('reads by role × visibility, resolving UUID and natural id; NOT_FOUND is identical for hidden and missing', async () => {
    const db = database.current.db;
    const owner = await makeUser(db);
    const [admin, member, viewer, outsider] = await Promise.all([makeUser(db), makeUser(db), makeUser(db), makeUser(db)]);
    const platformAdmin = await makeUser(db, { admin: true });
    const members: Array<[TestUser, Role]> = [
      [admin, 'admin'],
      [member, 'member'],
      [viewer, 'viewer'],
    ];
    const privateApp = await makeApp(db, owner, { members });
    const publicApp = await makeApp(db, owner, { visibility: 'public', members });

    const expected: Array<[TestUser | null, string, string]> = [
      [owner, 'ok:owner:write', 'ok:owner:write'],
      [admin, 'ok:admin:write', 'ok:admin:write'],
      [member, 'ok:member:write', 'ok:member:write'],
      [viewer, 'ok:viewer:read', 'ok:viewer:read'],
      [outsider, 'NOT_FOUND', 'ok:none:read'],
      [platformAdmin, 'ok:owner:write', 'ok:owner:write'],
      [null, 'UNAUTHORIZED', 'UNAUTHORIZED'],
    ];
    for (const [user, onPrivate, onPublic] of expected) {
      for (const ref of [privateApp.id, privateApp.naturalId]) expect(await outcome(user, ref)).toBe(onPrivate);
      for (const ref of [publicApp.id, publicApp.naturalId]) expect(await outcome(user, ref)).toBe(onPublic);
    }

    const hidden = await (await callerFor(db, outsider)).apps.get({ appId: privateApp.id }).catch((e: TRPCError) => e);
    const missing = await (
      await callerFor(db, outsider)
    ).apps
      .get({ appId: '00000000-0000-4000-8000-000000000000' })
      .catch((e: TRPCError) => e);
    const missingSlug = await (await callerFor(db, outsider)).apps.get({ appId: 'no-such-app' }).catch((e: TRPCError) => e);
    expect(hidden).toBeInstanceOf(TRPCError);
    expect([missing, missingSlug].map((e) => [(e as TRPCError).code, (e as TRPCError).message])).toEqual([
      [(hidden as TRPCError).code, (hidden as TRPCError).message],
      [(hidden as TRPCError).code, (hidden as TRPCError).message],
    ]);
  });

  it('lists exactly the apps a user can read', async () => {
    const db = database.current.db;
    const owner = await makeUser(db);
    const viewer = await makeUser(db);
    const outsider = await makeUser(db);
    const mine = await makeApp(db, owner);
    const shared = await makeApp(db, owner, { members: [[viewer, 'viewer']] });
    const open = await makeApp(db, owner, { visibility: 'public' });
    const elsewhere = await makeApp(db, outsider);
    const created = new Set([mine.id, shared.id, open.id, elsewhere.id]);
    // Other tests' public apps are readable too: look only at the apps made here.
    const ids = async (u: TestUser) =>
      (await (await callerFor(db, u)).apps.list())
        .map((a) => a.id)
        .filter((id) => created.has(id))
        .sort();
    expect(await ids(owner)).toEqual([mine.id, shared.id, open.id].sort());
    expect(await ids(viewer)).toEqual([shared.id, open.id].sort());
    expect(await ids(outsider)).toEqual([open.id, elsewhere.id].sort());
  });
});

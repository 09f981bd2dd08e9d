import { describe, expect, it } from 'vitest';
import type { Role } from '../../server/db/types';
import { useTestDatabase } from '../helpers/database';
import { expectCode, outcomeCode } from '../helpers/errors';
import { type TestApp, type TestUser, callerFor, makeApp, makeUser, systemCaller } from '../helpers/fixtures';
import { EVIL_ORIGIN, requestWith, signedInCookie } from '../helpers/security';

// /apps/{id}/settings (CONTRACT §9): admins and the owner (platform admins count
// as owner) change members, visibility and name; readers and members get
// FORBIDDEN; who cannot read the app gets the NOT_FOUND of an unknown app.

const database = useTestDatabase();
const WHO = ['owner', 'admin', 'member', 'viewer', 'outsider', 'platformAdmin'] as const;
type Who = (typeof WHO)[number];

interface Crew {
  users: Record<Who, TestUser>;
  app: TestApp;
  target: TestUser;
  newcomer: TestUser;
}

/** An app with one user of every standing, a member to change (`target`) and a user to add (`newcomer`). */
async function crew(visibility: 'private' | 'public'): Promise<Crew> {
  const db = database.current.db;
  const users = {} as Record<Who, TestUser>;
  for (const who of WHO) users[who] = await makeUser(db, { admin: who === 'platformAdmin', prefix: who });
  const [target, newcomer] = [await makeUser(db, { prefix: 'target' }), await makeUser(db, { prefix: 'newcomer' })];
  const members: Array<[TestUser, Role]> = [
    [users.admin, 'admin'],
    [users.member, 'member'],
    [users.viewer, 'viewer'],
    [target, 'viewer'],
  ];
  const app = await makeApp(db, users.owner, { visibility, members });
  return { users, app, target, newcomer };
}

async function roleOf(c: Crew, user: TestUser): Promise<string | null> {
  const members = await (await callerFor(database.current.db, c.users.owner)).settings.members({ appId: c.app.id });
  return members.members.find((m) => m.username === user.username)?.role ?? null;
}

describe('every settings procedure × role × visibility', () => {
  // [who, private app, public app]
  const matrix: Array<[Who, string, string]> = [
    ['owner', 'OK', 'OK'],
    ['admin', 'OK', 'OK'],
    ['member', 'FORBIDDEN', 'FORBIDDEN'],
    ['viewer', 'FORBIDDEN', 'FORBIDDEN'],
    ['outsider', 'NOT_FOUND', 'FORBIDDEN'],
    ['platformAdmin', 'OK', 'OK'],
  ];
  it.each(matrix)('%s: private %s, public %s', async (who, privateOutcome, publicOutcome) => {
    for (const [visibility, expected] of [
      ['private', privateOutcome],
      ['public', publicOutcome],
    ] as const) {
      const c = await crew(visibility);
      const caller = await callerFor(database.current.db, c.users[who]);
      const appId = c.app.naturalId;
      const outcomes = {
        members: await outcomeCode(caller.settings.members({ appId })),
        addMember: await outcomeCode(caller.settings.addMember({ appId, username: c.newcomer.username, role: 'member' })),
        changeRole: await outcomeCode(caller.settings.changeRole({ appId, username: c.target.username, role: 'admin' })),
        rename: await outcomeCode(caller.settings.rename({ appId, name: `Renamed by ${who}` })),
        setVisibility: await outcomeCode(caller.settings.setVisibility({ appId, visibility })),
        removeMember: await outcomeCode(caller.settings.removeMember({ appId: c.app.id, username: c.target.username })),
      };
      expect(outcomes, `${who} on a ${visibility} app`).toEqual({
        members: expected,
        addMember: expected,
        changeRole: expected,
        rename: expected,
        setVisibility: expected,
        removeMember: expected,
      });
      const app = await (await callerFor(database.current.db, c.users.owner)).apps.get({ appId });
      expect(app.name).toBe(expected === 'OK' ? `Renamed by ${who}` : 'Test app');
      expect(await roleOf(c, c.newcomer)).toBe(expected === 'OK' ? 'member' : null);
      expect(await roleOf(c, c.target)).toBe(expected === 'OK' ? null : 'viewer');
    }
  });
});

describe('the owner is untouchable and nobody becomes owner', () => {
  it.each(['owner', 'admin', 'platformAdmin'] as const)('%s cannot add, change or remove the owner', async (who) => {
    const c = await crew('private');
    const caller = await callerFor(database.current.db, c.users[who]);
    const appId = c.app.id;
    const owner = c.users.owner.username;
    for (const call of [
      () => caller.settings.addMember({ appId, username: owner, role: 'viewer' }),
      () => caller.settings.changeRole({ appId, username: owner, role: 'viewer' }),
      () => caller.settings.removeMember({ appId, username: owner }),
    ]) {
      expect((await expectCode(call(), 'FORBIDDEN')).message).toMatch(/owns this app/);
    }
    const bad = { appId, username: c.target.username, role: 'owner' } as unknown as { appId: string; username: string; role: Role };
    await expectCode(caller.settings.changeRole(bad), 'BAD_REQUEST');
    await expectCode(caller.settings.addMember({ ...bad, username: c.newcomer.username }), 'BAD_REQUEST');
    expect(await roleOf(c, c.users.owner)).toBe('owner');
    await expectCode(systemCaller(database.current.db).admin.addMember({ app: appId, username: owner, role: 'admin' }), 'FORBIDDEN');
  });
});

describe('clear errors', () => {
  it('unknown username, duplicate member, not a member, empty name', async () => {
    const c = await crew('private');
    const caller = await callerFor(database.current.db, c.users.admin);
    const appId = c.app.id;
    const ghost = await expectCode(caller.settings.addMember({ appId, username: 'no-such-person', role: 'viewer' }), 'NOT_FOUND');
    expect(ghost.message).toBe('Unknown user: no-such-person');
    const twice = await expectCode(caller.settings.addMember({ appId, username: c.target.username, role: 'admin' }), 'CONFLICT');
    expect(twice.message).toBe(`${c.target.username} is already a member (viewer); change their role in the list instead`);
    expect(await roleOf(c, c.target)).toBe('viewer');
    const absent = await expectCode(caller.settings.changeRole({ appId, username: c.newcomer.username, role: 'member' }), 'NOT_FOUND');
    expect(absent.message).toBe(`${c.newcomer.username} is not a member of this app`);
    await expectCode(caller.settings.removeMember({ appId, username: c.newcomer.username }), 'NOT_FOUND');
    expect((await expectCode(caller.settings.rename({ appId, name: '   ' }), 'BAD_REQUEST')).message).toMatch(/name/);
    await expect(caller.settings.rename({ appId, name: '  Shop  ' })).resolves.toMatchObject({ name: 'Shop', role: 'admin' });
  });

  it('refuses a cross-site form with FORBIDDEN', async () => {
    const c = await crew('private');
    const cookie = await signedInCookie(database.current.db, c.users.owner);
    const { caller } = await requestWith(database.current.db, { cookie, origin: EVIL_ORIGIN });
    expect((await expectCode(caller.settings.setVisibility({ appId: c.app.id, visibility: 'public' }), 'FORBIDDEN')).message).toMatch(
      /cross-site/i,
    );
    expect((await (await callerFor(database.current.db, c.users.owner)).apps.get({ appId: c.app.id })).visibility).toBe('private');
  });
});

describe('changes take effect at once', () => {
  it('a role given or taken counts on the very next call, even in the same context', async () => {
    const c = await crew('private');
    const db = database.current.db;
    const owner = await callerFor(db, c.users.owner);
    const admin = await callerFor(db, c.users.admin);
    const appId = c.app.naturalId;
    await expect(admin.settings.members({ appId })).resolves.toBeTruthy();

    const newcomer = await callerFor(db, c.newcomer);
    await expectCode(newcomer.stats.overview({ appId }), 'NOT_FOUND');
    await admin.settings.addMember({ appId, username: c.newcomer.username, role: 'viewer' });
    await expect((await callerFor(db, c.newcomer)).stats.overview({ appId })).resolves.toBeTruthy();
    await expectCode((await callerFor(db, c.newcomer)).stats.api({ appId }), 'FORBIDDEN');
    await admin.settings.changeRole({ appId, username: c.newcomer.username, role: 'member' });
    await expect((await callerFor(db, c.newcomer)).stats.api({ appId })).resolves.toBeTruthy();

    // The admin's own context resolved the app for a query above; its mutations resolve afresh.
    await owner.settings.changeRole({ appId, username: c.users.admin.username, role: 'member' });
    await expectCode(admin.settings.addMember({ appId, username: c.target.username, role: 'admin' }), 'FORBIDDEN');
    await owner.settings.removeMember({ appId, username: c.users.admin.username });
    await expectCode(admin.settings.rename({ appId, name: 'Mine now' }), 'NOT_FOUND');

    await owner.settings.setVisibility({ appId, visibility: 'public' });
    await expect((await callerFor(db, c.users.outsider)).stats.overview({ appId })).resolves.toBeTruthy();
    await owner.settings.setVisibility({ appId, visibility: 'private' });
    await expectCode((await callerFor(db, c.users.outsider)).stats.overview({ appId }), 'NOT_FOUND');
  });

  it('lists the owner first, then members by role and name, and the CLI changes roles through the same rule', async () => {
    const c = await crew('private');
    const db = database.current.db;
    await db.insertInto('memberships').values({ app_id: c.app.id, user_id: c.users.owner.id, role: 'viewer' }).execute();
    const { members } = await (await callerFor(db, c.users.admin)).settings.members({ appId: c.app.id });
    const viewers = [c.users.viewer.username, c.target.username].sort();
    expect(members.map((m) => [m.username, m.role])).toEqual([
      [c.users.owner.username, 'owner'],
      [c.users.admin.username, 'admin'],
      [c.users.member.username, 'member'],
      ...viewers.map((name) => [name, 'viewer']),
    ]);
    expect(members[0]?.addedAt).toBeNull();
    expect(members[1]?.addedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const system = systemCaller(db);
    await expect(system.admin.addMember({ app: c.app.naturalId, username: c.target.username, role: 'admin' })).resolves.toEqual({
      appId: c.app.id,
      username: c.target.username,
      role: 'admin',
    });
    expect(await roleOf(c, c.target)).toBe('admin');
  });
});

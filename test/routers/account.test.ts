import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../server/db/types';
import { useTestDatabase } from '../helpers/database';
import { expectCode } from '../helpers/errors';
import { type TestApp, type TestUser, makeApp, makeUser } from '../helpers/fixtures';
import { EVIL_ORIGIN, SAME_ORIGIN, requestWith, signedInCookie } from '../helpers/security';
import { DAY_MS } from '../../lib/range';

// /account (CONTRACT §9): the signed-in user's own tokens, password and sessions,
// through the procedures the page calls, with the contexts the HTTP route builds.

const database = useTestDatabase();

/** A caller in a browser session (same-origin, as the page sends its mutations). */
async function browser(cookie: string, now?: Date) {
  return (await requestWith(database.current.db, { cookie, origin: SAME_ORIGIN }, now)).caller;
}

/** A caller presenting a bearer token, as REST and services do. */
async function bearer(token: string, now?: Date) {
  return (await requestWith(database.current.db, { authorization: `Bearer ${token}` }, now)).caller;
}

const users: Record<string, TestUser> = {};
let app: TestApp;
const WHO = ['owner', 'admin', 'member', 'viewer', 'outsider', 'platformAdmin'] as const;

beforeAll(async () => {
  const db = database.current.db;
  for (const who of WHO) users[who] = await makeUser(db, { admin: who === 'platformAdmin', prefix: who });
  const members: Array<[TestUser, Role]> = [
    [users.admin as TestUser, 'admin'],
    [users.member as TestUser, 'member'],
    [users.viewer as TestUser, 'viewer'],
  ];
  app = await makeApp(db, users.owner as TestUser, { members });
});

describe('account tokens', () => {
  it('a token made on /account works at once and stops the moment it is revoked', async () => {
    const owner = users.owner as TestUser;
    const page = await browser(await signedInCookie(database.current.db, owner));
    const created = await page.account.createToken({ name: 'deploy bot' });
    expect(created).toMatchObject({ name: 'deploy bot', expiresAt: null });
    expect(created.token).toMatch(/^ast_[A-Za-z0-9_-]{43}$/);

    const service = await bearer(created.token);
    await expect(service.stats.overview({ appId: app.naturalId })).resolves.toMatchObject({ appId: app.id });
    const listed = (await page.account.tokens()).find((t) => t.id === created.id);
    expect(listed).toMatchObject({ name: 'deploy bot', state: 'active', revokedAt: null });
    expect(listed?.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(await page.account.tokens())).not.toContain(created.token);

    await expect(page.account.revokeToken({ id: created.id })).resolves.toMatchObject({ id: created.id });
    await expectCode((await bearer(created.token)).stats.overview({ appId: app.naturalId }), 'UNAUTHORIZED');
    await expect(page.account.revokeToken({ id: created.id })).resolves.toMatchObject({ id: created.id });
    expect((await page.account.tokens()).find((t) => t.id === created.id)?.state).toBe('revoked');
  });

  it('lists the CLI-made tokens too, and an expiry runs from now in whole days', async () => {
    const user = await makeUser(database.current.db, { prefix: 'expiry' });
    const now = new Date('2030-01-01T00:00:00.000Z');
    const page = await browser(await signedInCookie(database.current.db, user, now), now);
    const before = await page.account.tokens();
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({ name: null, state: 'active', expiresAt: null });
    expect(Object.keys(before[0] ?? {}).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'revokedAt', 'state']);

    const week = await page.account.createToken({ name: 'week', expiresInDays: 7 });
    expect(week.expiresAt).toBe(new Date(now.getTime() + 7 * DAY_MS).toISOString());
    await expect((await bearer(week.token, new Date(now.getTime() + 6 * DAY_MS))).auth.me()).resolves.toBeTruthy();
    await expectCode((await bearer(week.token, new Date(now.getTime() + 8 * DAY_MS))).auth.me(), 'UNAUTHORIZED');
    const later = await browser(
      await signedInCookie(database.current.db, user, new Date(now.getTime() + 8 * DAY_MS)),
      new Date(now.getTime() + 8 * DAY_MS),
    );
    expect((await later.account.tokens()).find((t) => t.id === week.id)?.state).toBe('expired');
  });

  it('refuses a bad name or expiry with BAD_REQUEST naming it', async () => {
    const page = await browser(await signedInCookie(database.current.db, users.member as TestUser));
    for (const input of [{ name: '   ' }, { name: 'x'.repeat(201) }]) {
      expect((await expectCode(page.account.createToken(input), 'BAD_REQUEST')).message).toMatch(/name/i);
    }
    for (const expiresInDays of [0, -1, 2.5, 3651]) {
      expect((await expectCode(page.account.createToken({ name: 'x', expiresInDays }), 'BAD_REQUEST')).message).toMatch(/Expires in days/);
    }
  });

  it.each(WHO)('%s manages their own tokens and no one else’s', async (who) => {
    const db = database.current.db;
    const user = users[who] as TestUser;
    const page = await browser(await signedInCookie(db, user));
    const created = await page.account.createToken({ name: `${who} token` });
    const mine = await page.account.tokens();
    expect(mine.map((t) => t.id)).toContain(created.id);

    const stranger = await makeUser(db, { prefix: 'stranger' });
    const theirs = await browser(await signedInCookie(db, stranger));
    const foreign = await theirs.account.createToken({ name: 'not yours' });
    expect(mine.map((t) => t.id)).not.toContain(foreign.id);
    expect((await expectCode(page.account.revokeToken({ id: foreign.id }), 'NOT_FOUND')).message).toBe('Unknown token');
    await expect((await bearer(foreign.token)).auth.me()).resolves.toMatchObject({ username: stranger.username });
    await page.account.revokeToken({ id: created.id });
    await expectCode((await bearer(created.token)).auth.me(), 'UNAUTHORIZED');
  });
});

describe('who may use /account', () => {
  it('an API token is FORBIDDEN, no credentials UNAUTHORIZED, a cross-site form FORBIDDEN', async () => {
    const db = database.current.db;
    const user = users.viewer as TestUser;
    const token = await bearer(user.token);
    await expectCode(token.account.tokens(), 'FORBIDDEN');
    await expectCode(token.account.createToken({ name: 'minted by a token' }), 'FORBIDDEN');
    await expectCode(token.account.signOutEverywhere(), 'FORBIDDEN');
    await expectCode(token.account.changePassword({ currentPassword: user.password, newPassword: 'a-new-password' }), 'FORBIDDEN');

    const nobody = (await requestWith(db, { origin: SAME_ORIGIN })).caller;
    await expectCode(nobody.account.tokens(), 'UNAUTHORIZED');
    await expectCode(nobody.account.createToken({ name: 'x' }), 'UNAUTHORIZED');

    const cookie = await signedInCookie(db, user);
    const evil = (await requestWith(db, { cookie, origin: EVIL_ORIGIN })).caller;
    expect((await expectCode(evil.account.createToken({ name: 'csrf' }), 'FORBIDDEN')).message).toMatch(/cross-site/i);
    await expectCode(evil.account.signOutEverywhere(), 'FORBIDDEN');
    await expect((await browser(cookie)).auth.me()).resolves.toMatchObject({ username: user.username });
  });
});

describe('changePassword and signOutEverywhere', () => {
  it('a wrong current password changes nothing; the right one ends every other session and keeps this one', async () => {
    const db = database.current.db;
    const user = await makeUser(db, { prefix: 'pw' });
    const [here, elsewhere, third] = [await signedInCookie(db, user), await signedInCookie(db, user), await signedInCookie(db, user)];
    const page = await browser(here);

    const wrong = await expectCode(
      page.account.changePassword({ currentPassword: 'not-it', newPassword: 'a-new-password' }),
      'BAD_REQUEST',
    );
    expect(wrong.message).toBe('The current password is wrong');
    await expect((await browser(elsewhere)).auth.me()).resolves.toBeTruthy();
    const short = await expectCode(page.account.changePassword({ currentPassword: user.password, newPassword: 'short' }), 'BAD_REQUEST');
    expect(short.message).toMatch(/at least 8 characters/);

    await expect(page.account.changePassword({ currentPassword: user.password, newPassword: 'a-new-password' })).resolves.toEqual({
      endedSessions: 2,
    });
    await expect((await browser(here)).auth.me()).resolves.toMatchObject({ username: user.username });
    await expectCode((await browser(elsewhere)).auth.me(), 'UNAUTHORIZED');
    await expectCode((await browser(third)).auth.me(), 'UNAUTHORIZED');
    await expect((await bearer(user.token)).auth.me()).resolves.toBeTruthy();

    const signIn = (await requestWith(db, { origin: SAME_ORIGIN })).caller.auth.signIn;
    await expectCode(signIn({ username: user.username, password: user.password }), 'UNAUTHORIZED');
    await expect(signIn({ username: user.username, password: 'a-new-password' })).resolves.toMatchObject({ id: user.id });
  });

  it('sign out everywhere ends the user’s other sessions only', async () => {
    const db = database.current.db;
    const user = await makeUser(db, { prefix: 'everywhere' });
    const other = await makeUser(db, { prefix: 'bystander' });
    const [here, phone, laptop] = [await signedInCookie(db, user), await signedInCookie(db, user), await signedInCookie(db, user)];
    const bystander = await signedInCookie(db, other);

    await expect((await browser(here)).account.signOutEverywhere()).resolves.toEqual({ endedSessions: 2 });
    await expectCode((await browser(phone)).auth.me(), 'UNAUTHORIZED');
    await expectCode((await browser(laptop)).auth.me(), 'UNAUTHORIZED');
    await expect((await browser(here)).auth.me()).resolves.toMatchObject({ username: user.username });
    await expect((await browser(bystander)).auth.me()).resolves.toMatchObject({ username: other.username });
    await expect((await browser(here)).account.signOutEverywhere()).resolves.toEqual({ endedSessions: 0 });
  });
});

import { createHmac } from 'node:crypto';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readCookie, sessionCookie, sessionCookieName } from '../../server/auth/cookies';
import { authSecret } from '../../server/auth/secret';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../server/auth/sessions';
import { generateToken, hashToken } from '../../server/auth/tokens';
import { createDatabase } from '../../server/db/client';
import { createContext } from '../../server/trpc/context';
import { useTestDatabase } from '../helpers/database';
import { makeUser, systemCaller } from '../helpers/fixtures';
import { SAME_ORIGIN, requestWith, sessionIdFrom, signedInCookie } from '../helpers/security';
import { expectCode } from '../helpers/errors';
import { DAY_MS } from '../../lib/range';

const database = useTestDatabase();

afterEach(() => {
  vi.unstubAllEnvs();
});

async function meWith(headers: Record<string, string>, now = new Date()) {
  return (await requestWith(database.current.db, headers, now)).caller.auth.me();
}

describe('API tokens', () => {
  it('answer expired, revoked, unknown and malformed tokens with one and the same 401', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const admin = systemCaller(db);
    const expired = await admin.admin.createToken({ username: user.username, expiresInDays: 1 });
    const revoked = await admin.admin.createToken({ username: user.username });
    await admin.admin.revokeToken({ id: revoked.id });
    const later = new Date(Date.now() + 2 * DAY_MS);
    const flipped = user.token.slice(0, -1) + (user.token.endsWith('A') ? 'B' : 'A');

    const cases: Array<[string, string, Date?]> = [
      ['expired', `Bearer ${expired.token}`, later],
      ['revoked', `Bearer ${revoked.token}`],
      ['unknown (never issued)', `Bearer ${generateToken().token}`],
      ['unknown (one character changed)', `Bearer ${flipped}`],
      ['malformed (too long)', `Bearer ${user.token}x`],
      ['malformed (wrong prefix)', `Bearer ${user.token.replace('ast_', 'ask_')}`],
      ['malformed (the stored hash itself)', `Bearer ${hashToken(user.token)}`],
      ['malformed (no token)', 'Bearer'],
      ['malformed (two tokens)', `Bearer ${user.token} ${user.token}`],
      ['malformed (another scheme)', `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`],
      ['malformed (empty)', ''],
    ];
    const answers = new Set<string>();
    for (const [label, authorization, at] of cases) {
      const error = await expectCode(meWith({ authorization }, at), 'UNAUTHORIZED');
      answers.add(JSON.stringify({ status: getHTTPStatusCodeFromError(error), code: error.code, message: error.message }));
      expect(answers.size, label).toBe(1);
    }
    expect([...answers]).toEqual([JSON.stringify({ status: 401, code: 'UNAUTHORIZED', message: 'Invalid or expired credentials' })]);
    // The same tokens work while live.
    await expect(meWith({ authorization: `Bearer ${expired.token}` })).resolves.toMatchObject({ username: user.username });
    await expect(meWith({ authorization: `bearer ${user.token}` })).resolves.toMatchObject({ username: user.username });
  });

  it('prefers a bad bearer header over a good session cookie (no silent fallback)', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const cookie = await signedInCookie(db, user);
    await expectCode(meWith({ cookie, authorization: 'Bearer nope' }), 'UNAUTHORIZED');
  });

  it('meet a database outage with SERVICE_UNAVAILABLE, not a 500', async () => {
    const unreachable = createDatabase('postgres://nobody:nothing@127.0.0.1:9/none', { max: 1 });
    try {
      const context = createContext({ db: unreachable.db, headers: new Headers({ authorization: `Bearer ${generateToken().token}` }) });
      await expectCode(context, 'SERVICE_UNAVAILABLE');
    } finally {
      await unreachable.destroy();
    }
  });

  it('do not open sessions, and sessions are not tokens', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    await expectCode(meWith({ cookie: `${sessionCookieName()}=${user.token}` }), 'UNAUTHORIZED');
    const sessionId = (await signedInCookie(db, user)).split('=')[1] ?? '';
    await expectCode(meWith({ authorization: `Bearer ${sessionId}` }), 'UNAUTHORIZED');
    await expectCode(meWith({ authorization: `Bearer ast_${sessionId}` }), 'UNAUTHORIZED');
  });
});

describe('session lifecycle', () => {
  it('stores only an HMAC of the id under AUTH_SECRET', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const id = (await signedInCookie(db, user)).split('=')[1] ?? '';
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await db.selectFrom('sessions').select('id_hash').where('user_id', '=', user.id).execute();
    expect(rows).toEqual([{ id_hash: createHmac('sha256', authSecret()).update(id).digest('hex') }]);
    // The stored hash is useless as a cookie.
    await expectCode(meWith({ cookie: `${sessionCookieName()}=${rows[0]?.id_hash}` }), 'UNAUTHORIZED');
  });

  it('issues a new id on every sign-in and ends the session the browser held before', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const before = await signedInCookie(db, user);
    const { caller, cookies } = await requestWith(db, { cookie: before, origin: SAME_ORIGIN });
    await caller.auth.signIn({ username: user.username, password: user.password });
    const after = `${sessionCookieName()}=${sessionIdFrom(cookies[0])}`;
    expect(after).not.toBe(before);
    await expectCode(meWith({ cookie: before }), 'UNAUTHORIZED');
    await expect(meWith({ cookie: after })).resolves.toMatchObject({ username: user.username });
  });

  it('dies server-side on sign-out: the old cookie replayed is refused and its row is gone', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const cookie = await signedInCookie(db, user);
    const { caller, cookies } = await requestWith(db, { cookie, origin: SAME_ORIGIN });
    await expect(caller.auth.signOut()).resolves.toEqual({ signedOut: true });
    expect(cookies[0]).toMatch(new RegExp(`^${sessionCookieName()}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`));
    await expectCode(meWith({ cookie }), 'UNAUTHORIZED');
    expect(await db.selectFrom('sessions').select('id_hash').where('user_id', '=', user.id).execute()).toEqual([]);
  });

  it('times out after the idle limit, and at the absolute limit however busy', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const start = new Date('2030-05-01T00:00:00Z');
    const idle = await signedInCookie(db, user, start);
    await expect(meWith({ cookie: idle }, new Date(start.getTime() + SESSION_IDLE_MS - 1000))).resolves.toBeTruthy();
    const quiet = new Date(start.getTime() + 2 * SESSION_IDLE_MS - 500);
    await expectCode(meWith({ cookie: idle }, quiet), 'UNAUTHORIZED');

    const busy = await signedInCookie(db, user, start);
    for (let t = start.getTime() + DAY_MS; t < start.getTime() + SESSION_ABSOLUTE_MS; t += DAY_MS) {
      await expect(meWith({ cookie: busy }, new Date(t))).resolves.toBeTruthy();
    }
    await expectCode(meWith({ cookie: busy }, new Date(start.getTime() + SESSION_ABSOLUTE_MS)), 'UNAUTHORIZED');
  });

  it('refuses ids that are not ours: tampered, truncated, padded, or of another shape', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const id = (await signedInCookie(db, user)).split('=')[1] ?? '';
    const forged = id.slice(0, -1) + (id.endsWith('A') ? 'B' : 'A');
    for (const value of [forged, id.slice(0, -1), `${id}A`, ` ${id}x`, '', 'null', `"${id}"`]) {
      await expectCode(meWith({ cookie: `${sessionCookieName()}=${value}` }), 'UNAUTHORIZED');
    }
  });
});

describe('session cookie in production', () => {
  it('is __Host- prefixed, Secure, HttpOnly, SameSite=Lax, Path=/ and has no Domain', () => {
    vi.stubEnv('NODE_ENV', 'production');
    const cookie = sessionCookie('abc', 3600);
    expect(cookie.split('; ').sort()).toEqual(
      ['HttpOnly', 'Max-Age=3600', 'Path=/', 'SameSite=Lax', 'Secure', '__Host-appstats_session=abc'].sort(),
    );
    expect(sessionCookie('', 0)).toMatch(/^__Host-appstats_session=; .*Max-Age=0/);
    expect(sessionCookie('', 0)).toMatch(/Secure/);
  });

  it('is the only cookie a production server reads', async () => {
    vi.stubEnv('AUTH_SECRET', 'a-test-secret-of-at-least-32-characters!');
    authSecret();
    vi.stubEnv('NODE_ENV', 'production');
    const db = database.current.db;
    const user = await makeUser(db);
    const { caller, cookies } = await requestWith(db, { origin: SAME_ORIGIN });
    await caller.auth.signIn({ username: user.username, password: user.password });
    expect(cookies[0]).toMatch(/^__Host-appstats_session=[A-Za-z0-9_-]{43}; /);
    expect(cookies[0]).toMatch(/; Secure/);
    const id = readCookie(cookies[0]?.split(';')[0] ?? '', '__Host-appstats_session') ?? '';
    await expect(meWith({ cookie: `__Host-appstats_session=${id}` })).resolves.toMatchObject({ username: user.username });
    await expectCode(meWith({ cookie: `appstats_session=${id}` }), 'UNAUTHORIZED');
  });
});

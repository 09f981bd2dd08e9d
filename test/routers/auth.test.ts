import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { sessionCookieName } from '../../server/auth/cookies';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../server/auth/sessions';
import { createContext } from '../../server/trpc/context';
import { createCaller } from '../../server/trpc/routers/_app';
import { useTestDatabase } from '../helpers/database';
import { makeUser, systemCaller } from '../helpers/fixtures';

const database = useTestDatabase();

async function callerWith(headers: Record<string, string>, now = new Date()) {
  const cookies: string[] = [];
  const ctx = await createContext({
    db: database.current.db,
    headers: new Headers(headers),
    now: () => now,
    setCookie: (c) => cookies.push(c),
  });
  return { caller: createCaller(ctx), cookies };
}

async function expectCode(promise: Promise<unknown>, code: TRPCError['code']) {
  await expect(promise).rejects.toSatisfy((error: unknown) => error instanceof TRPCError && error.code === code);
}

function sessionIdFrom(setCookie: string): string {
  const match = new RegExp(`^${sessionCookieName()}=([^;]*)`).exec(setCookie);
  if (!match?.[1]) throw new Error(`no session cookie in ${setCookie}`);
  return match[1];
}

describe('API tokens', () => {
  it('authenticate while live; expired, revoked, unknown and malformed tokens are UNAUTHORIZED', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const admin = systemCaller(db);
    const me = (await callerWith({ authorization: `Bearer ${user.token}` })).caller.auth.me();
    await expect(me).resolves.toMatchObject({ username: user.username });

    const expiring = await admin.admin.createToken({ username: user.username, expiresInDays: 1 });
    const later = new Date(Date.now() + 2 * 24 * 3600 * 1000);
    await expect((await callerWith({ authorization: `Bearer ${expiring.token}` })).caller.auth.me()).resolves.toBeTruthy();
    await expectCode((await callerWith({ authorization: `Bearer ${expiring.token}` }, later)).caller.auth.me(), 'UNAUTHORIZED');

    const zero = await admin.admin.createToken({ username: user.username, expiresInDays: 0 });
    await expectCode((await callerWith({ authorization: `Bearer ${zero.token}` })).caller.auth.me(), 'UNAUTHORIZED');

    const revoked = await admin.admin.createToken({ username: user.username });
    await admin.admin.revokeToken({ id: revoked.id });
    await expectCode((await callerWith({ authorization: `Bearer ${revoked.token}` })).caller.auth.me(), 'UNAUTHORIZED');
    await expect(admin.admin.revokeToken({ id: revoked.id })).resolves.toEqual({ id: revoked.id, revoked: true });

    const unknown = `ast_${'A'.repeat(43)}`;
    for (const header of [`Bearer ${unknown}`, 'Bearer nonsense', 'Basic dXNlcjpwYXNz', 'Bearer', '', `Bearer ${user.token}x`]) {
      await expectCode((await callerWith({ authorization: header })).caller.auth.me(), 'UNAUTHORIZED');
    }
    await expectCode((await callerWith({})).caller.auth.me(), 'UNAUTHORIZED');
  });

  it('stores only a SHA-256 hash of each token', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const rows = await db.selectFrom('api_tokens').select('token_hash').execute();
    expect(rows.some((r) => r.token_hash.includes(user.token))).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
  });
});

describe('sessions', () => {
  it('sign-in sets an HttpOnly, SameSite=Lax cookie with a fresh id that authenticates until sign-out', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const first = await callerWith({});
    await first.caller.auth.signIn({ username: user.username, password: user.password });
    const cookie = first.cookies[0] ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const id = sessionIdFrom(cookie);

    const second = await callerWith({});
    await second.caller.auth.signIn({ username: user.username, password: user.password });
    expect(sessionIdFrom(second.cookies[0] ?? '')).not.toBe(id);

    const signedIn = await callerWith({ cookie: `${sessionCookieName()}=${id}` });
    await expect(signedIn.caller.auth.me()).resolves.toMatchObject({ username: user.username });
    await signedIn.caller.auth.signOut();
    expect(signedIn.cookies[0]).toMatch(/Max-Age=0/);
    await expectCode((await callerWith({ cookie: `${sessionCookieName()}=${id}` })).caller.auth.me(), 'UNAUTHORIZED');
    const stored = await db.selectFrom('sessions').select('id_hash').execute();
    expect(stored.some((s) => s.id_hash.includes(id))).toBe(false);
  });

  it('expires after the idle and the absolute timeout', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const start = new Date();
    const open = await callerWith({}, start);
    await open.caller.auth.signIn({ username: user.username, password: user.password });
    const cookie = `${sessionCookieName()}=${sessionIdFrom(open.cookies[0] ?? '')}`;

    const idle = new Date(start.getTime() + SESSION_IDLE_MS + 1000);
    await expectCode((await callerWith({ cookie }, idle)).caller.auth.me(), 'UNAUTHORIZED');

    const again = await callerWith({}, start);
    await again.caller.auth.signIn({ username: user.username, password: user.password });
    const cookie2 = `${sessionCookieName()}=${sessionIdFrom(again.cookies[0] ?? '')}`;
    // Kept alive by activity, it still ends at the absolute limit.
    const step = SESSION_IDLE_MS / 2;
    let t = start.getTime();
    while (t + step < start.getTime() + SESSION_ABSOLUTE_MS) {
      t += step;
      await expect((await callerWith({ cookie: cookie2 }, new Date(t))).caller.auth.me()).resolves.toBeTruthy();
    }
    await expectCode(
      (await callerWith({ cookie: cookie2 }, new Date(start.getTime() + SESSION_ABSOLUTE_MS + 1000))).caller.auth.me(),
      'UNAUTHORIZED',
    );
  });

  it('rejects wrong passwords and unknown users with the same message', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const wrong = (await callerWith({})).caller.auth.signIn({ username: user.username, password: 'nope' });
    const unknown = (await callerWith({})).caller.auth.signIn({ username: 'nobody-at-all', password: 'nope' });
    const messages = await Promise.all(
      [wrong, unknown].map((p) =>
        p.then(
          () => 'ok',
          (e: unknown) => (e as TRPCError).message,
        ),
      ),
    );
    expect(messages[0]).toBe('Wrong username or password');
    expect(messages[1]).toBe(messages[0]);
  });

  it('refuses administration procedures to any HTTP caller, even a platform admin', async () => {
    const db = database.current.db;
    const admin = await makeUser(db, { admin: true });
    const { caller } = await callerWith({ authorization: `Bearer ${admin.token}` });
    await expectCode(caller.admin.createUser({ username: 'sneaky', password: 'x', admin: true }), 'FORBIDDEN');
  });
});

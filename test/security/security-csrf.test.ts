import { afterEach, describe, expect, it, vi } from 'vitest';
import { isCrossSite } from '../../server/auth/csrf';
import { authedProcedure, createCallerFactory, router } from '../../server/trpc/init';
import { useTestDatabase } from '../helpers/database';
import { makeUser } from '../helpers/fixtures';
import { EVIL_ORIGIN, HOST, SAME_ORIGIN, requestWith, signedInCookie } from '../helpers/security';
import { expectCode } from '../helpers/errors';

const database = useTestDatabase();

// Any authenticated mutation, present or future, gets the rule from the base procedures.
const probe = router({
  change: authedProcedure.mutation(({ ctx }) => ({ changedBy: ctx.principal.username })),
  read: authedProcedure.query(({ ctx }) => ({ readBy: ctx.principal.username })),
});
const createProbe = createCallerFactory(probe);

async function probeWith(headers: Record<string, string>) {
  const { ctx } = await requestWith(database.current.db, headers);
  return createProbe(ctx);
}

const CROSS_SITE_SIGNALS: Array<[string, Record<string, string>]> = [
  ['a foreign Origin', { origin: EVIL_ORIGIN }],
  ['Origin: null (sandboxed frame, data: URL)', { origin: 'null' }],
  ['an Origin on another port of this host', { origin: `${SAME_ORIGIN}:8443` }],
  ['a sibling subdomain', { origin: `https://app.${HOST}` }],
  ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
  ['Sec-Fetch-Site: cross-site with a matching Origin', { 'sec-fetch-site': 'cross-site', origin: SAME_ORIGIN }],
  ['an Origin that is not a URL', { origin: 'not a url' }],
];

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('CSRF: cookie-authenticated mutations', () => {
  it.each(CROSS_SITE_SIGNALS)('refuses %s with FORBIDDEN and changes nothing', async (_label, signal) => {
    const db = database.current.db;
    const user = await makeUser(db);
    const cookie = await signedInCookie(db, user);
    const caller = await probeWith({ cookie, ...signal });
    const error = await expectCode(caller.change(), 'FORBIDDEN');
    expect(error.message).toMatch(/cross-site/i);

    // Signing out is a change too: refused, and the session lives on.
    const { caller: app } = await requestWith(db, { cookie, ...signal });
    await expectCode(app.auth.signOut(), 'FORBIDDEN');
    await expect((await requestWith(db, { cookie })).caller.auth.me()).resolves.toMatchObject({ username: user.username });
  });

  it.each<[string, Record<string, string>]>([
    ['a same-origin Origin', { origin: SAME_ORIGIN }],
    ['Sec-Fetch-Site: same-origin', { 'sec-fetch-site': 'same-origin' }],
    ['Sec-Fetch-Site: none (typed into the address bar)', { 'sec-fetch-site': 'none' }],
    ['no browser headers at all (curl, a service)', {}],
  ])('accepts %s', async (_label, signal) => {
    const db = database.current.db;
    const user = await makeUser(db);
    const cookie = await signedInCookie(db, user);
    await expect((await probeWith({ cookie, ...signal })).change()).resolves.toEqual({ changedBy: user.username });
  });

  it('lets cross-site reads through (they change nothing; the browser keeps the answer from the other site)', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const cookie = await signedInCookie(db, user);
    await expect((await probeWith({ cookie, origin: EVIL_ORIGIN })).read()).resolves.toEqual({ readBy: user.username });
  });

  it('exempts bearer-token requests, which no other site can make a browser send', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const caller = await probeWith({ authorization: `Bearer ${user.token}`, origin: EVIL_ORIGIN, 'sec-fetch-site': 'cross-site' });
    await expect(caller.change()).resolves.toEqual({ changedBy: user.username });
  });

  it('does not let a cookie ride along with a bad bearer header', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const cookie = await signedInCookie(db, user);
    const caller = await probeWith({ cookie, authorization: 'Bearer ast_forged', origin: EVIL_ORIGIN });
    await expectCode(caller.change(), 'FORBIDDEN');
    await expectCode((await probeWith({ cookie, authorization: 'Bearer ast_forged' })).change(), 'UNAUTHORIZED');
  });
});

describe('CSRF: sign-in (login CSRF)', () => {
  it('refuses a cross-site sign-in before looking at the password: no session, no cookie', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const before = await db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    for (const [, signal] of CROSS_SITE_SIGNALS) {
      const { caller, cookies } = await requestWith(db, signal);
      await expectCode(caller.auth.signIn({ username: user.username, password: user.password }), 'FORBIDDEN');
      expect(cookies).toEqual([]);
    }
    const after = await db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('accepts a same-origin sign-in', async () => {
    const db = database.current.db;
    const user = await makeUser(db);
    const { caller, cookies } = await requestWith(db, { origin: SAME_ORIGIN, 'sec-fetch-site': 'same-origin' });
    await expect(caller.auth.signIn({ username: user.username, password: user.password })).resolves.toMatchObject({
      username: user.username,
    });
    expect(cookies).toHaveLength(1);
  });
});

describe('isCrossSite', () => {
  it('compares Origin with the Host the client addressed', () => {
    expect(isCrossSite(new Headers({ origin: 'http://127.0.0.1:3000' }), '127.0.0.1:3000')).toBe(false);
    expect(isCrossSite(new Headers({ origin: 'http://127.0.0.1:3000' }), '127.0.0.1:3001')).toBe(true);
    expect(isCrossSite(new Headers({ origin: 'http://EXAMPLE.test' }), 'example.TEST')).toBe(false);
    expect(isCrossSite(new Headers({ origin: 'https://example.test' }), null)).toBe(true);
  });

  it('trusts X-Forwarded-Host only behind TRUST_PROXY', async () => {
    const db = database.current.db;
    const headers = { host: 'internal:3000', 'x-forwarded-host': 'public.example', origin: 'https://public.example' };
    expect((await requestWith(db, headers)).ctx.request?.crossSite).toBe(true);
    vi.stubEnv('TRUST_PROXY', '1');
    expect((await requestWith(db, headers)).ctx.request?.crossSite).toBe(false);
    expect((await requestWith(db, { ...headers, 'x-forwarded-host': 'evil.example' })).ctx.request?.crossSite).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../server/auth/tokens';
import { type Database, createDatabase } from '../../server/db/client';
import { type TestUser, makeUser, systemCaller } from '../helpers/fixtures';

// Against the real `next start` of `npm test` (TEST_HTTP_URL): headers from
// next.config.js, and the tRPC route's status codes and headers.

const base = process.env.TEST_HTTP_URL ?? '';
let database: Database;

beforeAll(() => {
  const url = process.env.TEST_HTTP_DATABASE_URL;
  if (!base || !url) {
    throw new Error('TEST_HTTP_URL / TEST_HTTP_DATABASE_URL unset: run `npx tsx scripts/test.ts --integration test/security-http.test.ts`');
  }
  database = createDatabase(url, { max: 2 });
});

afterAll(async () => {
  await database?.destroy();
});

function signIn(user: { username: string; password: string }, headers: Record<string, string> = {}) {
  return fetch(`${base}/api/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base, ...headers },
    body: JSON.stringify({ username: user.username, password: user.password }),
  });
}

function me(headers: Record<string, string>) {
  return fetch(`${base}/api/trpc/auth.me`, { headers });
}

async function sessionCookieOf(user: TestUser): Promise<string> {
  const response = await signIn(user);
  expect(response.status).toBe(200);
  const setCookie = response.headers.get('set-cookie') ?? '';
  return setCookie.split(';')[0] ?? '';
}

describe('security headers', () => {
  it.each(['/login', '/api/trpc/auth.me', '/no-such-page'])('are on %s', async (path) => {
    const response = await fetch(`${base}${path}`, { redirect: 'manual' });
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(response.headers.get('permissions-policy')).toContain('camera=()');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('the tRPC route adds a request id and forbids caching', async () => {
    const [a, b] = await Promise.all([me({}), me({})]);
    expect(a.status).toBe(401);
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
    expect(a.headers.get('cache-control')).toBe('no-store');
  });
});

describe('tokens over HTTP', () => {
  it('answer expired, revoked, unknown and malformed tokens with byte-identical 401s', async () => {
    const db = database.db;
    const user = await makeUser(db);
    const admin = systemCaller(db);
    const expired = await admin.admin.createToken({ username: user.username, expiresInDays: 0 });
    const revoked = await admin.admin.createToken({ username: user.username });
    await admin.admin.revokeToken({ id: revoked.id });
    const bodies = new Set<string>();
    for (const token of [expired.token, revoked.token, generateToken().token, `${user.token}x`, 'ast_', 'not-a-token']) {
      const response = await me({ authorization: `Bearer ${token}` });
      expect(response.status).toBe(401);
      bodies.add(await response.text());
    }
    expect(bodies.size).toBe(1);
    expect(JSON.parse([...bodies][0] ?? '')).toMatchObject({ error: { message: 'Invalid or expired credentials' } });
    expect((await me({ authorization: `Bearer ${user.token}` })).status).toBe(200);
  });
});

describe('sessions and CSRF over HTTP', () => {
  it('sets a __Host-, Secure, HttpOnly, SameSite=Lax cookie on a same-origin sign-in', async () => {
    const user = await makeUser(database.db);
    const response = await signIn(user);
    expect(response.status).toBe(200);
    const attributes = (response.headers.get('set-cookie') ?? '').split('; ');
    expect(attributes[0]).toMatch(/^__Host-appstats_session=[A-Za-z0-9_-]{43}$/);
    expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Lax', 'Secure']));
    expect(attributes.some((a) => /^domain=/i.test(a))).toBe(false);
  });

  it('refuses a cross-site sign-in with 403 and no cookie', async () => {
    const user = await makeUser(database.db);
    const attempts: Array<Record<string, string>> = [{ origin: 'https://evil.example' }, { origin: base, 'sec-fetch-site': 'cross-site' }];
    for (const headers of attempts) {
      const response = await signIn(user, headers);
      expect(response.status).toBe(403);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
  });

  it('refuses a cross-site sign-out; a same-origin one kills the session', async () => {
    const user = await makeUser(database.db);
    const cookie = await sessionCookieOf(user);
    const signOut = (origin: string) =>
      fetch(`${base}/api/trpc/auth.signOut`, { method: 'POST', headers: { cookie, origin, 'content-type': 'application/json' } });
    expect((await signOut('https://evil.example')).status).toBe(403);
    expect((await me({ cookie })).status).toBe(200);
    expect((await signOut(base)).status).toBe(200);
    expect((await me({ cookie })).status).toBe(401);
  });
});

describe('sign-in throttling over HTTP', () => {
  it('answers the 6th attempt with 429 and Retry-After, even with the right password', async () => {
    const user = await makeUser(database.db);
    for (let i = 0; i < 5; i++) expect((await signIn({ username: user.username, password: 'wrong' })).status).toBe(401);
    const response = await signIn(user);
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 900).toBe(true);
    expect(await response.json()).toMatchObject({ error: { data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429 } } });
    expect(response.headers.get('set-cookie')).toBeNull();
  });
});

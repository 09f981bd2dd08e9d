import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { retryAfterOf } from '../../server/auth/rate-limit';
import { createContext } from '../../server/trpc/context';
import { contextFromRequest } from '../../server/trpc/request-context';
import { createCaller } from '../../server/trpc/routers/_app';
import { useTestDatabase } from '../helpers/database';
import { makeApp, makeUser } from '../helpers/fixtures';
import { signedInCookie } from '../helpers/security';
import { expectCode } from '../helpers/errors';

// CONTRACT §10, last paragraph (issue 11): `/api/trpc` has the limits of REST.
// A batch of more than 10 calls is 400, a body over 1 MiB is 413, and every
// call counts against the per-token and per-session budget, 429 past it. The
// route runs in-process here on the file's own database; test/trpc-limits-http.test.ts
// checks the same over the network against `next start`.

const database = useTestDatabase();
const MiB = 1024 * 1024;

afterEach(() => {
  vi.unstubAllEnvs();
});

/** A caller built the way the HTTP entry points build theirs (`metered`), or the way the CLI and page renders do. */
async function callerWith(headers: Record<string, string>, metered: boolean) {
  return createCaller(await createContext({ db: database.current.db, headers: new Headers(headers), metered }));
}

describe('the per-call budget, as procedure middleware', () => {
  it('refuses a token past its budget with TOO_MANY_REQUESTS and the seconds to wait', async () => {
    vi.stubEnv('TOKEN_RATE_LIMIT', '3');
    const user = await makeUser(database.current.db);
    const caller = await callerWith({ authorization: `Bearer ${user.token}` }, true);
    for (let i = 0; i < 3; i++) await expect(caller.auth.me()).resolves.toMatchObject({ username: user.username });
    const refused = await expectCode(caller.auth.me(), 'TOO_MANY_REQUESTS');
    expect(retryAfterOf(refused)).toBeGreaterThan(0);
    expect(retryAfterOf(refused)).toBeLessThanOrEqual(60);
  });

  it('refuses a session past its budget, which is TOKEN_RATE_LIMIT unless SESSION_RATE_LIMIT says otherwise', async () => {
    const db = database.current.db;
    vi.stubEnv('SESSION_RATE_LIMIT', '2');
    const cookie = await signedInCookie(db, await makeUser(db));
    const caller = await callerWith({ cookie }, true);
    for (let i = 0; i < 2; i++) await caller.auth.me();
    expect(retryAfterOf(await expectCode(caller.auth.me(), 'TOO_MANY_REQUESTS'))).toBeGreaterThan(0);

    vi.stubEnv('SESSION_RATE_LIMIT', '');
    vi.stubEnv('TOKEN_RATE_LIMIT', '1');
    const other = await callerWith({ cookie: await signedInCookie(db, await makeUser(db)) }, true);
    await other.auth.me();
    await expectCode(other.auth.me(), 'TOO_MANY_REQUESTS');
  });

  it('does not meter callers that did not come over HTTP', async () => {
    vi.stubEnv('TOKEN_RATE_LIMIT', '1');
    const user = await makeUser(database.current.db);
    const caller = await callerWith({ authorization: `Bearer ${user.token}` }, false);
    for (let i = 0; i < 4; i++) await caller.auth.me();
  });
});

describe('the /api/trpc route', () => {
  type Handler = (req: Request) => Promise<Response>;
  let route: { GET: Handler; POST: Handler };

  beforeAll(async () => {
    process.env.DATABASE_URL = database.current.url;
    route = await import('../../app/api/trpc/[trpc]/route');
  });

  const url = (paths: string[]) => `http://stats.test/api/trpc/${paths.join(',')}${paths.length > 1 ? '?batch=1' : ''}`;
  const get = (paths: string[], headers: Record<string, string> = {}) =>
    route.GET(new Request(url(paths), { headers: { host: 'stats.test', ...headers } }));
  const post = (paths: string[], body: BodyInit, headers: Record<string, string> = {}) =>
    route.POST(
      new Request(url(paths), {
        method: 'POST',
        body,
        headers: { host: 'stats.test', 'content-type': 'application/json', ...headers },
        duplex: 'half',
      } as RequestInit),
    );

  /** The tRPC error codes of a batch answer, one per call ('OK' for a result). */
  async function codesOf(response: Response): Promise<string[]> {
    const items = (await response.json()) as Array<{ error?: { data: { code: string } } }>;
    return items.map((item) => item.error?.data.code ?? 'OK');
  }

  async function expectTrpcError(response: Response, status: number, code: string, message?: RegExp) {
    expect([response.status, response.headers.get('content-type')]).toEqual([status, 'application/json']);
    const body = (await response.json()) as { error: { message: string; data: { code: string; httpStatus: number } } };
    expect(body.error.data).toMatchObject({ code, httpStatus: status });
    if (message) expect(body.error.message).toMatch(message);
  }

  it('refuses a batch of more than 10 calls with 400, GET and POST alike, and takes 10', async () => {
    const user = await makeUser(database.current.db);
    const auth = { authorization: `Bearer ${user.token}` };
    await expectTrpcError(await get(Array(50).fill('auth.me'), auth), 400, 'BAD_REQUEST', /exceeds maximum size/);
    await expectTrpcError(await get(Array(11).fill('auth.me'), auth), 400, 'BAD_REQUEST', /exceeds maximum size/);
    await expectTrpcError(await post(Array(50).fill('auth.signOut'), '{}'), 400, 'BAD_REQUEST', /exceeds maximum size/);
    const ten = await get(Array(10).fill('auth.me'), auth);
    expect(ten.status).toBe(200);
    expect(await codesOf(ten)).toEqual(Array(10).fill('OK'));
  });

  it('refuses a 5 MB body with 413 after reading little more than 1 MiB of it', async () => {
    let sent = 0;
    const chunk = new TextEncoder().encode('a'.repeat(64 * 1024));
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode('{"username":"')),
      pull(controller) {
        if (sent >= 5 * MiB) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    await expectTrpcError(await post(['auth.signIn'], body), 413, 'PAYLOAD_TOO_LARGE', /1048576 bytes/);
    expect(sent).toBeLessThan(1.5 * MiB);

    const declared = await post(['auth.signIn'], 'x'.repeat(2 * MiB), { 'content-length': String(2 * MiB) });
    expect(declared.status).toBe(413);
    expect(declared.headers.get('connection')).toBe('close');
  });

  it('counts every call of a batch against the token budget and says when to come back', async () => {
    vi.stubEnv('TOKEN_RATE_LIMIT', '4');
    const user = await makeUser(database.current.db);
    const auth = { authorization: `Bearer ${user.token}` };
    const batch = await get(Array(6).fill('auth.me'), auth);
    expect((await codesOf(batch)).sort()).toEqual(['OK', 'OK', 'OK', 'OK', 'TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS']);
    expect(Number(batch.headers.get('retry-after'))).toBeGreaterThan(0);
    const after = await get(['auth.me'], auth);
    expect(after.status).toBe(429);
    expect(Number(after.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('counts every call of a batch against the session budget', async () => {
    vi.stubEnv('SESSION_RATE_LIMIT', '2');
    const cookie = await signedInCookie(database.current.db, await makeUser(database.current.db));
    const batch = await get(['auth.me', 'auth.me', 'auth.me'], { cookie });
    expect((await codesOf(batch)).sort()).toEqual(['OK', 'OK', 'TOO_MANY_REQUESTS']);
    expect(Number(batch.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('spends one budget over REST and tRPC, one unit per REST request', async () => {
    vi.stubEnv('TOKEN_RATE_LIMIT', '3');
    const db = database.current.db;
    const user = await makeUser(db);
    const app = await makeApp(db, user);
    const auth = { authorization: `Bearer ${user.token}` };
    const { GET: stats } = await import('../../app/api/apps/[id]/stats/route');
    const rest = () =>
      stats(new Request(`http://stats.test/api/apps/${app.id}/stats`, { headers: auth }), { params: Promise.resolve({ id: app.id }) });
    expect(await codesOf(await get(['auth.me', 'auth.me'], auth))).toEqual(['OK', 'OK']);
    expect((await rest()).status).toBe(200);
    const refused = await rest();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({ error: { code: 'TOO_MANY_REQUESTS', message: expect.any(String) } });
  });

  it('does not meter server-side renders, which build their context from the request headers', async () => {
    vi.stubEnv('TOKEN_RATE_LIMIT', '1');
    const user = await makeUser(database.current.db);
    const caller = createCaller(await contextFromRequest(new Headers({ authorization: `Bearer ${user.token}` })));
    for (let i = 0; i < 3; i++) await caller.auth.me();
  });
});

import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger, logger, newRequestId, requestIdFrom } from '../../server/log';
import { useTestDatabase } from '../helpers/database';
import { makeUser } from '../helpers/fixtures';

const database = useTestDatabase();

/** A logger writing into memory; `lines()` parses what it wrote. */
function memoryLogger() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const log = createLogger(stream, { level: 'info' });
  return {
    log,
    text: () => text,
    lines: () =>
      text
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('logger', () => {
  it('redacts credentials wherever they sit, and keeps the rest', () => {
    const { log, text, lines } = memoryLogger();
    const secrets = [
      'Bearer ast_SECRET-1',
      'appstats_session=SECRET-2',
      '__Host-appstats_session=SECRET-3; HttpOnly',
      'SECRET-4',
      'ast_SECRET-5',
      'SECRET-6',
    ];
    log.info(
      {
        authorization: secrets[0],
        req: { method: 'POST', headers: { authorization: secrets[0], cookie: secrets[1] } },
        res: { headers: { 'set-cookie': secrets[2] } },
        input: { username: 'alice', password: secrets[3] },
        token: secrets[4],
        deep: { er: { still: { password: secrets[5] } } },
      },
      'request',
    );
    for (const secret of secrets) expect(text()).not.toContain(secret.replace(/^.*SECRET/, 'SECRET'));
    const [line] = lines();
    expect(line).toMatchObject({
      msg: 'request',
      req: { method: 'POST', headers: { authorization: '[redacted]' } },
      input: { username: 'alice', password: '[redacted]' },
    });
  });

  it('logs an error with its cause chain', () => {
    const { log, lines } = memoryLogger();
    log.error({ err: new Error('outer', { cause: new Error('relation "x" does not exist') }) }, 'failed');
    expect(JSON.stringify(lines()[0])).toContain('relation \\"x\\" does not exist');
  });

  it('makes request ids, and takes one from upstream only behind a trusted proxy and only when well formed', () => {
    expect(newRequestId()).toMatch(/^[0-9a-f-]{36}$/);
    expect(newRequestId()).not.toBe(newRequestId());
    const upstream = new Headers({ 'x-request-id': 'edge-1234-abcd' });
    expect(requestIdFrom(upstream, true)).toBe('edge-1234-abcd');
    expect(requestIdFrom(upstream, false)).not.toBe('edge-1234-abcd');
    for (const forged of ['has spaces in it', 'x'.repeat(500), 'short', '{"level":60}']) {
      expect(requestIdFrom(new Headers({ 'x-request-id': forged }), true)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('the tRPC route', () => {
  let handle: (req: Request) => Promise<Response>;

  beforeAll(async () => {
    vi.stubEnv('DATABASE_URL', database.current.url);
    ({ POST: handle } = await import('../../app/api/trpc/[trpc]/route'));
  });

  function post(procedure: string, body: unknown, headers: Record<string, string> = {}) {
    return handle(
      new Request(`http://stats.test/api/trpc/${procedure}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', host: 'stats.test', ...headers },
        body: JSON.stringify(body),
      }),
    );
  }

  it('logs each request with its id, which the response carries, and never a password', async () => {
    const memory = memoryLogger();
    vi.spyOn(logger, 'child').mockImplementation((bindings) => memory.log.child(bindings));
    const user = await makeUser(database.current.db);
    const response = await post('auth.signIn', { username: user.username, password: user.password });
    expect(response.status).toBe(200);
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('set-cookie')).toMatch(/HttpOnly/);
    expect(memory.lines()).toContainEqual(
      expect.objectContaining({ requestId: id, method: 'POST', path: '/api/trpc/auth.signIn', status: 200 }),
    );
    expect(memory.text()).not.toContain(user.password);
  });

  it('logs the cause of a 500 and sends only "Internal server error"', async () => {
    const memory = memoryLogger();
    vi.spyOn(logger, 'child').mockImplementation((bindings) => memory.log.child(bindings));
    const db = database.current.db;
    await sql`alter table rate_limits rename to rate_limits_away`.execute(db);
    try {
      const response = await post('auth.signIn', { username: 'someone', password: 'x' });
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(body).toContain('Internal server error');
      expect(body).not.toMatch(/rate_limits|relation|stack|at .*\.ts/);
      const failure = memory.lines().find((l) => l.msg === 'procedure failed');
      expect(failure).toMatchObject({ requestId: response.headers.get('x-request-id'), path: 'auth.signIn', level: 50 });
      expect(JSON.stringify(failure)).toContain('relation \\"rate_limits\\" does not exist');
    } finally {
      await sql`alter table rate_limits_away rename to rate_limits`.execute(db);
    }
  });

  it('adds Retry-After to a 429, and refuses a cross-site sign-in with 403', async () => {
    const user = await makeUser(database.current.db);
    for (let i = 0; i < 5; i++) expect((await post('auth.signIn', { username: user.username, password: 'wrong' })).status).toBe(401);
    const throttled = await post('auth.signIn', { username: user.username, password: user.password });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    const crossSite = await post('auth.signIn', { username: 'x', password: 'y' }, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('retry-after')).toBeNull();
  });
});

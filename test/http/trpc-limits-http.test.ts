import http from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenRateLimit } from '../../server/auth/rate-limit';
import { type Database, createDatabase } from '../../server/db/client';
import { type TestUser, makeUser } from '../helpers/fixtures';
import { call, httpTarget } from '../helpers/http';

// CONTRACT §10, last paragraph (issue 11), over real HTTP against the server
// `npm test` started: what Next.js itself does with a batch and a body before
// the route sees them. The in-process checks are in test/attack-trpc-limits.test.ts.

const { base, databaseUrl } = httpTarget('test/http/trpc-limits-http.test.ts');
const MiB = 1024 * 1024;

let database: Database;
let user: TestUser;

beforeAll(async () => {
  database = createDatabase(databaseUrl, { max: 2 });
  user = await makeUser(database.db);
});

afterAll(async () => {
  await database?.destroy();
});

const batchPath = (path: string, calls: number) => `/api/trpc/${Array(calls).fill(path).join(',')}?batch=1`;

interface Early {
  status: number | undefined;
  text: string;
}

/**
 * POSTs `sendBytes` of a JSON body that claims to be larger, then waits up to
 * `waitMs` for an answer without sending the rest: an answer in that time was
 * given without reading the whole body.
 */
function postWithoutFinishing(path: string, sendBytes: number, headers: Record<string, string>, waitMs: number): Promise<Early> {
  const url = new URL(base);
  return new Promise((resolve) => {
    const request = http.request({
      host: url.hostname,
      port: Number(url.port),
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', ...headers },
      agent: false,
    });
    const timer = setTimeout(() => {
      request.destroy();
      resolve({ status: undefined, text: '' });
    }, waitMs);
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => {
        clearTimeout(timer);
        request.destroy();
        resolve({ status: response.statusCode, text });
      });
    });
    request.on('error', () => undefined);
    request.write(`{"username":"${'a'.repeat(sendBytes)}`);
  });
}

describe('/api/trpc over HTTP', () => {
  it('refuses a GET batch and a POST batch of 50 calls with 400 in tRPC’s JSON error shape', async () => {
    const get = await call(base, batchPath('auth.me', 50), { token: user.token });
    const post = await call(base, batchPath('auth.signOut', 50), { body: {}, headers: { origin: base } });
    for (const answer of [get, post]) {
      expect([answer.status, answer.headers.get('content-type')]).toEqual([400, 'application/json']);
      expect(answer.json).toMatchObject({
        error: { message: expect.stringMatching(/exceeds maximum size/), data: { code: 'BAD_REQUEST', httpStatus: 400 } },
      });
    }
  });

  it('answers a body over 1 MiB with 413 before the client has sent it all', async () => {
    const chunked = await postWithoutFinishing('/api/trpc/auth.signIn', 1.5 * MiB, { origin: base }, 10_000);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.text)).toMatchObject({ error: { data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } } });
    const declared = await postWithoutFinishing('/api/trpc/auth.signIn', 0, { origin: base, 'content-length': String(5 * MiB) }, 10_000);
    expect(declared.status).toBe(413);
  });

  it('counts every call of a batch against the token budget, 429 with Retry-After past it', async () => {
    const limit = tokenRateLimit();
    const token = await database.db.selectFrom('api_tokens').select('id').where('user_id', '=', user.id).executeTakeFirstOrThrow();
    // The token has 3 calls left in this minute's window.
    await sql`insert into rate_limits (key, hits, reset_at) values (${`token:${token.id}`}, ${limit - 3}, ${new Date(Date.now() + 60_000)})
      on conflict (key) do update set hits = excluded.hits, reset_at = excluded.reset_at`.execute(database.db);
    const answer = await call(base, batchPath('auth.me', 5), { token: user.token });
    const codes = (answer.json as Array<{ error?: { data: { code: string } } }>).map((item) => item.error?.data.code ?? 'OK');
    expect(codes.sort()).toEqual(['OK', 'OK', 'OK', 'TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS']);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

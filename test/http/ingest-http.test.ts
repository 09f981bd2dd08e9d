import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, createDatabase } from '../../server/db/client';
import { type TestApp, type TestUser, makeApp, makeUser } from '../helpers/fixtures';
import { type CallOptions, call, expectError, httpTarget } from '../helpers/http';

// POST /api/apps/{id}/views and …/invocations over real HTTP (CONTRACT §6),
// against the server `npm test` started and its database.

const { base, databaseUrl } = httpTarget('test/http/ingest-http.test.ts');

let database: Database;
let owner: TestUser;
let viewer: TestUser;
let outsider: TestUser;

const http = (path: string, options: CallOptions = {}) => call(base, path, { token: owner.token, ...options });
const ingest = (app: TestApp, kind: 'views' | 'invocations', body: unknown, options: CallOptions = {}) =>
  http(`/api/apps/${app.id}/${kind}`, { method: 'POST', body, ...options });

const T0 = Date.now();
const ago = (ms: number) => new Date(T0 - ms).toISOString();
const invocation = (i: number, extra: Record<string, unknown> = {}) => ({
  method: 'POST',
  path: `/items/${i}`,
  startedAt: ago(1000 + i),
  durationMs: 100 + i,
  statusCode: 201,
  ...extra,
});

async function counts(app: TestApp): Promise<{ views: number; invocations: number }> {
  const { rows } = await sql<{ views: number; invocations: number }>`
    select (select count(*)::int from view_events where app_id = ${app.id}) as views,
           (select count(*)::int from route_invocations where app_id = ${app.id}) as invocations
  `.execute(database.db);
  return rows[0] ?? { views: -1, invocations: -1 };
}

const newApp = () => makeApp(database.db, owner, { members: [[viewer, 'viewer']] });

beforeAll(async () => {
  database = createDatabase(databaseUrl, { max: 3 });
  [owner, viewer, outsider] = [await makeUser(database.db), await makeUser(database.db), await makeUser(database.db)];
});

afterAll(async () => {
  await database?.destroy();
});

describe('ingestion', () => {
  it('stores one object or a batch, answered 202, and /stats and /stats/api show them at once', async () => {
    const app = await newApp();
    const single = await ingest(app, 'views', { viewerId: owner.id });
    expect({ status: single.status, type: single.headers.get('content-type'), json: single.json }).toEqual({
      status: 202,
      type: 'application/json',
      json: { accepted: 1 },
    });
    expect(
      (
        await http(`/api/apps/${app.naturalId}/views`, {
          method: 'POST',
          body: [{}, { viewerId: viewer.id, viewedAt: ago(60_000) }, { viewerId: null }],
        })
      ).json,
    ).toEqual({ accepted: 3 });
    expect((await ingest(app, 'invocations', invocation(0, { userId: owner.id, memoryPeakBytes: 2048 }))).json).toEqual({ accepted: 1 });
    const failed = invocation(1, { statusCode: 500, error: 'Error: boom', userId: null });
    expect((await ingest(app, 'invocations', [failed, invocation(2)])).json).toEqual({ accepted: 2 });

    const stats = (await http(`/api/apps/${app.id}/stats`)).json as {
      totalViews: number;
      uniqueViewers: number;
      views7d: number;
      api: Record<string, number>;
    };
    expect(stats).toMatchObject({ totalViews: 4, uniqueViewers: 2, views7d: 4 });
    expect(stats.api).toMatchObject({
      totalInvocations: 3,
      invocations7d: 3,
      errorCount30d: 1,
      totalComputeMs: 303,
      peakMemoryBytes: 2048,
    });
    const api = (await http(`/api/apps/${app.id}/stats/api`)).json as { recent: Array<Record<string, unknown>> };
    expect(api.recent).toEqual([
      {
        method: 'POST',
        path: '/items/0',
        username: owner.username,
        startedAt: expect.any(String),
        durationMs: 100,
        statusCode: 201,
        memoryPeakBytes: 2048,
        error: null,
      },
      {
        method: 'POST',
        path: '/items/1',
        username: null,
        startedAt: expect.any(String),
        durationMs: 101,
        statusCode: 500,
        memoryPeakBytes: null,
        error: 'Error: boom',
      },
      {
        method: 'POST',
        path: '/items/2',
        username: null,
        startedAt: expect.any(String),
        durationMs: 102,
        statusCode: 201,
        memoryPeakBytes: null,
        error: null,
      },
    ]);
  });

  it('refuses a whole batch with 400 naming the index and field of the bad item', async () => {
    const app = await newApp();
    const batch = Array.from({ length: 20 }, (_, i) => invocation(i));
    const cases: Array<[unknown, string]> = [
      [batch.map((item, i) => (i === 17 ? { ...item, durationMs: -1 } : item)), '[17].durationMs: expected integer >= 0'],
      [{ ...invocation(0), durationMs: 1.5 }, 'durationMs: expected integer >= 0'],
      [[invocation(0), { ...invocation(1), foo: 1 }], '[1].foo: unrecognized field'],
      [[{ ...invocation(0), statusCode: '200' }], '[0].statusCode: expected integer from 100 to 599'],
      [[{ ...invocation(0), startedAt: undefined }], '[0].startedAt: required'],
      [
        [invocation(0), invocation(1), { ...invocation(2), startedAt: new Date(Date.now() + 3_600_000).toISOString() }],
        '[2].startedAt: must not be more than 5 minutes in the future',
      ],
      [[invocation(0), { ...invocation(1), userId: randomUUID() }], '[1].userId: no such user'],
      [
        Array.from({ length: 1000 }, (_, i) => invocation(i, { userId: i === 999 ? randomUUID() : i % 2 ? owner.id : null })),
        '[999].userId: no such user',
      ],
      [[{ ...invocation(0), method: 'get' }], '[0].method: expected an HTTP method of 1-16 uppercase letters, e.g. GET'],
      [
        [{ ...invocation(0), path: 'no-slash' }],
        '[0].path: expected a path of 1-2048 characters starting with /, without control characters',
      ],
      [[{ ...invocation(0), error: 'nul \u0000 inside' }], '[0].error: expected no NUL characters'],
      [42, 'body: expected a JSON object'],
    ];
    for (const [body, message] of cases) expectError(await ingest(app, 'invocations', body), 400, 'BAD_REQUEST', message);
    expectError(await ingest(app, 'views', [{}, { viewerId: randomUUID() }]), 400, 'BAD_REQUEST', '[1].viewerId: no such user');
    expectError(await ingest(app, 'views', { viewedAt: 'yesterday' }), 400, 'BAD_REQUEST', /^viewedAt: expected an ISO 8601 timestamp/);
    expectError(await ingest(app, 'views', '{"viewerId": '), 400, 'BAD_REQUEST', 'body: not valid JSON');
    expectError(await http(`/api/apps/${app.id}/views`, { method: 'POST' }), 400, 'BAD_REQUEST', 'body: required');
    expect(await counts(app)).toEqual({ views: 0, invocations: 0 });
    expect(((await http(`/api/apps/${app.id}/stats`)).json as { api: { totalInvocations: number } }).api.totalInvocations).toBe(0);
  });

  it('takes up to 1000 items; more, or a body over 1 MiB, is 413 and stores nothing', async () => {
    const app = await newApp();
    expect(
      (
        await ingest(
          app,
          'views',
          Array.from({ length: 1000 }, () => ({})),
        )
      ).json,
    ).toEqual({ accepted: 1000 });
    expectError(
      await ingest(
        app,
        'views',
        Array.from({ length: 1001 }, () => ({})),
      ),
      413,
      'PAYLOAD_TOO_LARGE',
      /at most 1000 items/,
    );
    const heavy = Array.from({ length: 200 }, (_, i) => invocation(i, { error: 'x'.repeat(8000) }));
    expectError(await ingest(app, 'invocations', heavy), 413, 'PAYLOAD_TOO_LARGE');
    expect(await counts(app)).toEqual({ views: 1000, invocations: 0 });
  });
});

describe('Idempotency-Key', () => {
  it('answers a retry with the first answer and stores it once; another body with the key is 409', async () => {
    const app = await newApp();
    const key = { 'idempotency-key': `batch-${randomUUID()}` };
    const batch = [invocation(1), invocation(2), invocation(3)];
    const first = await ingest(app, 'invocations', batch, { headers: key });
    const retry = await ingest(app, 'invocations', batch, { headers: key });
    expect([first.status, first.text]).toEqual([202, '{"accepted":3}']);
    expect([retry.status, retry.text]).toEqual([first.status, first.text]);
    expect(await counts(app)).toEqual({ views: 0, invocations: 3 });

    expectError(await ingest(app, 'invocations', batch.slice(1), { headers: key }), 409, 'CONFLICT', /Idempotency-Key/);
    expectError(
      await ingest(app, 'views', {}, { headers: { 'idempotency-key': 'x'.repeat(256) } }),
      400,
      'BAD_REQUEST',
      /^Idempotency-Key: /,
    );
    expect(await counts(app)).toEqual({ views: 0, invocations: 3 });
  });

  it('stores the batch once when identical requests arrive at the same time', async () => {
    const app = await newApp();
    const headers = { 'idempotency-key': randomUUID() };
    const batch = Array.from({ length: 100 }, (_, i) => ({ viewerId: i % 2 ? owner.id : null }));
    const answers = await Promise.all(Array.from({ length: 5 }, () => ingest(app, 'views', batch, { headers })));
    expect(answers.map((a) => [a.status, a.text])).toEqual(answers.map(() => [202, '{"accepted":100}']));
    expect(await counts(app)).toEqual({ views: 100, invocations: 0 });
  });
});

describe('permissions and methods, as on the other paths', () => {
  it('401 without valid credentials, 404 for an app the caller cannot read, 403 for a reader, 405 for another method', async () => {
    const app = await newApp();
    const unauthenticated = await ingest(app, 'views', {}, { token: null });
    expectError(unauthenticated, 401, 'UNAUTHORIZED');
    expect(unauthenticated.headers.get('www-authenticate')).toBe('Bearer realm="appstats"');
    expectError(await ingest(app, 'invocations', invocation(0), { token: 'ast_not-a-token' }), 401, 'UNAUTHORIZED');
    const hidden = await ingest(app, 'views', {}, { token: outsider.token });
    const missing = await http(`/api/apps/${randomUUID()}/views`, { method: 'POST', body: {} });
    expectError(hidden, 404, 'NOT_FOUND');
    expect(hidden.json).toEqual(missing.json);
    expectError(await ingest(app, 'invocations', invocation(0), { token: viewer.token }), 403, 'FORBIDDEN');
    const get = await http(`/api/apps/${app.id}/invocations`);
    expectError(get, 405, 'METHOD_NOT_SUPPORTED');
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    expect(await counts(app)).toEqual({ views: 0, invocations: 0 });
  });
});

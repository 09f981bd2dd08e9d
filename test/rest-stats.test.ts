import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, createDatabase } from '../server/db/client';
import { type TestApp, type TestUser, makeApp, makeUser, systemCaller } from './helpers/fixtures';

// The four documented paths over real HTTP, against the server `npm test`
// started (TEST_HTTP_URL) and its database (TEST_HTTP_DATABASE_URL). The clock
// is the real one: rows are placed relative to today's UTC midnight.

const BASE = process.env.TEST_HTTP_URL;
const DATABASE_URL = process.env.TEST_HTTP_DATABASE_URL;
if (!BASE || !DATABASE_URL) {
  throw new Error('TEST_HTTP_URL / TEST_HTTP_DATABASE_URL unset: run with `npx tsx scripts/test.ts --integration test/rest-stats.test.ts`');
}
const DAY = 24 * 3600 * 1000;

let database: Database;
let owner: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let app: TestApp;
let schema: string;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function http(path: string, init: RequestInit & { token?: string | null } = {}): Promise<Answer> {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? owner.token : init.token;
  if (token) headers.set('authorization', `Bearer ${token}`);
  const response = await fetch(`${BASE}${path}`, { ...init, headers });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

const post = (path: string, body: string | undefined, token?: string | null) =>
  http(path, { method: 'POST', body, headers: { 'content-type': 'application/json' }, token });

function expectError(answer: Answer, status: number, code: string, message?: string | RegExp) {
  expect([answer.status, answer.headers.get('content-type')]).toEqual([status, 'application/json']);
  expect(answer.json).toEqual({ error: { code, message: expect.any(String) } });
  const actual = (answer.json as { error: { message: string } }).error.message;
  if (typeof message === 'string') expect(actual).toBe(message);
  else if (message) expect(actual).toMatch(message);
}

/** Sends raw bytes on a fresh connection and returns what came back until the server closed it. */
function rawRequest(bytes: string): Promise<string> {
  const url = new URL(BASE as string);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let received = '';
    socket.setTimeout(20_000, () => socket.destroy());
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('close', () => resolve(received));
    socket.on('error', (error) => (received ? resolve(received) : reject(error)));
    socket.write(bytes);
  });
}

const todayStart = () => {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
};
const dayString = (ms: number) => new Date(ms).toISOString().slice(0, 10);

beforeAll(async () => {
  database = createDatabase(DATABASE_URL, { max: 3 });
  const db = database.db;
  owner = await makeUser(db);
  viewer = await makeUser(db);
  outsider = await makeUser(db);
  app = await makeApp(db, owner, { workspace: true, quotaBytes: 5_000_000, members: [[viewer, 'viewer']] });
  schema = app.workspaceSchema as string;
});

afterAll(async () => {
  await database?.destroy();
});

describe('GET /api/apps/{id}/stats', () => {
  it('answers every field with known data, by UUID and natural id alike', async () => {
    const db = database.db;
    const today = todayStart();
    await db.insertInto('view_events').values([
      { app_id: app.id, viewer_id: owner.id, viewed_at: new Date(today) },
      { app_id: app.id, viewer_id: viewer.id, viewed_at: new Date(today - 1) },
      { app_id: app.id, viewer_id: owner.id, viewed_at: new Date(today - 6 * DAY) },
      { app_id: app.id, viewer_id: null, viewed_at: new Date(today - 6 * DAY - 1) },
      { app_id: app.id, viewer_id: null, viewed_at: new Date(today - 29 * DAY) },
      { app_id: app.id, viewer_id: null, viewed_at: new Date(today - 29 * DAY - 1) },
    ]).execute();
    const invocation = (at: number, duration: number, status: number, extra: { error?: string; memory?: number } = {}) => ({
      app_id: app.id, method: 'GET', path: '/p', user_id: null, started_at: new Date(at), duration_ms: duration, status_code: status,
      memory_peak_bytes: extra.memory ?? null, error: extra.error ?? null,
    });
    await db.insertInto('route_invocations').values([
      invocation(today, 100, 200, { memory: 1000 }),
      invocation(today - 6 * DAY, 101, 500),
      invocation(today - 6 * DAY - 1, 0, 200, { error: 'x', memory: 7_000_000_000 }),
      invocation(today - 29 * DAY, 1, 404),
      invocation(today - 30 * DAY, 999, 500, { memory: 9_000_000_000 }),
    ]).execute();
    await sql`create table ${sql.id(schema, 'things')} (id int primary key)`.execute(db);

    const byUuid = await http(`/api/apps/${app.id}/stats`);
    expect(byUuid.status).toBe(200);
    expect(byUuid.headers.get('content-type')).toBe('application/json');
    expect(byUuid.headers.get('cache-control')).toBe('no-store');
    const size = await sql<{ n: number }>`select sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass))::float8 as n from pg_tables where schemaname = ${schema}`.execute(db);
    const schemaSize = size.rows[0]?.n ?? -1;
    expect(byUuid.json).toEqual({
      appId: app.id,
      totalViews: 6,
      uniqueViewers: 2,
      views7d: 3,
      views30d: 5,
      lastViewedAt: new Date(today).toISOString(),
      viewsByDay: Array.from({ length: 7 }, (_, i) => ({ day: dayString(today - i * DAY), count: i === 0 || i === 1 || i === 6 ? 1 : 0 })),
      api: {
        totalInvocations: 5,
        invocations7d: 2,
        invocations30d: 4,
        avgDurationMs: 51, // 202 / 4 = 50.5
        errorCount30d: 2,
        errorRate30d: 50,
        peakMemoryBytes: 7_000_000_000,
        totalComputeMs: 202,
      },
      storage: { hasWorkspace: true, schemaSize, tableCount: 1, quotaBytes: 5_000_000, quotaPercent: Math.round(schemaSize / 500) / 100 },
    });
    expect(byUuid.text).toContain('"avgDurationMs":51,');
    for (const ref of [app.naturalId, app.id.toUpperCase()]) {
      expect((await http(`/api/apps/${ref}/stats`)).json).toEqual(byUuid.json);
    }
    // A viewer can read the overview; a public app is readable by anyone signed in.
    expect((await http(`/api/apps/${app.id}/stats`, { token: viewer.token })).status).toBe(200);
  });

  it('shows rows written by COPY and INSERT … SELECT in the very next response', async () => {
    const db = database.db;
    const target = await makeApp(db, owner);
    const before = (await http(`/api/apps/${target.id}/stats`)).json as { totalViews: number; api: { totalInvocations: number } };
    expect([before.totalViews, before.api.totalInvocations]).toEqual([0, 0]);

    const client = await database.pool.connect();
    try {
      const now = new Date().toISOString();
      const copy = client.query(copyFrom('copy view_events (app_id, viewer_id, viewed_at) from stdin'));
      await pipeline(Readable.from([`${target.id}\t\\N\t${now}\n`, `${target.id}\t${owner.id}\t${now}\n`]), copy);
      const copyCalls = client.query(copyFrom('copy route_invocations (app_id, method, path, started_at, duration_ms, status_code) from stdin'));
      await pipeline(Readable.from([`${target.id}\tGET\t/copied\t${now}\t10\t200\n`]), copyCalls);
    } finally {
      client.release();
    }
    await sql`insert into view_events (app_id) select ${target.id}::uuid from generate_series(1, 5)`.execute(db);
    await sql`insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code)
              select ${target.id}::uuid, 'POST', '/bulk', now(), 20, 503 from generate_series(1, 3)`.execute(db);

    const after = (await http(`/api/apps/${target.naturalId}/stats`)).json as Record<string, unknown> & { api: Record<string, unknown> };
    expect(after).toMatchObject({ totalViews: 7, uniqueViewers: 1, views7d: 7, views30d: 7 });
    expect(after.api).toMatchObject({ totalInvocations: 4, invocations7d: 4, errorCount30d: 3, errorRate30d: 75, totalComputeMs: 70, avgDurationMs: 18 });
    const api = (await http(`/api/apps/${target.id}/stats/api`)).json as { recent: Array<{ path: string }>; daily: Array<{ count: number }> };
    expect(api.recent.map((r) => r.path).sort()).toEqual(['/bulk', '/bulk', '/bulk', '/copied']);
    expect(api.daily[0]?.count).toBe(4);
  });
});

describe('GET /api/apps/{id}/stats/tables and /stats/api', () => {
  it('lists the workspace tables with flags only when true', async () => {
    const db = database.db;
    const target = await makeApp(db, owner, { workspace: true });
    const ws = target.workspaceSchema as string;
    await sql`create table ${sql.id(ws, 'users')} (id uuid primary key, email varchar(100) not null, created_at timestamptz)`.execute(db);
    await sql`create index on ${sql.id(ws, 'users')} (email)`.execute(db);
    await sql`insert into ${sql.id(ws, 'users')} (id, email) values (gen_random_uuid(), 'a@x'), (gen_random_uuid(), 'b@x')`.execute(db);
    await sql`create view ${sql.id(ws, 'users_view')} as select 1 as one`.execute(db);
    const size = await sql<{ n: number }>`select pg_total_relation_size(${`${ws}.users`}::regclass)::float8 as n`.execute(db);
    const answer = await http(`/api/apps/${target.naturalId}/stats/tables`);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual([
      {
        name: 'users',
        rowCount: 2,
        sizeBytes: size.rows[0]?.n,
        columns: [
          { name: 'id', type: 'uuid', nullable: false, primaryKey: true },
          { name: 'email', type: 'character varying', nullable: false, indexed: true },
          { name: 'created_at', type: 'timestamp with time zone', nullable: true },
        ],
      },
    ]);
    const bare = await makeApp(db, owner);
    expect((await http(`/api/apps/${bare.id}/stats/tables`)).json).toEqual([]);
  });

  it('answers the invocation history and 30 daily entries', async () => {
    const db = database.db;
    const target = await makeApp(db, owner);
    const startedAt = new Date(todayStart() + 5234);
    await db.insertInto('route_invocations').values([
      { app_id: target.id, method: 'GET', path: '/api/datasets/123/search', user_id: owner.id, started_at: startedAt, duration_ms: 245, status_code: 200, memory_peak_bytes: 52428800, error: null },
      { app_id: target.id, method: 'POST', path: '/anon', user_id: null, started_at: new Date(startedAt.getTime() - 2000), duration_ms: 10, status_code: 500, memory_peak_bytes: null, error: 'Boom' },
    ]).execute();
    const answer = await http(`/api/apps/${target.id}/stats/api`);
    expect(answer.status).toBe(200);
    const body = answer.json as { recent: unknown[]; daily: Array<{ day: string }> };
    expect(body.recent).toEqual([
      { method: 'GET', path: '/api/datasets/123/search', username: owner.username, startedAt: startedAt.toISOString(), durationMs: 245, statusCode: 200, memoryPeakBytes: 52428800, error: null },
      { method: 'POST', path: '/anon', username: null, startedAt: new Date(startedAt.getTime() - 2000).toISOString(), durationMs: 10, statusCode: 500, memoryPeakBytes: null, error: 'Boom' },
    ]);
    expect(body.daily).toHaveLength(30);
    expect(body.daily[0]).toEqual({ day: dayString(todayStart()), count: 2, avgDurationMs: 128, errorCount: 1 });
    expect(body.daily.slice(1).every((d) => JSON.stringify(d) === JSON.stringify({ ...d, count: 0, avgDurationMs: 0, errorCount: 0 }))).toBe(true);
    expect(body.daily[29]?.day).toBe(dayString(todayStart() - 29 * DAY));
  });
});

describe('POST /api/apps/{id}/stats/tables/{table}/preview', () => {
  const path = (table: string, ref = app.id) => `/api/apps/${ref}/stats/tables/${encodeURIComponent(table)}/preview`;

  beforeAll(async () => {
    const db = database.db;
    await sql`create table ${sql.id(schema, 'rows')} (id int primary key, label text, amount numeric, big int8, at timestamptz, doc jsonb, tags text[])`.execute(db);
    await sql`insert into ${sql.id(schema, 'rows')} select i, 'r' || i, (i || '.50')::numeric, 9007199254740993 + i, '2024-02-23 14:30:00+00', '{"i": 1}', '{a,b}' from generate_series(1, 30) i`.execute(db);
  });

  it('pages with defaults, an empty body or explicit limit and offset', async () => {
    const empty = await post(path('rows'), undefined);
    expect(empty.status).toBe(200);
    const page = empty.json as { rows: Array<Record<string, unknown>>; rowCount: number; totalRows: number; fields: unknown[] };
    expect([page.rowCount, page.totalRows, page.rows.length]).toEqual([25, 30, 25]);
    expect(page.rows[0]).toEqual({ id: 1, label: 'r1', amount: '1.50', big: '9007199254740994', at: '2024-02-23T14:30:00.000Z', doc: { i: 1 }, tags: ['a', 'b'] });
    expect(page.fields).toEqual([
      { name: 'id', dataTypeID: 23 }, { name: 'label', dataTypeID: 25 }, { name: 'amount', dataTypeID: 1700 }, { name: 'big', dataTypeID: 20 },
      { name: 'at', dataTypeID: 1184 }, { name: 'doc', dataTypeID: 3802 }, { name: 'tags', dataTypeID: 1009 },
    ]);
    expect((await post(path('rows'), '{}')).json).toEqual(empty.json);
    expect((await post(path('rows'), ' \n')).json).toEqual(empty.json);
    const second = (await post(path('rows', app.naturalId), JSON.stringify({ limit: 10, offset: 25 }))).json as typeof page;
    expect(second.rows.map((r) => r.id)).toEqual([26, 27, 28, 29, 30]);
    expect(second.rowCount).toBe(5);
    const none = (await post(path('rows'), JSON.stringify({ offset: 1000 }))).json as typeof page;
    expect([none.rows, none.rowCount, none.fields.length]).toEqual([[], 0, 7]);
  });

  it('rejects bodies outside the contract with 400 naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['{"limit":0}', 'limit: must be an integer between 1 and 100'],
      ['{"limit":101}', 'limit: must be an integer between 1 and 100'],
      ['{"limit":2.5}', 'limit: must be an integer between 1 and 100'],
      ['{"limit":"25"}', 'limit: must be an integer between 1 and 100'],
      ['{"limit":null}', 'limit: must be an integer between 1 and 100'],
      ['{"offset":-1}', 'offset: must be an integer of 0 or more'],
      ['{"offset":1.5}', 'offset: must be an integer of 0 or more'],
      ['{"limit":10,"unknownField":1}', 'unknownField: unrecognized field'],
      ['{"limit":', 'body: not valid JSON'],
      ['limit=10', 'body: not valid JSON'],
      ['[]', 'body: must be a JSON object'],
      ['null', 'body: must be a JSON object'],
      ['25', 'body: must be a JSON object'],
    ];
    for (const [body, message] of cases) {
      const answer = await post(path('rows'), body);
      expect([body, answer.status, answer.json]).toEqual([body, 400, { error: { code: 'BAD_REQUEST', message } }]);
    }
  });

  it('answers 404 for tables that are not this workspace’s, whatever the name tries', async () => {
    const db = database.db;
    const other = await makeApp(db, owner, { workspace: true });
    await sql`create table ${sql.id(other.workspaceSchema as string, 'secret')} (s text)`.execute(db);
    await sql`insert into ${sql.id(other.workspaceSchema as string, 'secret')} values ('hidden')`.execute(db);
    const names = ['_migrations', 'secret', `${other.workspaceSchema}.secret`, 'pg_class', 'pg_catalog.pg_authid', 'users', 'apps',
      '../secret', 'rows"; drop table rows; --', "rows' or '1'='1", 'ROWS', 'rows ', 'a\0b', 'x'.repeat(64), 'information_schema.tables', `${schema}.rows`];
    for (const name of names) {
      const answer = await post(path(name), undefined);
      expect([name, answer.status, answer.json]).toEqual([name, 404, { error: { code: 'NOT_FOUND', message: 'Table not found' } }]);
      expect(answer.text).not.toContain('hidden');
    }
    expect((await post(path('rows'), '{"limit":1}')).status).toBe(200);
    const bare = await makeApp(db, owner);
    expectError(await post(path('rows', bare.id), undefined), 404, 'NOT_FOUND', 'Table not found');
  });
});

describe('errors on every path', () => {
  const paths = () => [
    { path: `/api/apps/${app.id}/stats`, method: 'GET', write: false },
    { path: `/api/apps/${app.id}/stats/tables`, method: 'GET', write: true },
    { path: `/api/apps/${app.id}/stats/tables/rows/preview`, method: 'POST', write: true },
    { path: `/api/apps/${app.id}/stats/api`, method: 'GET', write: true },
  ];

  it('401 for missing, malformed, unknown, expired and revoked credentials', async () => {
    const system = systemCaller(database.db);
    const expired = await system.admin.createToken({ username: owner.username });
    await database.db.updateTable('api_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', expired.id).execute();
    const revoked = await system.admin.createToken({ username: owner.username });
    await system.admin.revokeToken({ id: revoked.id });
    const variants: Array<[string, Record<string, string>]> = [
      ['missing', {}],
      ['malformed', { authorization: 'Bearer nope' }],
      ['wrong scheme', { authorization: 'Token abc' }],
      ['unknown', { authorization: `Bearer ast_${randomBytes(32).toString('base64url')}` }],
      ['expired', { authorization: `Bearer ${expired.token}` }],
      ['revoked', { authorization: `Bearer ${revoked.token}` }],
      ['unknown session', { cookie: `__Host-appstats_session=${randomBytes(32).toString('base64url')}` }], // next start runs in production
    ];
    for (const { path, method } of paths()) {
      for (const [name, headers] of variants) {
        const answer = await http(path, { method, headers, token: null });
        expect([name, path, answer.status]).toEqual([name, path, 401]);
        expectError(answer, 401, 'UNAUTHORIZED', name === 'missing' ? 'Authentication required' : 'Invalid or expired credentials');
      }
    }
  });

  it('403 for a reader on write paths; 404 identical for an app one cannot read and one that does not exist', async () => {
    for (const { path, method, write } of paths()) {
      const asViewer = await http(path, { method, token: viewer.token });
      if (write) expectError(asViewer, 403, 'FORBIDDEN');
      else expect(asViewer.status).toBe(200);
      const hidden = await http(path, { method, token: outsider.token });
      expectError(hidden, 404, 'NOT_FOUND', 'App not found');
      for (const missing of [randomUUID(), 'no-such-app', 'x'.repeat(250)]) {
        const answer = await http(path.replace(app.id, missing), { method });
        expect([answer.status, answer.text]).toEqual([404, hidden.text]);
      }
    }
  });

  it('405 with Allow for wrong methods; HEAD and OPTIONS behave', async () => {
    for (const { path, method } of paths()) {
      const allow = method === 'GET' ? 'GET, HEAD, OPTIONS' : 'POST, OPTIONS';
      for (const wrong of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => m !== method)) {
        const answer = await http(path, { method: wrong, ...(wrong === 'GET' ? {} : { body: '{}' }) });
        expectError(answer, 405, 'METHOD_NOT_SUPPORTED');
        expect(answer.headers.get('allow')).toBe(allow);
      }
      const options = await http(path, { method: 'OPTIONS', token: null });
      expect([options.status, options.headers.get('allow')]).toEqual([204, allow]);
    }
    const head = await http(`/api/apps/${app.id}/stats`, { method: 'HEAD' });
    expect([head.status, head.text]).toEqual([200, '']);
  });

  it('413 for a body over the limit, counted whatever Content-Length claims', async () => {
    const path = `/api/apps/${app.id}/stats/tables/rows/preview`;
    const padded = JSON.stringify({ limit: 1, offset: 0, pad: 'x'.repeat(70 * 1024) });
    expectError(await post(path, padded), 413, 'PAYLOAD_TOO_LARGE');
    // Streamed without any Content-Length: the bytes are counted as they come.
    const chunks = Array.from({ length: 64 }, () => new TextEncoder().encode(' '.repeat(4096)));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const streamed = await fetch(`${BASE}${path}`, {
      method: 'POST',
      body: stream,
      headers: { authorization: `Bearer ${owner.token}` },
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('65536') } });
    // Claims a megabyte, sends a few bytes: refused on the claim, no waiting for the rest.
    const claimed = await rawRequest(
      `POST ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${owner.token}\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\nConnection: close\r\n\r\n{}`,
    );
    expect(claimed).toMatch(/^HTTP\/1\.1 413 /);
    expect(claimed).toContain('"code":"PAYLOAD_TOO_LARGE"');
    // Claims 5 bytes, sends 100 KB: only the claimed bytes can be a body; the rest is a malformed request, refused.
    const short = await rawRequest(
      `POST ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${owner.token}\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{"limit":1,"pad":"${'y'.repeat(100 * 1024)}"}`,
    );
    expect(short).toMatch(/^HTTP\/1\.1 400 /);
    expect(short).not.toMatch(/ 200 OK/);
  });

  it('never sends a stack trace or SQL', async () => {
    for (const { path, method } of paths()) {
      for (const token of [owner.token, outsider.token, null, 'garbage']) {
        const answer = await http(path.replace('rows', 'nope'), { method, token, body: method === 'POST' ? '{"limit":' : undefined });
        expect(answer.text).not.toMatch(/at .*\.(ts|js):\d+|select |stack/i);
      }
    }
  });
});

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, createDatabase } from '../../server/db/client';
import { type TestApp, type TestUser, makeApp, makeUser } from '../helpers/fixtures';
import { type Answer, type CallOptions, call, httpTarget } from '../helpers/http';
import { openSse } from '../helpers/sse';

// GET /api/openapi.json is a valid OpenAPI 3.1 document, lists every REST
// route file, and the real answers of every path (successes and errors)
// match the schemas it documents for them.

const { base, databaseUrl } = httpTarget('test/http/openapi.test.ts');
const DOC_ID = 'https://appstats.test/openapi.json';

type Json = Record<string, unknown>;
let document: Json & { paths: Record<string, Record<string, Json>>; components: Json };
let database: Database;
let owner: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let app: TestApp;

beforeAll(async () => {
  const answer = await call(base, '/api/openapi.json');
  expect([answer.status, answer.headers.get('content-type')]).toEqual([200, 'application/json']);
  document = answer.json as typeof document;
  database = createDatabase(databaseUrl, { max: 2 });
  [owner, viewer, outsider] = [await makeUser(database.db), await makeUser(database.db), await makeUser(database.db)];
  app = await makeApp(database.db, owner, { workspace: true, members: [[viewer, 'viewer']] });
  await sql`create table ${sql.id(app.workspaceSchema as string, 'notes')} (id int primary key, body text, at timestamptz)`.execute(
    database.db,
  );
  await sql`insert into ${sql.id(app.workspaceSchema as string, 'notes')} values (1, 'a', now()), (2, null, null)`.execute(database.db);
});

afterAll(async () => {
  await database?.destroy();
});

/** `/api/apps/{id}/stats/tables/{table}/preview` for app/api/apps/[id]/stats/tables/[table]/preview/route.ts. */
function routeTemplates(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => path.basename(file) === 'route.ts')
    .map((file) => `/${path.relative('app', path.join(dir, path.dirname(file)))}`.replace(/\[(\w+)\]/g, '{$1}'));
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document with bearer auth, and the validator does refuse a broken one', async () => {
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result).toEqual({ valid: true });
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(document.components.securitySchemes).toMatchObject({ bearerAuth: { type: 'http', scheme: 'bearer' } });
    const broken = structuredClone(document);
    (broken.components.parameters as Json).AppId = { name: 'id', in: 'body', schema: { type: 'string' } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('documents every REST route file under app/api/apps, and nothing else', () => {
    expect(Object.keys(document.paths).sort()).toEqual(routeTemplates('app/api/apps').sort());
  });

  it('documents the Idempotency-Key header and the request bodies of the POST paths', () => {
    const views = document.paths['/api/apps/{id}/views']?.post as Json & { parameters: Array<{ $ref: string }>; requestBody: Json };
    expect(views.parameters.map((p) => p.$ref)).toContain('#/components/parameters/IdempotencyKey');
    expect(views.requestBody).toMatchObject({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ViewsRequest' } } },
    });
  });
});

describe('real answers match the document', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const covered = new Set<string>();

  /** The JSON schema the document gives for this answer; a status the operation does not list fails the test. */
  function schemaFor(template: string, method: string, status: number): Json {
    const item = document.paths[template];
    expect(item, `${template} is documented`).toBeDefined();
    // A wrong method is answered by the path, as its one operation documents it.
    const operation = (item?.[method] ?? (status === 405 ? Object.values(item ?? {})[0] : undefined)) as
      { responses: Record<string, Json> } | undefined;
    let response = operation?.responses[String(status)];
    expect(response, `${method.toUpperCase()} ${template} documents ${status}`).toBeDefined();
    const target = String(response?.$ref ?? '');
    if (target) response = (document.components.responses as Record<string, Json>)[target.split('/').pop() ?? ''];
    return (response?.content as Record<string, { schema: Json }>)['application/json']?.schema ?? {};
  }

  async function check(template: string, url: string, status: number, options: CallOptions = {}): Promise<Answer> {
    const method = (options.method ?? (options.body === undefined ? 'GET' : 'POST')).toLowerCase();
    const answer = await call(base, url, { token: owner.token, ...options });
    expect(answer.status, `${method} ${url}: ${answer.text.slice(0, 200)}`).toBe(status);
    const validate = ajv.compile({ $ref: `${DOC_ID}${String(schemaFor(template, method, status).$ref)}` });
    expect(validate(answer.json), `${method} ${url} ${status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    covered.add(`${method} ${template} ${status}`);
    return answer;
  }

  beforeAll(() => {
    ajv.addSchema({ $id: DOC_ID, components: document.components });
  });

  it('for every path, success and error alike', async () => {
    const id = () => app.id;
    const stats = '/api/apps/{id}/stats';
    const tables = '/api/apps/{id}/stats/tables';
    const preview = '/api/apps/{id}/stats/tables/{table}/preview';
    const api = '/api/apps/{id}/stats/api';
    const views = '/api/apps/{id}/views';
    const invocations = '/api/apps/{id}/invocations';
    const started = new Date(Date.now() - 60_000).toISOString();
    const call1 = { method: 'GET', path: '/x', startedAt: started, durationMs: 5, statusCode: 500, error: 'boom', userId: owner.id };

    await check(views, `/api/apps/${id()}/views`, 202, { body: [{ viewerId: owner.id }, {}] });
    await check(views, `/api/apps/${id()}/views`, 400, { body: [{ nope: 1 }] });
    await check(views, `/api/apps/${id()}/views`, 413, { body: Array.from({ length: 1001 }, () => ({})) });
    await check(views, `/api/apps/${id()}/views`, 401, { body: {}, token: null });
    await check(views, `/api/apps/${id()}/views`, 403, { body: {}, token: viewer.token });
    await check(views, `/api/apps/${id()}/views`, 404, { body: {}, token: outsider.token });
    await check(views, `/api/apps/${id()}/views`, 405);
    const key = { 'idempotency-key': `openapi-${Date.now()}` };
    await check(invocations, `/api/apps/${id()}/invocations`, 202, {
      body: [call1, { ...call1, memoryPeakBytes: 10, error: null }],
      headers: key,
    });
    await check(invocations, `/api/apps/${id()}/invocations`, 202, {
      body: [call1, { ...call1, memoryPeakBytes: 10, error: null }],
      headers: key,
    });
    await check(invocations, `/api/apps/${id()}/invocations`, 409, { body: [call1], headers: key });
    await check(invocations, `/api/apps/${id()}/invocations`, 400, { body: { ...call1, durationMs: -1 } });

    await check(stats, `/api/apps/${app.naturalId}/stats`, 200);
    await check(stats, `/api/apps/${id()}/stats`, 200, { token: viewer.token });
    await check(stats, `/api/apps/${id()}/stats`, 404, { token: outsider.token });
    await check(stats, `/api/apps/${id()}/stats`, 405, { method: 'DELETE' });
    await check(tables, `/api/apps/${id()}/stats/tables`, 200);
    await check(tables, `/api/apps/${id()}/stats/tables`, 403, { token: viewer.token });
    await check(preview, `/api/apps/${id()}/stats/tables/notes/preview`, 200, { body: { limit: 1 } });
    await check(preview, `/api/apps/${id()}/stats/tables/notes/preview`, 200, { method: 'POST' });
    await check(preview, `/api/apps/${id()}/stats/tables/notes/preview`, 400, { body: { limit: 0 } });
    await check(preview, `/api/apps/${id()}/stats/tables/missing/preview`, 404, { body: {} });
    const recent = await check(api, `/api/apps/${id()}/stats/api`, 200);
    expect((recent.json as { recent: unknown[] }).recent).toHaveLength(2);
    await check(api, `/api/apps/${id()}/stats/api`, 401, { token: 'ast_unknown' });
    const live = '/api/apps/{id}/stats/live';
    await check(live, `/api/apps/${id()}/stats/live`, 404, { token: outsider.token });
    const stream = await openSse(base, `/api/apps/${id()}/stats/live`, { token: owner.token });
    await expect.poll(() => stream.events.length).toBeGreaterThan(0);
    stream.close();
    const event = ajv.compile({ $ref: `${DOC_ID}#/components/schemas/LiveStatsEvent` });
    expect([stream.contentType, event(JSON.parse(stream.events[0]?.data ?? 'null'))]).toEqual(['text/event-stream; charset=utf-8', true]);
    covered.add(`get ${live} 200`);
    const log = '/api/apps/{id}/stats/invocations';
    const page = await check(log, `/api/apps/${id()}/stats/invocations?limit=1`, 200);
    await check(
      log,
      `/api/apps/${id()}/stats/invocations?limit=1&cursor=${encodeURIComponent(String((page.json as { nextCursor: string }).nextCursor))}`,
      200,
    );
    await check(log, `/api/apps/${id()}/stats/invocations?cursor=forged`, 400);
    await check(log, `/api/apps/${id()}/stats/invocations`, 403, { token: viewer.token });
    const errors = '/api/apps/{id}/stats/errors';
    const groups = await check(errors, `/api/apps/${id()}/stats/errors`, 200);
    expect((groups.json as { groups: Array<{ message: string }> }).groups.map((g) => g.message).sort()).toEqual(['HTTP 500', 'boom']);
    await check(errors, `/api/apps/${id()}/stats/errors?limit=101`, 400);
    const range = '/api/apps/{id}/stats/range';
    await check(range, `/api/apps/${id()}/stats/range?tz=Asia/Kathmandu&from=2024-10-26&to=2024-10-28`, 200);
    await check(range, `/api/apps/${id()}/stats/range`, 200, { token: viewer.token });
    await check(range, `/api/apps/${id()}/stats/range?tz=Mars/Olympus`, 400);
    const routes = '/api/apps/{id}/stats/routes';
    const listed = await check(routes, `/api/apps/${id()}/stats/routes?sort=p95DurationMs`, 200);
    expect((listed.json as { routes: Array<{ route: string }> }).routes.map((r) => r.route)).toEqual(['/x']);
    await check(routes, `/api/apps/${id()}/stats/routes?limit=0`, 400);
    await check(routes, `/api/apps/${id()}/stats/routes`, 403, { token: viewer.token });
    // A download is not JSON: its type and name are what the document promises.
    const exported = '/api/apps/{id}/stats/tables/{table}/export';
    const file = await call(base, `/api/apps/${id()}/stats/tables/notes/export?format=csv`, { token: owner.token });
    expect([file.status, file.headers.get('content-type')]).toEqual([200, 'text/csv; charset=utf-8']);
    covered.add(`get ${exported} 200`);
    await check(exported, `/api/apps/${id()}/stats/tables/missing/export?format=csv`, 404);

    // Every documented operation had its success answer checked.
    for (const [template, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const success = Object.keys((operation as { responses: Json }).responses).find((status) => status.startsWith('2'));
        expect(covered, `${method} ${template} ${success}`).toContain(`${method} ${template} ${success}`);
      }
    }
  });
});

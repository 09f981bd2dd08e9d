import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchHttpLoad } from '../../bench/http-load';
import { type Database, createDatabase } from '../../server/db/client';
import { type TestApp, type TestUser, makeApp, makeUser } from '../helpers/fixtures';
import { httpTarget } from '../helpers/http';

// The HTTP load bench (bench/http-load.ts) for 1 s at 2 connections against the
// test server, so it cannot rot. Nothing here is about speed: only that every
// path answers without errors and every row is there.

const { base, databaseUrl } = httpTarget('test/http/bench-http-load.test.ts');

let database: Database;
let owner: TestUser;
let app: TestApp;

beforeAll(async () => {
  database = createDatabase(databaseUrl, { max: 2 });
  owner = await makeUser(database.db);
  app = await makeApp(database.db, owner, { workspace: true });
  await sql`create table ${sql.id(app.workspaceSchema as string, 'orders')} (id int primary key)`.execute(database.db);
});

afterAll(async () => {
  await database?.destroy();
});

describe('benchHttpLoad', () => {
  it('measures /api/ping and the four paths, with no errors and only 2xx answers', async () => {
    const rows = await benchHttpLoad({
      baseUrl: base,
      token: owner.token,
      appId: app.naturalId,
      table: 'orders',
      seconds: 1,
      connections: 2,
    });
    expect(rows.map((row) => row.path)).toEqual([
      'GET /api/ping',
      'GET /stats',
      'GET /stats/tables',
      'POST /stats/tables/{table}/preview',
      'GET /stats/api',
    ]);
    for (const row of rows) {
      expect({ path: row.path, errors: row.errors, non2xx: row.non2xx }).toEqual({ path: row.path, errors: 0, non2xx: 0 });
      expect(row.requestsPerSec, row.path).toBeGreaterThan(0);
      expect(row.p99, row.path).toBeGreaterThanOrEqual(row.p50);
      expect(row.ratioToPing, row.path).toBeGreaterThan(0);
    }
    expect(rows[0]?.ratioToPing).toBe(1);
  });

  it('refuses anything but loopback', async () => {
    await expect(benchHttpLoad({ baseUrl: 'http://example.com', token: 'x', appId: 'x', table: 'x', seconds: 1 })).rejects.toThrow(
      /loopback only/,
    );
  });
});

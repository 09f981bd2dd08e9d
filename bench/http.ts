import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Database } from '../server/db/client';
import { makeApp, makeUser } from '../test/helpers/fixtures';
import type { BenchConfig } from './config';
import { benchHttpIngest, startAppServer } from './http-ingest';
import { benchHttpLoad } from './http-load';
import { type BenchRow, ms } from './report';

// The HTTP part of the bench (issues 6 and 7): a production build of the app served
// against the bench's own database, ingestion next to a direct INSERT, and a load run
// of the four documented paths next to GET /api/ping, the framework's own ceiling.

const DIST_DIR = '.next-bench';
const P99_GOAL_MS = 100;

function build(log: (line: string) => void): Promise<void> {
  if (existsSync(path.join(DIST_DIR, 'BUILD_ID')) && process.env.BENCH_REBUILD !== '1') return Promise.resolve();
  log(`building the app into ${DIST_DIR}`);
  return new Promise((resolve, reject) => {
    const child = spawn(path.resolve('node_modules', '.bin', 'next'), ['build'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, NEXT_DIST_DIR: DIST_DIR },
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build failed with code ${code}`))));
  });
}

/** An app with a month of events and a small workspace table, as the load run reads it. */
async function loadTarget(database: Database) {
  const owner = await makeUser(database.db);
  const app = await makeApp(database.db, owner, { workspace: true });
  const table = sql.id(app.workspaceSchema ?? '', 'orders');
  await sql`create table ${table} (id bigint primary key, customer text not null, total numeric(12,2), placed_at timestamptz not null)`.execute(
    database.db,
  );
  await sql`insert into ${table} select g, 'customer ' || g % 97, g * 1.25, now() - g * interval '1 minute' from generate_series(1, 5000) g`.execute(
    database.db,
  );
  await sql`insert into view_events (app_id, viewer_id, viewed_at)
    select ${app.id}::uuid, case when g % 3 = 0 then ${owner.id}::uuid end, now() - (g % 43200) * interval '1 minute'
    from generate_series(1, 100000) g`.execute(database.db);
  await sql`insert into route_invocations (app_id, method, path, user_id, started_at, duration_ms, status_code, memory_peak_bytes, error)
    select ${app.id}::uuid, 'GET', '/api/items/' || g % 50, null, now() - (g % 43200) * interval '1 minute', g % 700,
           case when g % 90 = 0 then 500 else 200 end, (g % 64) * 1048576, case when g % 90 = 0 then 'boom' end
    from generate_series(1, 100000) g`.execute(database.db);
  return { owner, app };
}

/** Ingestion over HTTP and the load run, as table rows beside their references. */
export async function measureHttp(
  database: Database,
  url: string,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<{ rows: BenchRow[]; notes: string[] }> {
  await build(log);
  const server = await startAppServer(url, DIST_DIR);
  try {
    const { owner, app } = await loadTarget(database);
    log('ingestion over HTTP');
    const rows = await benchHttpIngest(server.baseUrl, database, app.id, owner.token, { seconds: config.samples.seconds });
    log(`load run: ${config.httpLoadSeconds} s per path at ${config.httpConnections} connections`);
    const load = await benchHttpLoad({
      baseUrl: server.baseUrl,
      token: owner.token,
      appId: app.id,
      table: 'orders',
      seconds: config.httpLoadSeconds,
      connections: config.httpConnections,
    });
    const ping = load[0];
    for (const row of load.slice(1)) {
      const failures = row.errors + row.non2xx;
      const met = failures === 0 && row.p99 <= P99_GOAL_MS;
      rows.push({
        measurement: `load ${row.path}, ${config.httpConnections} conn.`,
        value: `${Math.round(row.requestsPerSec).toLocaleString('en-US')} req/s, p50 ${ms(row.p50)}, p99 ${ms(row.p99)}, ${failures} errors`,
        reference: `${Math.round(ping?.requestsPerSec ?? 0).toLocaleString('en-US')} req/s, p99 ${ms(ping?.p99 ?? 0)} GET /api/ping`,
        ratio: `${(row.ratioToPing * 100).toFixed(0)} % of ping`,
        goal: `0 errors, p99 < ${P99_GOAL_MS} ms`,
        met,
        ...(met
          ? {}
          : {
              missed: `${failures} errors, p99 ${ms(row.p99)} against ${P99_GOAL_MS} ms: the framework's constant route alone has p99 ${ms(ping?.p99 ?? 0)} at ${config.httpConnections} connections here, and each request adds its database round trips (token, token budget, app, role, figures) through a pool of 10, all on the 2 cores autocannon and PostgreSQL share.`,
            }),
      });
    }
    return {
      rows,
      notes: [
        `HTTP rows: \`next start\` from a production build (${DIST_DIR}) on loopback, TOKEN_RATE_LIMIT=0, against the bench's database.`,
      ],
    };
  } finally {
    server.stop();
  }
}

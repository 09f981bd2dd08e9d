import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Database } from '../server/db/client';
import { type TestUser, makeApp, makeUser } from '../test/helpers/fixtures';
import type { BenchConfig } from './config';
import { type LoadPair, type StatementCounts, loadRows, statementRows } from './http-rows';
import { benchHttpIngest } from './http-ingest';
import { type LoadTarget, PING, loadTarget, loadTargets } from './http-load';
import type { BenchRow } from './report';
import { type ChildServer, buildApp, startAppServer, startBareServer } from './servers';
import { type RequestKind, countRequests, describeCost, enableStatementCounting } from './statements';

// The HTTP part of the bench (issues 6, 7 and 13): a production build of the app
// and the bare handler (bench/bare-server.ts) served against the bench's own
// database, side by side: statements per request, big ingestion batches next to
// a direct INSERT, and a load run of the six REST paths next to GET /api/ping
// and the bare handler, path by path, so a busy moment hits both alike.

const DIST_DIR = '.next-bench';
const INGEST_BATCH = 1000;

/** An app with a month of events and a small workspace table, as the load run reads it. */
async function seedTarget(database: Database) {
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
  await sql`analyze`.execute(database.db);
  return { owner, app };
}

// Connections to the bench database of other roles than the service's: the workspace readers'.
const READER_CONNECTIONS = `select count(*)::int as n from pg_catalog.pg_stat_activity
  where datname = current_database() and usename <> current_user and backend_type = 'client backend'`;

/**
 * Waits (up to 15 s) until no workspace reader's connection is open: a reader
 * may hold 4 for all processes together, and the idle one the other server
 * keeps for a while after its run would leave this run one fewer.
 */
async function readersGone(pool: pg.Pool): Promise<void> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
    const { rows } = await pool.query<{ n: number }>(READER_CONNECTIONS);
    if ((rows[0]?.n ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Signs `user` in through the login procedure, as the login form does; the session cookie as `name=value`. */
async function signIn(baseUrl: string, user: TestUser): Promise<string> {
  const response = await fetch(`${baseUrl}/api/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ username: user.username, password: user.password }),
  });
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (response.status !== 200 || !cookie) throw new Error(`sign-in answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return cookie;
}

/** A request kind that throws unless the answer has `status`; the body is read whole (a page streams). */
function kind(label: string, writes: boolean, status: number, url: string, init: RequestInit): RequestKind {
  return {
    label,
    writes,
    send: async () => {
      const response = await fetch(url, init);
      const text = await response.text();
      if (response.status !== status) throw new Error(`${label} answered ${response.status}: ${text.slice(0, 200)}`);
    },
  };
}

/** Statements of GET /stats (ours and bare's) and of the overview page, rows written by them and by one POST /views. */
async function countStatements(
  pool: pg.Pool,
  servers: { app: ChildServer; bare: ChildServer },
  owner: TestUser,
  appId: string,
  requests: number,
): Promise<StatementCounts> {
  const { app, bare } = servers;
  const bearer = { authorization: `Bearer ${owner.token}` };
  const cookie = await signIn(app.baseUrl, owner);
  const [write, stats, page, bareStats] = await countRequests(
    pool,
    [
      kind('POST /views of 1 event', true, 202, `${app.baseUrl}/api/apps/${appId}/views`, {
        method: 'POST',
        headers: { ...bearer, 'content-type': 'application/json' },
        body: '{}',
      }),
      kind('GET /stats (token)', true, 200, `${app.baseUrl}/api/apps/${appId}/stats`, { headers: bearer }),
      kind('page render /apps/{id} (session)', true, 200, `${app.baseUrl}/apps/${appId}`, { headers: { cookie } }),
      kind('GET /stats on the bare handler', false, 200, `${bare.baseUrl}/api/apps/${appId}/stats`, { headers: bearer }),
    ],
    requests,
  );
  if (!write || !stats || !page || !bareStats) throw new Error('a request kind was not counted');
  return { write, stats, page, bareStats };
}

/** The HTTP rows beside their references, and notes on how they were taken. */
export async function measureHttp(
  db: Database,
  url: string,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<{ rows: BenchRow[]; notes: string[] }> {
  await buildApp(DIST_DIR, log);
  const counting = await enableStatementCounting(db.pool);
  const secret = randomBytes(32).toString('hex');
  const servers: ChildServer[] = [];
  try {
    const app = await startAppServer(url, secret, DIST_DIR);
    servers.push(app);
    const bare = await startBareServer(url, secret);
    servers.push(bare);
    const { owner, app: target } = await seedTarget(db);
    const rows: BenchRow[] = [];
    const notes = [
      `HTTP rows: \`next start\` from a production build (${DIST_DIR}) and the bare handler (bench/bare-server.ts: node:http, a pool of 10 like the service's, ` +
        'one statement for token, app and membership, then the same query functions, no validation), each a process of its own on loopback against the bench database. ' +
        'The budget per token is counted as deployed, with a limit the run never reaches. ' +
        `Load: autocannon in the bench process, ${config.httpLoadSeconds} s per path and server at ${config.httpConnections} connections, ` +
        'ping first, then each path on ours and on the bare handler in turn, a workspace path only once no reader connection of the other server is left; ' +
        'ingestion is loaded with one event per request.',
    ];
    if (counting) {
      log(`counting statements of ${config.statementRequests} requests per kind…`);
      const counts = await countStatements(db.pool, { app, bare }, owner, target.id, config.statementRequests);
      rows.push(...statementRows(counts));
      notes.push(
        'Statements: pg_stat_statements (preloaded), reset before each kind and read after a quiet wait, top-level statements of every role in the bench database, ' +
          'the bench’s own left out; rows written from pg_stat_user_tables (inserted + updated + deleted, triggers’ writes included) after the server reported them.',
        ...[counts.stats, counts.page, counts.bareStats, counts.write].map(describeCost),
      );
    } else {
      notes.push('Statements per request were not counted: this PostgreSQL does not preload pg_stat_statements.');
    }
    log(`ingestion over HTTP in batches of ${INGEST_BATCH}`);
    const ingest = await benchHttpIngest(app.baseUrl, db, target.id, owner.token, { size: INGEST_BATCH, seconds: config.samples.seconds });
    log(`load run: ${config.httpLoadSeconds} s per path and server at ${config.httpConnections} connections`);
    const load = { token: owner.token, seconds: config.httpLoadSeconds, connections: config.httpConnections };
    const ping = await loadTarget(app.baseUrl, PING, load);
    const pairs: LoadPair[] = [];
    const run = async (server: ChildServer, path: LoadTarget) => {
      if (path.readsWorkspace) await readersGone(db.pool);
      return loadTarget(server.baseUrl, path, load);
    };
    for (const path of loadTargets(target.id, 'orders')) pairs.push({ ours: await run(app, path), bare: await run(bare, path) });
    return { rows: [...loadRows(pairs, ping, config.httpConnections), ...ingest, ...rows], notes };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

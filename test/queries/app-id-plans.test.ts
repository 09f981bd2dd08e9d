import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolOf } from '../../server/db/client';
import { type CountedStatement, countStatements } from '../../server/db/statement-count';
import { closeLiveHub } from '../../server/live/hub';
import { getLiveTotalsOf } from '../../server/queries/live';
import { createContext } from '../../server/trpc/context';
import { appRouter, createCaller } from '../../server/trpc/routers/_app';
import { useTestDatabase } from '../helpers/database';
import { type TestApp, type TestUser, makeApp, makeUser, systemCaller } from '../helpers/fixtures';
import { EXPLAINABLE, guardedRelations, planOf, violations } from '../helpers/plans';

// Issue 18, "Citus-ready, proven on one node": every statement the procedures
// send while they serve a representative set of calls (collected on every
// connection by server/db/statement-count.ts) is EXPLAINed with its own
// parameters, and any plan node that scans an event or rollup table
// (view_events, route_invocations, every stats_* table, and every partition of
// them, read from the catalog) without an index condition on app_id fails.
//
// What counts: an Index (Only) Scan whose Index Cond is an equality on app_id
// (`= $1`, `= ANY ($1)` for a list of apps, or `= a.id` per row of an outer
// list), or a Bitmap Heap Scan all of whose bitmap index scans have one. A
// Filter on app_id does not count: the scan still reads every row of the
// relation (on Citus, every row of the shard). Partition pruning does not
// count either: the events are partitioned by month of their time column,
// which says nothing about the app, so a pruned plan must still read each
// remaining partition by app_id. (Were the tables partitioned by app_id, a
// partition whose bound pins one app would count; none is.) Statements run
// inside PL/pgSQL (the rollup triggers) are not visible here; they key every
// read by app_id by construction (server/db/sql/rollups/README.md).
//
// The data is planted at a realistic size (60 apps with 3·10⁵ events, 3000 more
// with one each, so 3060 slot rows per slot table; ANALYZEd)
// so the planner chooses between index and sequential scans honestly.

const database = useTestDatabase();
const DAY = 86_400_000;
const NOW = new Date(Math.floor(Date.now() / DAY) * DAY + 13 * 3_600_000);
const RANGE = { from: new Date(NOW.getTime() - 20 * DAY).toISOString().slice(0, 10), to: NOW.toISOString().slice(0, 10) };
const OTHER_APPS = 59;
let owner: TestUser;
let app: TestApp;

type Caller = Awaited<ReturnType<typeof callerOf>>;
const callerOf = async (signal?: AbortSignal) =>
  createCaller(
    await createContext({ db: database.current.db, headers: new Headers({ authorization: `Bearer ${owner.token}` }), now: () => NOW }),
    {
      ...(signal ? { signal } : {}),
    },
  );

async function drain(file: { body: AsyncIterable<string> }): Promise<number> {
  let length = 0;
  for await (const chunk of file.body) length += chunk.length;
  return length;
}

/** The first totals of a live stream, then it is closed. */
async function firstLiveTotals(): Promise<unknown> {
  const abort = new AbortController();
  const stream: AsyncIterable<unknown> = await (await callerOf(abort.signal)).live.stats({ appId: app.id });
  for await (const totals of stream) {
    abort.abort();
    return totals;
  }
  return undefined;
}

/**
 * The calls, by procedure. To guard a new procedure add it here (several calls
 * may share one procedure: `name#what`); or, if it reads no event or rollup
 * table, to NO_EVENT_READS with the reason. A procedure in neither fails the
 * coverage test below.
 */
const CALLS: Record<string, (caller: Caller) => Promise<unknown>> = {
  'apps.list': (c) => c.apps.list(),
  'apps.get': (c) => c.apps.get({ appId: app.id }),
  'apps.sparklines': (c) => c.apps.sparklines(),
  'apps.invocationsByDay': (c) => c.apps.invocationsByDay({ appId: app.id }),
  'stats.overview': (c) => c.stats.overview({ appId: app.id }),
  'stats.api': (c) => c.stats.api({ appId: app.naturalId }),
  'stats.tables': (c) => c.stats.tables({ appId: app.id }),
  'stats.tablesCsv': (c) => c.stats.tablesCsv({ appId: app.id }).then(drain),
  'stats.preview': (c) => c.stats.preview({ appId: app.id, table: 'items', limit: 5, offset: 5 }),
  'export.table': (c) => c.export.table({ appId: app.id, table: 'items', format: 'csv' }).then(drain),
  'live.stats': () => firstLiveTotals(),
  'live.stats#hub': () => getLiveTotalsOf(database.current.db, [app.id, owner.id]),
  'insights.range#utc-day': (c) => c.insights.range({ appId: app.id, ...RANGE, interval: 'day' }),
  'insights.range#utc-hour': (c) => c.insights.range({ appId: app.id, from: RANGE.to, to: RANGE.to, interval: 'hour' }),
  'insights.range#zone-day': (c) => c.insights.range({ appId: app.id, ...RANGE, tz: 'America/St_Johns', interval: 'day' }),
  'insights.range#zone-hour': (c) => c.insights.range({ appId: app.id, ...RANGE, tz: 'Asia/Kolkata', interval: 'hour' }),
  'insights.rangeCsv': (c) => c.insights.rangeCsv({ appId: app.id, ...RANGE, tz: 'Europe/Berlin' }).then(drain),
  'insights.overviewCsv': (c) => c.insights.overviewCsv({ appId: app.id }).then(drain),
  'insights.apiCsv': (c) => c.insights.apiCsv({ appId: app.id }).then(drain),
  'activity.invocations': (c) => c.activity.invocations({ appId: app.id, ...RANGE, limit: 50 }),
  'activity.invocations#status': (c) => c.activity.invocations({ appId: app.id, ...RANGE, status: '4xx' }),
  'activity.invocations#failed': (c) => c.activity.invocations({ appId: app.id, ...RANGE, status: 'failed' }),
  'activity.invocations#method': (c) => c.activity.invocations({ appId: app.id, ...RANGE, method: 'POST' }),
  'activity.invocations#route': (c) => c.activity.invocations({ appId: app.id, ...RANGE, route: '/items/:id' }),
  'activity.invocations#user': (c) => c.activity.invocations({ appId: app.id, ...RANGE, user: owner.username }),
  'activity.invocations#anonymous': (c) => c.activity.invocations({ appId: app.id, ...RANGE, user: 'anonymous', tz: 'Asia/Tokyo' }),
  'activity.invocations#cursor': async (c) => {
    const first = await c.activity.invocations({ appId: app.id, ...RANGE, status: '2xx', limit: 20 });
    return c.activity.invocations({ appId: app.id, ...RANGE, status: '2xx', limit: 20, cursor: first.nextCursor });
  },
  'activity.invocationsCsv': (c) => c.activity.invocationsCsv({ appId: app.id, from: RANGE.to, to: RANGE.to, method: 'GET' }).then(drain),
  'activity.routes': (c) => c.activity.routes({ appId: app.id, ...RANGE }),
  'activity.routes#p95': (c) => c.activity.routes({ appId: app.id, ...RANGE, sort: 'p95DurationMs', tz: 'Asia/Kathmandu' }),
  'activity.routesCsv': (c) => c.activity.routesCsv({ appId: app.id, ...RANGE }).then(drain),
  'activity.route': (c) => c.activity.route({ appId: app.id, ...RANGE, method: 'GET', route: '/items/:id', tz: 'Europe/Berlin' }),
  'activity.errors': (c) => c.activity.errors({ appId: app.id, ...RANGE }),
  'activity.errors#route': (c) => c.activity.errors({ appId: app.id, ...RANGE, route: '/items/:id', method: 'GET', tz: 'Europe/Berlin' }),
  'activity.errorsCsv': (c) => c.activity.errorsCsv({ appId: app.id, ...RANGE }).then(drain),
  'ingest.views': (c) => c.ingest.views({ appId: app.id, events: [{ viewedAt: NOW.toISOString() }] }),
  'ingest.invocations': (c) =>
    c.ingest.invocations({
      appId: app.id,
      events: [{ method: 'GET', path: '/items/1', startedAt: NOW.toISOString(), durationMs: 3, statusCode: 200 }],
    }),
  'maintenance.checkStats': () => systemCaller(database.current.db).maintenance.checkStats({ app: app.id }),
  'workspace.columns': (c) => c.workspace.columns({ appId: app.id, table: 'items' }),
  'workspace.sortedRows': (c) => c.workspace.sortedRows({ appId: app.id, table: 'items', column: 'id', limit: 5 }),
};

/** Queries and subscriptions that read no event or rollup table, with the reason. */
const NO_EVENT_READS: Record<string, string> = {
  'auth.me': 'the signed-in user only',
  'account.tokens': "the caller's own tokens",
  'settings.members': "an app's memberships",
  'activity.rawSince': 'retention_raw_since, one row per event table, of no app',
};

const collected: Array<CountedStatement & { call: string }> = [];

beforeAll(async () => {
  const db = database.current.db;
  owner = await makeUser(db);
  app = await makeApp(db, owner, { workspace: true });
  await sql`create table ${sql.table(`${app.workspaceSchema}.items`)} as select g as id, 'item ' || g as label from generate_series(1, 500) g`.execute(
    db,
  );
  await sql`alter table ${sql.table(`${app.workspaceSchema}.items`)} add primary key (id)`.execute(db);
  // 60 apps, ours one of them: 5000 views and 2500 invocations each over 120 days, every few minutes.
  await sql`
    with apps as (select case when n = 0 then ${app.id}::uuid else gen_random_uuid() end as id from generate_series(0, ${OTHER_APPS}) n)
    insert into view_events (app_id, viewer_id, viewed_at)
    select a.id, case when g % 3 = 0 then ${owner.id}::uuid when g % 3 = 1 then gen_random_uuid() end,
           ${NOW}::timestamptz - (g * interval '34 minutes 33 seconds')
    from apps a, generate_series(1, 5000) g`.execute(db);
  await sql`
    with apps as (select case when n = 0 then ${app.id}::uuid else gen_random_uuid() end as id from generate_series(0, ${OTHER_APPS}) n)
    insert into route_invocations (app_id, method, path, user_id, started_at, duration_ms, status_code, memory_peak_bytes, error)
    select a.id, case when g % 4 = 0 then 'POST' else 'GET' end, '/items/' || (g % 97), case when g % 5 = 0 then ${owner.id}::uuid end,
           ${NOW}::timestamptz - (g * interval '69 minutes 7 seconds'), g % 400, case when g % 11 = 0 then 503 when g % 7 = 0 then 404 else 200 end,
           (g % 13) * 1000000, case when g % 11 = 0 then 'boom ' || (g % 3) end
    from apps a, generate_series(1, 2500) g`.execute(db);
  // And 3000 small apps: the slot tables hold a row per (app, slot), so they grow with the apps, not the events.
  await sql`insert into view_events (app_id, viewed_at) select gen_random_uuid(), ${NOW}::timestamptz - g * interval '1 minute' from generate_series(1, 3000) g`.execute(
    db,
  );
  await sql`insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code)
    select gen_random_uuid(), 'GET', '/', ${NOW}::timestamptz - g * interval '1 minute', 1, 200 from generate_series(1, 3000) g`.execute(
    db,
  );
  await sql`analyze`.execute(db);
  for (const [call, run] of Object.entries(CALLS)) {
    const caller = await callerOf();
    const { statements } = await countStatements(() => run(caller));
    collected.push(...statements.map((statement) => ({ ...statement, call })));
  }
}, 180_000);

afterAll(async () => {
  await closeLiveHub(database.current.db);
});

describe('every plan over an event or rollup table reads by app_id', () => {
  it('covers every query procedure: each is called, or says why it reads no event table', () => {
    const procedures = (appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: string } }> } })._def.procedures;
    const reads = Object.entries(procedures)
      .filter(([, procedure]) => procedure._def.type !== 'mutation')
      .map(([name]) => name);
    const called = new Set(Object.keys(CALLS).map((key) => key.split('#')[0]));
    expect(reads.filter((name) => !called.has(name) && !(name in NO_EVENT_READS))).toEqual([]);
  });

  it('EXPLAINs each statement with its parameters and finds no scan without an app_id index condition', async () => {
    const db = database.current.db;
    const pool = poolOf(db);
    if (!pool) throw new Error('no pool');
    const guarded = await guardedRelations(db);
    const mentions = new RegExp(`\\b(${[...guarded].join('|')})\\b`);
    const checked = collected.filter((s) => EXPLAINABLE.test(s.text) && mentions.test(s.text));
    const failures: string[] = [];
    for (const statement of checked) {
      const plan = await planOf(pool, statement.text, statement.values);
      for (const found of violations(plan, guarded))
        failures.push(`${statement.call}: ${found}\n  ${statement.text.replace(/\s+/g, ' ').slice(0, 300)}`);
    }
    expect(failures).toEqual([]);
    // Not vacuous: every call that reads figures sent statements over guarded tables.
    const callsChecked = new Set(checked.map((s) => s.call));
    for (const call of [
      'stats.overview',
      'stats.api',
      'insights.range#zone-hour',
      'activity.invocations#cursor',
      'activity.errors',
      'activity.routes',
      'activity.route',
      'live.stats',
    ])
      expect(callsChecked, call).toContain(call);
    expect(checked.length).toBeGreaterThanOrEqual(30);
  });

  it('fails a plan that reads an event table without app_id', async () => {
    const pool = poolOf(database.current.db);
    if (!pool) throw new Error('no pool');
    const guarded = await guardedRelations(database.current.db);
    const byApp = await planOf(pool, 'select count(*) from route_invocations where app_id = $1 and started_at >= $2', [app.id, NOW]);
    expect(violations(byApp, guarded)).toEqual([]);
    const byTime = await planOf(pool, 'select count(*) from route_invocations where started_at >= $1 and status_code = 503', [NOW]);
    expect(violations(byTime, guarded).length).toBeGreaterThan(0);
    const filtered = await planOf(pool, 'select max(day) from stats_view_days where app_id::text = $1', [app.id]);
    expect(violations(filtered, guarded)).toEqual([expect.stringMatching(/Scan on stats_view_days/)]);
  });
});

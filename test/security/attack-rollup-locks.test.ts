import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRollups } from '../../server/queries/stats/maintain';
import { createTestDatabase, sqlStateAs, type TestDatabase } from '../helpers/database';
import { type TestApp, makeApp, makeUser } from '../helpers/fixtures';
import { type Tenant, tenantOf } from '../helpers/tenant';

// A tenant's code (run as a workspace's own role, or as its reader during our
// reads) may call pg_advisory_lock with any key, and the rollup keys were
// derived from the app's id and a slot number. Holding them must not stall the
// app's writers: the rollups take no advisory lock (issue 13). The row locks
// they take instead are out of the tenant's reach: it has no right on the
// rollup tables.

let database: TestDatabase & { drop(): Promise<void> };
let app: TestApp;
let tenant: Tenant;
let writer: pg.Client;

// What the rollups used, per (app, slot): pg_advisory_xact_lock_shared(hashtextextended('appstats.rollups:' || app_id, slot)).
const ROLLUP_KEYS = (appId: string) =>
  `select pg_catalog.hashtextextended('appstats.rollups:' || '${appId}', s) from pg_catalog.generate_series(0, 15) s`;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await makeApp(database.db, await makeUser(database.db), { workspace: true });
  tenant = await tenantOf(database.url, app.workspaceSchema as string);
  // A runtime's connection: nothing but INSERT, DELETE and UPDATE on the event tables, and a writer's patience of 1 s.
  const role = `writer_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await admin.query(`create role ${role} nologin;
    grant select, insert, update, delete on public.view_events, public.route_invocations to ${role}`);
  await admin.end();
  writer = new pg.Client({ connectionString: database.url });
  await writer.connect();
  await writer.query(`set role ${role}; set lock_timeout = '1s'`);
});

afterAll(async () => {
  await writer?.end();
  await tenant?.close();
  await database?.drop();
});

const view = (at: string, viewer: string | null = null) =>
  writer.query('insert into public.view_events (app_id, viewer_id, viewed_at) values ($1, $2, $3)', [app.id, viewer, at]);
const invocation = (at: string, memory: number) =>
  writer.query(
    `insert into public.route_invocations (app_id, method, path, started_at, duration_ms, status_code, memory_peak_bytes)
     values ($1, 'GET', '/', $2, 5, 200, $3)`,
    [app.id, at, memory],
  );

describe('advisory locks held by a tenant', () => {
  it('cannot block the rollups of any write of the app, nor its rebuild', async () => {
    // Every key, held exclusively, on a connection the tenant leaves open.
    await tenant.hold(`select pg_catalog.pg_advisory_lock(k) from (${ROLLUP_KEYS(app.id)}) keys(k)`);
    const viewer = '0000000a-0000-4000-8000-000000000001';
    // The first row of a slot (its slot row created), then the fast path, a later and an earlier bucket, a viewer's first and next view.
    await view('2025-06-10T12:00:00Z');
    await view('2025-06-10T12:01:00Z', viewer);
    await view('2025-06-10T12:02:00Z', viewer);
    await view('2025-06-10T12:20:00Z');
    await view('2025-06-10T11:00:00Z', viewer);
    await invocation('2025-06-10T12:00:00Z', 100);
    await invocation('2025-06-10T12:01:00Z', 300);
    await invocation('2025-06-10T12:20:00Z', 200);
    await invocation('2025-06-10T11:00:00Z', 50);
    // Statements of several rows, and removed rows.
    await writer.query('insert into public.view_events (app_id, viewed_at) select $1, $2 from generate_series(1, 3)', [
      app.id,
      '2025-06-10T12:03:00Z',
    ]);
    await writer.query('delete from public.view_events where app_id = $1 and viewed_at = $2', [app.id, '2025-06-10T12:20:00Z']);
    await writer.query('update public.route_invocations set memory_peak_bytes = 10 where app_id = $1 and memory_peak_bytes = 300', [
      app.id,
    ]);
    await writer.query('delete from public.route_invocations where app_id = $1 and memory_peak_bytes = 200', [app.id]);
    expect(await checkRollups(database.db, app.id)).toEqual([]);

    const rebuilder = new pg.Client({ connectionString: database.url });
    await rebuilder.connect();
    try {
      await rebuilder.query(`set lock_timeout = '1s'`);
      await rebuilder.query('begin');
      await rebuilder.query('select stats_rebuild_app($1::uuid)', [app.id]);
      await rebuilder.query('commit');
    } finally {
      await rebuilder.end();
    }
    await view('2025-06-10T12:04:00Z', viewer);
    expect(await checkRollups(database.db, app.id)).toEqual([]);
  });

  it('are the only locks it can take: the rollup rows are out of its reach', async () => {
    for (const table of ['stats_view_slots', 'stats_invocation_slots', 'stats_viewers', 'stats_view_buckets', 'stats_invocation_days']) {
      const statement = `select 1 from public.${table} for key share`;
      expect([table, await sqlStateAs(database.url, tenant.role, statement)]).toEqual([table, '42501']);
    }
  });
});

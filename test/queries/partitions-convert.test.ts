import { randomBytes } from 'node:crypto';
import { Migrator, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { dropDatabase } from '../../scripts/test-env';
import { type Database, createDatabase } from '../../server/db/client';
import { migrateOrThrow } from '../../server/db/migrate';
import { migrations } from '../../server/db/migration-list';
import { ensureDatabase } from '../../server/embedded/postgres';
import { checkRollups } from '../../server/queries/stats/maintain';

// Migration 20260113000000_partitions converts tables that already hold rows
// while writers keep inserting (issue 18): a database migrated up to the one
// before, 10^6 rows in it, four single-row writers running through the whole
// conversion. Nothing is lost, every id stays unique, every rollup still
// agrees with its raw rows, and the writers' longest wait (the lock the
// conversion holds) is printed.

const adminUrl = process.env.TEST_ADMIN_URL ?? '';
const name = `t_convert_${randomBytes(4).toString('hex')}`;
const ROWS_EACH = 500_000;
const WRITERS = 4;
let database: Database | undefined;

afterAll(async () => {
  await database?.destroy();
  await dropDatabase(adminUrl, name);
});

interface Writer {
  views: number;
  invocations: number;
  longestMs: number;
  done: Promise<void>;
}

/** One connection inserting one row per statement, views and invocations in turn, until `stop()` says so. */
function startWriter(url: string, appId: string, stopped: () => boolean): Writer {
  const writer: Writer = { views: 0, invocations: 0, longestMs: 0, done: Promise.resolve() };
  writer.done = (async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (let i = 0; !stopped(); i++) {
        const started = performance.now();
        if (i % 2 === 0) {
          await client.query('insert into view_events (app_id) values ($1)', [appId]);
          writer.views++;
        } else {
          await client.query(
            `insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code, error)
             values ($1, 'POST', '/orders/' || $2::int, now(), $2::int % 90, case when $2::int % 5 = 0 then 503 else 200 end,
                     case when $2::int % 10 = 0 then 'timeout' end)`,
            [appId, i],
          );
          writer.invocations++;
        }
        writer.longestMs = Math.max(writer.longestMs, performance.now() - started);
      }
    } finally {
      await client.end();
    }
  })();
  return writer;
}

describe('the partition conversion', () => {
  it('moves 10^6 rows with writers running, losing none', { timeout: 600_000 }, async () => {
    const url = await ensureDatabase(adminUrl, name);
    database = createDatabase(url, { max: 4 });
    const db = database.db;
    const before = Object.keys(migrations).filter((key) => key < '20260113000000');
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const { error } = await migrator.migrateTo(before[before.length - 1] ?? '');
    expect(error).toBeUndefined();

    const { rows: users } = await sql<{ id: string }>`
      insert into users (username, name, password_hash) values ('convert-owner', 'Owner', 'x') returning id`.execute(db);
    const ownerId = users[0]?.id ?? '';
    const apps: string[] = [];
    for (const naturalId of ['convert-a', 'convert-b', 'convert-c']) {
      const { rows } = await sql<{ id: string }>`
        insert into apps (natural_id, name, owner_id) values (${naturalId}, ${naturalId}, ${ownerId}) returning id`.execute(db);
      apps.push(rows[0]?.id ?? '');
    }
    await sql`
      insert into view_events (app_id, viewer_id, viewed_at)
      select (${apps}::uuid[])[1 + g % 3], case when g % 4 = 0 then ${ownerId}::uuid end, now() - (g % 7776000) * interval '1 second'
      from generate_series(1, ${ROWS_EACH}) g`.execute(db);
    await sql`
      insert into route_invocations (app_id, method, path, user_id, started_at, duration_ms, status_code, memory_peak_bytes, error)
      select (${apps}::uuid[])[1 + g % 3], 'GET', '/items/' || (g % 500), null, now() - (g % 7776000) * interval '1 second',
             g % 400, case when g % 50 = 0 then 500 else 200 end, g, case when g % 100 = 0 then 'failed ' || g end
      from generate_series(1, ${ROWS_EACH}) g`.execute(db);

    let stop = false;
    const writers = Array.from({ length: WRITERS }, (_, i) => startWriter(url, apps[i % apps.length] ?? '', () => stop));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = performance.now();
    const applied = await migrateOrThrow(db);
    const migrationMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop = true;
    await Promise.all(writers.map((writer) => writer.done));
    expect(applied).toContain('20260113000000_partitions');

    const written = writers.reduce((sum, w) => ({ views: sum.views + w.views, invocations: sum.invocations + w.invocations }), {
      views: 0,
      invocations: 0,
    });
    console.log(
      `partition conversion of ${2 * ROWS_EACH} rows: ${migrationMs.toFixed(0)} ms; longest single-row write meanwhile ` +
        `${Math.max(...writers.map((w) => w.longestMs)).toFixed(0)} ms; ${written.views + written.invocations} rows written by ${WRITERS} writers`,
    );
    expect(written.views).toBeGreaterThan(0);
    expect(written.invocations).toBeGreaterThan(0);

    const { rows } = await sql<{ views: string; invocations: string; ids: string; parted: boolean }>`
      select (select count(*) from view_events) as views,
             (select count(*) from route_invocations) as invocations,
             (select count(distinct id) from route_invocations) as ids,
             (select relkind = 'p' from pg_catalog.pg_class where oid = 'view_events'::regclass) as parted`.execute(db);
    expect(rows[0]).toEqual({
      views: String(ROWS_EACH + written.views),
      invocations: String(ROWS_EACH + written.invocations),
      ids: String(ROWS_EACH + written.invocations),
      parted: true,
    });
    for (const appId of apps) expect(await checkRollups(db, appId)).toEqual([]);

    // Writes after the move: into the parent, numbered on from the old identity.
    const { rows: next } = await sql<{ id: string; part: string }>`
      insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code)
      values (${apps[0]}::uuid, 'GET', '/after', now() + interval '40 days', 1, 200)
      returning id, tableoid::regclass::text as part`.execute(db);
    const { rows: max } = await sql<{ id: string }>`select max(id) as id from route_invocations where path <> '/after'`.execute(db);
    expect(BigInt(next[0]?.id ?? 0)).toBeGreaterThan(BigInt(max[0]?.id ?? 0));
    expect(next[0]?.part).toMatch(/^route_invocations_y\d{4}m\d{2}$/);
    expect(await checkRollups(db, apps[0] ?? '')).toEqual([]);
  });
});

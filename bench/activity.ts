import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { todayIn, addDays } from '../lib/range';
import { createDatabase } from '../server/db/client';
import { migrateOrThrow } from '../server/db/migrate';
import type { DB } from '../server/db/types';
import { ensureDatabase, startEmbedded } from '../server/embedded/postgres';
import { listErrorGroups } from '../server/queries/activity/errors';
import { type LogFilters } from '../server/queries/activity/filters';
import { type LogPosition, readInvocationLog } from '../server/queries/activity/log';
import { naiveErrorGroups } from './activity-reads';
import { time } from './measure';

// Issue 15, quickly and on its own (npm run bench has the groups and log page
// 1000 too, bench/activity-reads.ts): the error groups through the partial index over failed
// invocations against naive SQL, log pages 1 and 1000 (keyset) against OFFSET,
// page 1 of each filter, and what the log's indexes cost a COPY. Its own
// throwaway embedded PostgreSQL; ACTIVITY_ROWS (default 10⁶) invocations of one
// app over 30 days and 2,000 routes, 1 % failed. `npx tsx bench/activity.ts`.

const ROWS = Number(process.env.ACTIVITY_ROWS ?? 1_000_000);
const COPY_ROWS = Math.min(ROWS, 200_000);
const APP = '00000000-0000-4000-8000-00000000000a';
const log = (line: string) => process.stderr.write(`[activity] ${line}\n`);

async function median(work: () => Promise<unknown>, runs = 5): Promise<number> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await time(work));
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] ?? Number.NaN;
}

async function load(db: Kysely<DB>): Promise<void> {
  // The rollup triggers are not what is measured here: rows go in as a replica writes them.
  await db.connection().execute(async (conn) => {
    await sql`set session_replication_role = replica`.execute(conn);
    await sql`insert into route_invocations (app_id, method, path, user_id, started_at, duration_ms, status_code, error)
      select ${APP}::uuid, case when g % 20 < 16 then 'GET' when g % 20 < 19 then 'POST' else 'DELETE' end,
             '/r' || (g % 2000) || 'x/items/' || g || '?page=' || (g % 7),
             case when g % 5 = 0 then null else ('00000000-0000-4000-8000-' || lpad((g % 50)::text, 12, '0'))::uuid end,
             now() - (g::float8 / ${ROWS}) * interval '30 days', g % 900,
             case when g % 100 = 0 then 500 when g % 100 < 4 then 404 when g % 100 = 4 then 302 else 200 end,
             case when g % 100 = 0 and g % 300 <> 0 then
               case when g % 3 = 1 then 'timeout after ' || (g % 5000) || ' ms' else 'user ' || gen_random_uuid() || ' not found' end end
      from generate_series(1, ${ROWS}) g`.execute(conn);
    await sql`set session_replication_role = origin`.execute(conn);
  });
  await sql`vacuum analyze route_invocations`.execute(db);
}

async function naiveGroups(db: Kysely<DB>, from: string, to: string, without: string): Promise<number> {
  return db.connection().execute((conn) =>
    median(async () => {
      await sql`begin`.execute(conn);
      await sql.raw(without).execute(conn);
      await naiveErrorGroups(APP, from, to).execute(conn);
      await sql`rollback`.execute(conn);
    }),
  );
}

async function copyCost(url: string, db: Kysely<DB>): Promise<{ all: number; logOnly: number; none: number }> {
  await sql`create table bench_all (like route_invocations including defaults including identity including indexes)`.execute(db);
  await sql`create table bench_log (like route_invocations including defaults including identity)`.execute(db);
  await sql`create unique index on bench_log (app_id, started_at desc, id desc)`.execute(db);
  await sql`create table bench_none (like route_invocations including defaults including identity)`.execute(db);
  const lines = Array.from({ length: COPY_ROWS }, (_, g) => {
    const at = new Date(Date.now() - g * 1000).toISOString();
    return `${APP}\tGET\t/r${g % 2000}x/items/${g}\t${at}\t${g % 900}\t${g % 100 === 0 ? 500 : 200}\t${g % 100 === 0 ? `boom ${g}` : '\\N'}\n`;
  }).join('');
  const copy = async (table: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await time(() =>
        pipeline(
          Readable.from([lines]),
          client.query(copyFrom(`copy ${table} (app_id, method, path, started_at, duration_ms, status_code, error) from stdin`)),
        ),
      );
    } finally {
      await client.end();
    }
  };
  const best = async (table: string) => Math.min(await copy(table), await copy(table));
  return { all: await best('bench_all'), logOnly: await best('bench_log'), none: await best('bench_none') };
}

async function main(): Promise<void> {
  const folder = mkdtempSync(path.join(tmpdir(), 'appstats-activity-'));
  const server = await startEmbedded({ dataDir: path.join(folder, 'pg'), throwaway: true });
  const url = await ensureDatabase(server.adminUrl, 'bench');
  const database = createDatabase(url, { max: 4 });
  const db = database.db;
  try {
    await migrateOrThrow(db);
    log(`loading ${ROWS} invocations`);
    await load(db);
    const to = todayIn('UTC', new Date());
    const from = addDays(to, -29);
    const range = { tz: 'UTC', from, to };
    const out: string[] = [];
    const groups = await median(() => listErrorGroups(db, APP, { range, limit: 20 }));
    const noPartial = await naiveGroups(db, from, to, 'drop index route_invocations_failed_idx');
    const seqScan = await naiveGroups(db, from, to, 'set local enable_indexscan = off; set local enable_bitmapscan = off');
    out.push(
      `error groups, 30 days: ${groups.toFixed(1)} ms; naive without the partial index ${noPartial.toFixed(1)} ms (${(noPartial / groups).toFixed(0)}×), naive seq scan ${seqScan.toFixed(1)} ms (${(seqScan / groups).toFixed(0)}×)`,
    );

    const filters: LogFilters = { method: 'POST' };
    const page1 = await median(() => readInvocationLog(db, APP, { range, filters, limit: 100 }));
    let after: LogPosition | undefined;
    for (let page = 1; page < 1000; page++)
      after = (await readInvocationLog(db, APP, { range, filters, after, limit: 100 })).next ?? undefined;
    const page1000 = await median(() => readInvocationLog(db, APP, { range, filters, after, limit: 100 }));
    const offset = await median(() =>
      sql`select * from route_invocations where app_id = ${APP}::uuid and method = 'POST' order by started_at desc, id desc offset 99900 limit 100`.execute(
        db,
      ),
    );
    out.push(
      `log method=POST: page 1 ${page1.toFixed(2)} ms, page 1000 ${page1000.toFixed(2)} ms (keyset); OFFSET page 1000 ${offset.toFixed(1)} ms`,
    );
    for (const f of [
      { status: '3xx' },
      { status: '4xx' },
      { status: '5xx' },
      { status: 'failed' },
      { method: 'DELETE' },
      { route: '/r7x/items/:id' },
      { user: 'anonymous' },
      { route: '/none' },
    ] as LogFilters[]) {
      out.push(
        `log page 1 ${JSON.stringify(f)}: ${(await median(() => readInvocationLog(db, APP, { range, filters: f, limit: 100 }))).toFixed(2)} ms`,
      );
    }
    const copy = await copyCost(url, db);
    out.push(
      `COPY ${COPY_ROWS} rows (no triggers): every index of the log ${copy.all.toFixed(0)} ms, only the log index ${copy.logOnly.toFixed(0)} ms, no index ${copy.none.toFixed(0)} ms`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await database.destroy();
    await server.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

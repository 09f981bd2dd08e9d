import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Database } from '../server/db/client';
import { type BenchConfig, power } from './config';
import { INVOCATION_COLUMNS, VIEW_COLUMNS, copyInto, invocationsCopyText, viewsCopyText } from './load';
import { time } from './measure';
import { type BenchRow, perRowWhy, throughputRow } from './report';

// Writes with rollups against the very same writes into twin tables without
// triggers (same columns and indexes), both starting empty each round.

const TWINS = { view_events: 'bench_plain_view_events', route_invocations: 'bench_plain_route_invocations' } as const;
type Table = keyof typeof TWINS;

export async function createTwinTables(database: Database): Promise<void> {
  for (const [table, twin] of Object.entries(TWINS)) {
    await sql.raw(`create table if not exists ${twin} (like ${table} including all)`).execute(database.db);
  }
}

async function emptyBoth(database: Database): Promise<void> {
  await sql.raw(`truncate view_events, route_invocations, ${Object.values(TWINS).join(', ')}`).execute(database.db);
}

const COPY_GOAL = 0.5;
const WRITERS_GOAL = 0.6;

/** Bulk COPY with rollups vs into the twin table; best of two rounds each. */
export async function measureCopy(database: Database, config: BenchConfig, log: (line: string) => void): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const now = new Date();
  for (const [table, columns, make] of [
    ['view_events', VIEW_COLUMNS, viewsCopyText],
    ['route_invocations', INVOCATION_COLUMNS, invocationsCopyText],
  ] as const) {
    const text = make(randomUUID(), config.copyRows, now);
    const best = { rollups: Number.POSITIVE_INFINITY, plain: Number.POSITIVE_INFINITY };
    for (let round = 0; round < 2; round++) {
      log(`COPY ${power(config.copyRows)} rows into ${table}, round ${round + 1}…`);
      await emptyBoth(database);
      best.plain = Math.min(best.plain, await time(() => copyInto(database.pool, TWINS[table], columns, text)));
      best.rollups = Math.min(best.rollups, await time(() => copyInto(database.pool, table, columns, text)));
    }
    const rate = (ms: number) => (config.copyRows * 1000) / ms;
    rows.push(
      throughputRow(`COPY ${power(config.copyRows)} ${table}`, rate(best.rollups), rate(best.plain), 'without triggers', {
        atLeast: COPY_GOAL,
        why: perRowWhy(rate(best.rollups), rate(best.plain), COPY_GOAL, "the rollups' statement trigger (server/db/sql/rollups/)"),
      }),
    );
  }
  await emptyBoth(database);
  return rows;
}

const INSERTS: Record<Table, (target: string) => string> = {
  view_events: (target) => `insert into ${target} (app_id, viewer_id, viewed_at) values ($1, $2, now())`,
  route_invocations: (target) =>
    `insert into ${target} (app_id, method, path, started_at, duration_ms, status_code, memory_peak_bytes) values ($1, 'GET', '/w', now(), $2, 200, $3)`,
};

function paramsFor(table: Table, appId: string, writer: number, i: number): unknown[] {
  if (table === 'view_events')
    return [appId, i % 4 === 0 ? null : `0000000e-0000-4000-8000-${String((writer * 7919 + i) % 5000).padStart(12, '0')}`];
  return [appId, i % 500, (i % 1000) * 1000];
}

/** `writers` connections inserting single rows (autocommit) into one app for a while: rows per second. */
export async function writeFor(
  database: Database,
  config: BenchConfig,
  table: Table,
  target: string,
  appId = randomUUID(),
): Promise<number> {
  const clients = await Promise.all(Array.from({ length: config.writers }, () => database.pool.connect()));
  let rows = 0;
  try {
    const text = INSERTS[table](target);
    const start = performance.now();
    const deadline = start + config.writerSeconds * 1000;
    await Promise.all(
      clients.map(async (client, w) => {
        for (let i = 0; performance.now() < deadline; i++) {
          await client.query({ name: `bench-${target}`, text, values: paramsFor(table, appId, w, i) });
          rows++;
        }
      }),
    );
    return (rows * 1000) / (performance.now() - start);
  } finally {
    for (const client of clients) client.release();
  }
}

/** 16 single-row writers on one app, with rollups vs into the twin table; best of two rounds each. */
export async function measureWriters(database: Database, config: BenchConfig, log: (line: string) => void): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const table of ['view_events', 'route_invocations'] as const) {
    const best = { rollups: 0, plain: 0 };
    for (let round = 0; round < 2; round++) {
      log(`${config.writers} writers into ${table}, round ${round + 1}…`);
      await emptyBoth(database);
      best.plain = Math.max(best.plain, await writeFor(database, config, table, TWINS[table]));
      best.rollups = Math.max(best.rollups, await writeFor(database, config, table, table));
    }
    const what = `with ${config.writers} writers on the machine's ${cpus().length} cores, the rollups' statement trigger (server/db/sql/rollups/), run once per one-row INSERT,`;
    rows.push(
      throughputRow(`${config.writers} single-row writers, ${table}`, best.rollups, best.plain, 'without triggers', {
        atLeast: WRITERS_GOAL,
        why: perRowWhy(best.rollups, best.plain, WRITERS_GOAL, what),
      }),
    );
  }
  await emptyBoth(database);
  return rows;
}

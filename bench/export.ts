import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { to as copyTo } from 'pg-copy-streams';
import { poolOf, type Database } from '../server/db/client';
import { tableExportText, type TableExportFormat } from '../server/export/table';
import { readTableExport } from '../server/queries/export/read';
import { createWorkspaceSchema, grantWorkspaceReader } from '../server/queries/workspace/provision';
import { type BenchConfig, power } from './config';
import { type BenchRow, perRowWhy, throughputRow } from './report';

// Table export throughput (CONTRACT §8 "Export"): every row of a 10⁶-row
// workspace table as CSV and NDJSON through the export's own path (the
// reader's session, the cursor, the writers), beside `COPY … TO STDOUT` of the
// same table in the same order, which is as fast as PostgreSQL hands rows out.

const SCHEMA = 'bench_export';
const GOAL = 0.3;

/** The rows of the exported table: 10⁶ in a full run. */
export const exportRows = (config: BenchConfig) => (config.name === 'full' ? 1e6 : 1e4);

/** Rows per second of `work`, the best of `runs` runs (each reads every row). */
async function rate(rows: number, runs: number, work: () => Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    best = Math.min(best, performance.now() - started);
  }
  return rows / (best / 1000);
}

/**
 * The ways an export is measured: CSV and NDJSON on the fast path (COPY,
 * fast-sql.ts) that a table of plain types takes, and both on the general path
 * (cursor, value rules, writer) that a table with a column of another type takes.
 */
const WAYS = [
  { name: 'csv', format: 'csv', fast: true },
  { name: 'ndjson', format: 'ndjson', fast: true },
  { name: 'csv, general path', format: 'csv', fast: false },
  { name: 'ndjson, general path', format: 'ndjson', fast: false },
] as const;

async function exportOnce(database: Database, format: TableExportFormat, fast: boolean): Promise<number> {
  let bytes = 0;
  for await (const text of tableExportText(format, readTableExport(database.db, SCHEMA, 'orders', { format: fast ? format : undefined })))
    bytes += Buffer.byteLength(text, 'utf8');
  return bytes;
}

async function copyOnce(database: Database): Promise<number> {
  const pool = poolOf(database.db);
  if (!pool) throw new Error('the bench needs a database built by createDatabase');
  const client = await pool.connect();
  let bytes = 0;
  try {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done();
      },
    });
    await pipeline(client.query(copyTo(`copy (select * from ${SCHEMA}.orders order by id) to stdout with (format csv, header)`)), sink);
  } finally {
    client.release();
  }
  return bytes;
}

/** Creates the table, then measures the export (CSV and NDJSON) and COPY (CSV) in rows per second, as ratios. */
export async function measureExport(
  database: Database,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const db = database.db;
  const rows = exportRows(config);
  log(`creating a ${power(rows)}-row table to export…`);
  await createWorkspaceSchema(db, SCHEMA);
  await grantWorkspaceReader(db, SCHEMA);
  await sql
    .raw(
      `create table ${SCHEMA}.orders (id bigint primary key, customer text not null, amount numeric(12, 2), placed_at timestamptz not null, paid bool);
       insert into ${SCHEMA}.orders select i, 'customer ' || (i % 5000), (i % 10000) / 100.0, timestamptz '2024-01-01' + i * interval '1 second', i % 3 = 0
       from generate_series(1, ${rows}) i`,
    )
    .execute(db);
  await sql.raw(`vacuum analyze ${SCHEMA}.orders`).execute(db);
  const runs = config.name === 'full' ? 3 : 2;
  const out: BenchRow[] = [];
  const notes: string[] = [];
  for (const way of WAYS) {
    // COPY measured again right before each way: other work on the machine moves both figures.
    log('COPY … TO STDOUT…');
    const copy = await rate(rows, runs, () => copyOnce(database));
    log(`export as ${way.name}…`);
    const value = await rate(rows, runs, () => exportOnce(database, way.format, way.fast));
    out.push(
      throughputRow(`table export (${way.name}), ${power(rows)} rows`, value, copy, 'COPY (…order by id) TO STDOUT csv', {
        atLeast: GOAL,
        why: perRowWhy(
          value,
          copy,
          GOAL,
          way.fast
            ? `the export (COPY${way.format === 'csv' ? ', line ends' : ', objects built in SQL'})`
            : `the export (cursor, value rules, ${way.format} writer)`,
        ),
      }),
    );
  }
  notes.push(
    `table export: best of ${runs} runs each, the export read through the workspace reader's session (server/queries/export/read.ts), without HTTP.`,
  );
  return { rows: out, notes };
}

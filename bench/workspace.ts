import { sql } from 'kysely';
import type { Database } from '../server/db/client';
import { EXACT_COUNT_LIMIT, boundedCountRow, qualifiedName } from '../server/queries/preview/count';
import { previewTable } from '../server/queries/preview/read';
import { listWorkspaceTables } from '../server/queries/workspace/catalog';
import { createWorkspaceSchema, grantWorkspaceReader } from '../server/queries/workspace/provision';
import { type BenchConfig, power } from './config';
import { percentile, sample } from './measure';
import { type BenchRow, costRow, ms } from './report';

const SCHEMA = 'bench_workspace';
const WIDE = 'bench_wide_workspace';

const PREVIEW_GOAL = { atMost: 2, plusMs: 1 };
const DEEP_GOAL = { atMost: 2 };
const TABLES_GOAL = 3;

const whyPreview = (value: number, reference: number) =>
  `the preview took ${ms(value - reference)} more than the bare query: work around the same page query that the bare query does not do ` +
  '(server/queries/preview/read.ts).';
const whyTables = (value: number, reference: number, counts: number, tables: number) =>
  `the listing took ${ms(value - reference)} more than the catalog query, reading what that query does not ` +
  `(server/queries/workspace/catalog.ts): ${ms(counts)} of it count the ${tables} tables exactly (CONTRACT §5: exact up to ` +
  `${EXACT_COUNT_LIMIT.toLocaleString('en-US')} rows; a lock, an open and a page read each, the statements alone timed apart), ` +
  'the rest are the columns with their information_schema types, rights and keys.';

/** A workspace table of `rows` rows with a primary key, and a schema of many small tables. */
export async function createWorkspaces(database: Database, config: BenchConfig, log: (line: string) => void): Promise<void> {
  const db = database.db;
  log(`creating a ${power(config.previewRows)}-row workspace table and ${config.schemaTables} tables…`);
  // Created as the service creates workspaces: with `_migrations` and the reader role the preview runs as.
  await createWorkspaceSchema(db, SCHEMA);
  await grantWorkspaceReader(db, SCHEMA); // the preview reads as the workspace's reader role
  await sql
    .raw(
      `create table ${SCHEMA}.orders (id bigint primary key, customer text not null, amount numeric(12, 2), placed_at timestamptz not null)`,
    )
    .execute(db);
  await sql
    .raw(
      `insert into ${SCHEMA}.orders select i, 'customer ' || (i % 5000), (i % 10000) / 100.0, now() - i * interval '1 second'
    from generate_series(1, ${config.previewRows}) i`,
    )
    .execute(db);
  await sql.raw(`vacuum analyze ${SCHEMA}.orders`).execute(db);
  await createWorkspaceSchema(db, WIDE);
  for (let i = 0; i < config.schemaTables; i++) {
    const name = `t${String(i).padStart(3, '0')}`;
    await sql
      .raw(
        `create table ${WIDE}.${name} (id bigint primary key, label text, created_at timestamptz default now());
      create index on ${WIDE}.${name} (created_at); insert into ${WIDE}.${name} (id, label) select g, 'row ' || g from generate_series(1, 20) g`,
      )
      .execute(db);
  }
  await sql.raw(`analyze`).execute(db);
}

/** The p50 of `work` and of `bare`; an error of `work` (the preview's own statement timeout) is a result too. */
async function compare(work: () => Promise<unknown>, bare: () => Promise<unknown>, config: BenchConfig, slow: boolean) {
  const options = { max: slow ? config.samples.slow : config.samples.fast, seconds: config.samples.seconds, warmup: slow ? 1 : 3 };
  const a = await sample(work, options).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  const b = await sample(bare, options);
  return { value: a instanceof Error ? a : percentile(a, 50), reference: percentile(b, 50), samples: b.durations.length };
}

/** Preview page 1 and a deep page vs the bare ORDER BY pk LIMIT/OFFSET; the table list vs one catalog query (p50 each). */
export async function measureWorkspace(
  database: Database,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const db = database.db;
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const deep = config.previewRows - 100;
  for (const [label, offset, slow, goal] of [
    ['page 1', 0, false, PREVIEW_GOAL],
    [`offset ${power(config.previewRows)} − 100`, deep, true, DEEP_GOAL],
  ] as const) {
    log(`preview ${label}…`);
    const measurement = `preview ${label}, ${power(config.previewRows)} rows`;
    const result = await compare(
      () => previewTable(db, SCHEMA, 'orders', { limit: 25, offset }),
      () => sql.raw(`select * from ${SCHEMA}.orders order by id limit 25 offset ${offset}`).execute(db),
      config,
      slow,
    );
    if (result.value instanceof Error) {
      const reference = `${ms(result.reference)} bare ORDER BY pk LIMIT/OFFSET`;
      rows.push({
        measurement,
        value: 'failed',
        reference,
        ratio: '',
        goal: `≤ ${goal.atMost}×${'plusMs' in goal ? ` + ${goal.plusMs} ms` : ''}`,
        met: false,
        missed: `the preview failed: ${result.value.message}.`,
      });
      continue;
    }
    rows.push(
      costRow(measurement, result.value, result.reference, 'bare ORDER BY pk LIMIT/OFFSET', {
        ...goal,
        why: whyPreview(result.value, result.reference),
      }),
    );
    notes.push(`preview ${label}: p50 of ${result.samples} samples each.`);
  }
  log('table list…');
  const tables = await compare(
    () => listWorkspaceTables(db, WIDE),
    () =>
      sql`select c.relname, pg_total_relation_size(c.oid) from pg_catalog.pg_class c
              join pg_catalog.pg_namespace n on n.oid = c.relnamespace
              where n.nspname = ${WIDE} and c.relkind in ('r', 'p') order by c.relname`.execute(db),
    config,
    false,
  );
  if (tables.value instanceof Error) throw tables.value;
  // The exact counts alone, as the listing runs them: 100 tables a statement.
  const names = Array.from({ length: config.schemaTables }, (_, i) => qualifiedName(WIDE, `t${String(i).padStart(3, '0')}`));
  const counts = await sample(
    async () => {
      for (let start = 0; start < names.length; start += 100) {
        const chunk = names.slice(start, start + 100);
        await sql.raw(chunk.map((name, i) => boundedCountRow(name, i)).join(' union all ')).execute(db);
      }
    },
    { max: config.samples.fast, seconds: config.samples.seconds, warmup: 3 },
  );
  rows.push(
    costRow(`/stats/tables, ${config.schemaTables} tables`, tables.value, tables.reference, 'one catalog query', {
      atMost: TABLES_GOAL,
      why: whyTables(tables.value, tables.reference, percentile(counts, 50), config.schemaTables),
    }),
  );
  notes.push(`/stats/tables: p50 of ${tables.samples} samples each.`);
  return { rows, notes };
}

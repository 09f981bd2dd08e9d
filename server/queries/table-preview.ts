import type { Kysely } from 'kysely';
import pg from 'pg';
import { poolOf } from '../db/client';
import type { DB } from '../db/types';
import { isQueryTimeout } from '../db/unavailable';
import type { PreviewResult } from '../schemas/stats';
import { type PageColumn, pageQuery, pageRows } from './preview-page';
import type { TypeInfo } from './preview-values';
import { countRows, qualifiedName, type RunQuery } from './table-count';
import { MIGRATIONS_TABLE } from './workspace';

export interface PreviewPage {
  limit: number;
  offset: number;
}

/** One page of a table; `totalRowsEstimated` is there (and true) only when `totalRows` is the planner's estimate. */
export type TablePreview = PreviewResult & { totalRowsEstimated?: true };

/** The preview ran out of time (statement or lock timeout): the table is too large, too slow or too busy to read now. */
export class TableReadTimeoutError extends Error {
  constructor(cause: unknown) {
    super('The table took too long to read; try a smaller page, or again later', { cause });
    this.name = 'TableReadTimeoutError';
  }
}

/** Whether a requested table name can name a table at all: 1–63 bytes of UTF-8, no NUL. */
export function isPlausibleTableName(name: string): boolean {
  const bytes = Buffer.byteLength(name, 'utf8');
  return bytes >= 1 && bytes <= 63 && !name.includes('\0');
}

// The session of the preview: read only, bounded in time, and with a search_path
// of pg_catalog only, so nothing the workspace defines is resolved by name.
// DateStyle, TimeZone, IntervalStyle, bytea_output and extra_float_digits pin the
// printed text that preview-values.ts maps.
const SESSION = [
  'begin isolation level repeatable read read only',
  "set local statement_timeout = '5s'",
  "set local lock_timeout = '1s'",
  "set local idle_in_transaction_session_timeout = '10s'",
  'set local search_path = pg_catalog',
  "set local datestyle = 'ISO, YMD'",
  "set local timezone = 'UTC'",
  "set local intervalstyle = 'postgres'",
  "set local bytea_output = 'hex'",
  'set local extra_float_digits = 1',
].join('; ');

// The name is only ever compared as a value against the catalog: the app's own
// schema, an ordinary or partitioned table, not `_migrations`.
const FIND_TABLE = `
  select c.oid::int8::text as oid, c.relname, n.oid::int8::text as namespace
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p') and c.relname <> $3`;

// The workspace's reader (migration 20260105000000_workspace_roles), found by what
// it is rather than by its name: a plain role that may use this schema.
const FIND_READER = `
  select r.rolname
  from pg_catalog.pg_roles r
  where starts_with(r.rolname, left($1, 45) || '_reader_')
    and not (r.rolsuper or r.rolcanlogin or r.rolcreaterole or r.rolcreatedb or r.rolreplication or r.rolbypassrls)
    and pg_catalog.has_schema_privilege(r.oid, $2::oid, 'USAGE')
    and not exists (select from pg_catalog.pg_auth_members m where m.member = r.oid)
  order by r.rolname collate "C"
  limit 1`;

const COLUMNS = `
  select a.attname as name, a.atttypid::int8::text as type
  from pg_catalog.pg_attribute a
  where a.attrelid = $1::oid and a.attnum > 0 and not a.attisdropped
  order by a.attnum`;

// The types of the table's columns, with the base types of domains and the element types of arrays.
const COLUMN_TYPES = `
  with recursive needed(oid) as (
    select a.atttypid from pg_catalog.pg_attribute a where a.attrelid = $1::oid and a.attnum > 0 and not a.attisdropped
    union
    select x.oid from needed
    join pg_catalog.pg_type t on t.oid = needed.oid
    cross join lateral (values (t.typbasetype), (t.typelem)) x(oid)
    where x.oid <> 0
  )
  select t.oid::int8::text as oid, t.typbasetype::int8::text as "baseType", t.typelem::int8::text as element,
         t.typdelim as delimiter, t.typinput = 'pg_catalog.array_in'::pg_catalog.regproc as "isArray"
  from needed join pg_catalog.pg_type t on t.oid = needed.oid`;

const PRIMARY_KEY = `
  select a.attname
  from pg_catalog.pg_index i
  cross join lateral unnest(i.indkey::int2[]) with ordinality k(attnum, position)
  join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
  where i.indrelid = $1::oid and i.indisprimary
  order by k.position`;

interface Relation {
  oid: string;
  relname: string;
  namespace: string;
}

/**
 * One page of rows of a workspace table, or null when `table` is not an
 * ordinary or partitioned table of `schema` (or is `_migrations`, or there is
 * no workspace). The name is looked up in the catalog before any SQL names it,
 * then the transaction switches to the workspace's reader role, which can read
 * this schema only; rows come in primary-key order (physical order without
 * one), so pages never overlap or skip; values follow preview-values.ts, cells
 * over MAX_CELL_BYTES are cut (preview-page.ts); `fields` are the columns with
 * their type OIDs, also for an empty page; `totalRows` is exact up to
 * EXACT_COUNT_LIMIT rows and the planner's estimate above. A statement or lock
 * timeout throws TableReadTimeoutError.
 */
export async function previewTable(db: Kysely<DB>, schema: string | null, table: string, page: PreviewPage): Promise<TablePreview | null> {
  if (!schema || !isPlausibleTableName(table) || table === MIGRATIONS_TABLE) return null;
  const pool = poolOf(db);
  if (!pool) throw new Error('previewTable needs a database built by createDatabase');
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    await client.query(SESSION);
    const found = await client.query<Relation>(FIND_TABLE, [schema, table, MIGRATIONS_TABLE]);
    const relation = found.rows[0];
    if (!relation) {
      await client.query('rollback');
      return null;
    }
    const reader = await client.query<{ rolname: string }>(FIND_READER, [schema, relation.namespace]);
    const role = reader.rows[0]?.rolname;
    // Fail closed: without its reader, a workspace is not previewed as the service's own user.
    if (!role) throw new Error(`workspace ${schema} has no reader role; run the migrations (grant_workspace_reader)`);
    await client.query(`set local role ${pg.escapeIdentifier(role)}`);
    const result = await readPage(client, schema, relation, page);
    await client.query('commit');
    return result;
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    if (isQueryTimeout(error)) throw new TableReadTimeoutError(error);
    throw error;
  } finally {
    // A client that failed mid-transaction is discarded rather than reused.
    client.release(failure);
  }
}

async function readPage(client: pg.PoolClient, schema: string, relation: Relation, page: PreviewPage): Promise<TablePreview> {
  const typeRows = await client.query<{ oid: string; baseType: string; element: string; delimiter: string; isArray: boolean }>(COLUMN_TYPES, [
    relation.oid,
  ]);
  const types = new Map<number, TypeInfo>(
    typeRows.rows.map((t) => [Number(t.oid), { baseType: Number(t.baseType), element: Number(t.element), delimiter: t.delimiter, isArray: t.isArray }]),
  );
  // Domains are reported by their base type, as the wire protocol does.
  const baseOf = (oid: number): number => {
    let current = oid;
    for (let depth = 0; depth < 8 && (types.get(current)?.baseType ?? 0) !== 0; depth++) current = types.get(current)?.baseType ?? current;
    return current;
  };
  const columnRows = await client.query<{ name: string; type: string }>(COLUMNS, [relation.oid]);
  const columns: PageColumn[] = columnRows.rows.map((c) => ({ name: c.name, type: baseOf(Number(c.type)) }));
  const keys = await client.query<{ attname: string }>(PRIMARY_KEY, [relation.oid]);
  const qualified = qualifiedName(schema, relation.relname);
  const result = await client.query<Array<string | null>>({
    text: pageQuery(qualified, columns, keys.rows.map((k) => k.attname)),
    values: [page.limit, String(page.offset)],
    rowMode: 'array',
    types: { getTypeParser: () => (text: string) => text },
  });
  const rows = pageRows(result.rows, columns, types);
  // JavaScript puts integer-like keys ("1", "42") first in an object: `fields` follow the keys' order.
  const keyOrder = Object.keys(Object.fromEntries(columns.map((c) => [c.name, true])));
  const byName = new Map(columns.map((c) => [c.name, c]));
  const fields = keyOrder.flatMap((name) => {
    const column = byName.get(name);
    return column ? [{ name, dataTypeID: column.type }] : [];
  });
  const run: RunQuery = async <R>(text: string, values: unknown[] = []) => (await client.query(text, values)).rows as R[];
  const total = await countRows(run, qualified);
  return {
    rows,
    rowCount: rows.length,
    totalRows: total.rows,
    fields,
    ...(total.estimated ? { totalRowsEstimated: true as const } : {}),
  };
}

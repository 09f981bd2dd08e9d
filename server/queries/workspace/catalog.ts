import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { DB } from '../../db/types';
import type { StorageStats, WorkspaceTable } from '../../schemas/stats';
import { withWorkspaceSession } from '../../workspace/session';
import { countRows, qualifiedName, type RunQuery } from '../preview/count';

// A workspace is a schema of the app's own (apps.workspace_schema). Everything
// here reads it through withWorkspaceSession (its own connection as the
// workspace's reader, with time limits); the schema name comes from the apps
// row, never from a request.

/** The app's own migrations table: counted in the storage, never listed or previewed. */
export const MIGRATIONS_TABLE = '_migrations';

// pg_total_relation_size takes an ACCESS SHARE lock: a table locked by the app
// waits lock_timeout at most, then the read answers "busy".
const STORAGE = `
  with sizes as (
    select t.tablename, pg_catalog.pg_total_relation_size(c.oid) as size
    from pg_catalog.pg_tables t
    join pg_catalog.pg_namespace n on n.nspname = t.schemaname
    join pg_catalog.pg_class c on c.relnamespace = n.oid and c.relname = t.tablename
    where t.schemaname = $1
  )
  select coalesce(sum(size), 0)::float8 as "schemaSize",
         (count(*) filter (where tablename <> $2))::int as "tableCount",
         round(coalesce(sum(size), 0) * 100.0 / $3::numeric, 2)::float8 as "quotaPercent"
  from sizes`;

/**
 * Storage of a workspace (CONTRACT §5): pg_total_relation_size summed over the
 * schema's tables as pg_tables lists them (`_migrations` included, so indexes
 * and TOAST count once), the number of tables /stats/tables lists, and the
 * share of the quota in percent rounded to 2 decimals.
 */
export async function getStorageStats(db: Kysely<DB>, app: { workspaceSchema: string | null; quotaBytes: number }): Promise<StorageStats> {
  const none = { hasWorkspace: false, schemaSize: 0, tableCount: 0, quotaBytes: app.quotaBytes, quotaPercent: 0 };
  const schema = app.workspaceSchema;
  if (!schema) return none;
  const row = await withWorkspaceSession(db, schema, async (client) => {
    const { rows } = await client.query<{ schemaSize: number; tableCount: number; quotaPercent: number }>(STORAGE, [
      schema,
      MIGRATIONS_TABLE,
      app.quotaBytes,
    ]);
    return rows[0] ?? { schemaSize: 0, tableCount: 0, quotaPercent: 0 };
  });
  if (!row) return { ...none, hasWorkspace: true };
  return { hasWorkspace: true, quotaBytes: app.quotaBytes, ...row };
}

const TABLES = `
  select c.relname as name, pg_catalog.pg_total_relation_size(c.oid)::float8 as "sizeBytes",
         c.relrowsecurity as "rowSecurity", pg_catalog.has_table_privilege(c.oid, 'SELECT') as readable,
         greatest(c.reltuples, 0)::float8 as "estimate"
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where n.nspname = $1 and c.relkind in ('r', 'p') and c.relname <> $2
  order by c.relname collate "C"`;

// A column is a primaryKey column if any primary key holds it, indexed if any other index does.
const COLUMNS = `
  select col.table_name as "table", col.column_name as name, col.data_type as type,
         col.is_nullable = 'YES' as nullable,
         coalesce(ix.pk, false) as "primaryKey", ix.attname is not null as indexed
  from information_schema.columns col
  left join (
    select c.relname, a.attname, bool_or(i.indisprimary) as pk
    from pg_catalog.pg_index i
    join pg_catalog.pg_class c on c.oid = i.indrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where n.nspname = $1
    group by c.relname, a.attname
  ) ix on ix.relname = col.table_name and ix.attname = col.column_name
  where col.table_schema = $1
  order by col.table_name, col.ordinal_position`;

interface TableRow {
  name: string;
  sizeBytes: number;
  rowSecurity: boolean;
  readable: boolean;
  estimate: number;
}

interface ColumnRow {
  table: string;
  name: string;
  type: string;
  nullable: boolean;
  primaryKey: boolean;
  indexed: boolean;
}

/**
 * Rows of one table: counted (preview/count.ts: exact up to EXACT_COUNT_LIMIT,
 * the planner's estimate above), or the catalog's estimate where counting
 * would mean running the table's policies or is not allowed.
 */
async function rowsOf(client: pg.Client, schema: string, table: TableRow): Promise<{ rows: number; estimated: boolean }> {
  if (table.rowSecurity || !table.readable) return { rows: Math.round(table.estimate), estimated: true };
  const run: RunQuery = async <R>(text: string, values: unknown[] = []) => (await client.query(text, values)).rows as R[];
  return countRows(run, qualifiedName(schema, table.name));
}

/**
 * The workspace's tables (ordinary and partitioned, not views), by name,
 * `_migrations` left out: rows (exact up to EXACT_COUNT_LIMIT, estimated
 * above, and for tables with row-level security or that the reader may not
 * read; `rowCountEstimated` is there, and true, only for an estimate), total
 * size, and columns in table order with information_schema's data_type and
 * the primaryKey/indexed flags present only when true. All in one workspace
 * read, under its deadline.
 */
export async function listWorkspaceTables(db: Kysely<DB>, schema: string | null): Promise<WorkspaceTable[]> {
  if (!schema) return [];
  const listed = await withWorkspaceSession(db, schema, async (client) => {
    await client.query('begin isolation level repeatable read read only');
    const tables = await client.query<TableRow>(TABLES, [schema, MIGRATIONS_TABLE]);
    if (tables.rows.length === 0) return [];
    const columns = await client.query<ColumnRow>(COLUMNS, [schema]);
    const result: WorkspaceTable[] = [];
    for (const table of tables.rows) {
      const rows = await rowsOf(client, schema, table);
      result.push({
        name: table.name,
        rowCount: rows.rows,
        ...(rows.estimated ? { rowCountEstimated: true as const } : {}),
        sizeBytes: table.sizeBytes,
        columns: columns.rows
          .filter((column) => column.table === table.name)
          .map((column) => ({
            name: column.name,
            type: column.type,
            nullable: column.nullable,
            ...(column.primaryKey ? { primaryKey: true as const } : column.indexed ? { indexed: true as const } : {}),
          })),
      });
    }
    await client.query('commit');
    return result;
  });
  return listed ?? [];
}

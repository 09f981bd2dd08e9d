import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { DB } from '../../db/types';
import type { StorageStats, WorkspaceTable } from '../../schemas/stats';
import { withWorkspaceSession } from '../../workspace/session';
import { type CatalogFigures, type RunQuery, boundedCountRow, catalogEstimate, qualifiedName, rowsFromCount } from '../preview/count';

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

// Every table with its columns in one statement. data_type and is_nullable are
// computed as information_schema.columns computes them, and columns are listed
// where it would list them (the reader holds a right on the column or owns the
// table), without the cost of that view: ownership and the key and indexed
// columns are read once per table (ix), not once per column.
const TABLES = `
  select c.relname as name, pg_catalog.pg_total_relation_size(c.oid)::float8 as "sizeBytes",
         c.relrowsecurity as "rowSecurity", pg_catalog.has_table_privilege(c.oid, 'SELECT') as readable,
         c.relkind = 'p' as partitioned, c.reltuples::float8 as reltuples, c.relpages::float8 as relpages,
         (select coalesce(pg_catalog.json_agg(pg_catalog.json_build_object(
                   'name', a.attname,
                   'type', case when t.typtype = 'd' then
                                  case when bt.typelem <> 0 and bt.typlen = -1 then 'ARRAY'
                                       when bt.typnamespace = 'pg_catalog'::pg_catalog.regnamespace then pg_catalog.format_type(t.typbasetype, null)
                                       else 'USER-DEFINED' end
                                else
                                  case when t.typelem <> 0 and t.typlen = -1 then 'ARRAY'
                                       when t.typnamespace = 'pg_catalog'::pg_catalog.regnamespace then pg_catalog.format_type(a.atttypid, null)
                                       else 'USER-DEFINED' end
                           end,
                   'nullable', not (a.attnotnull or (t.typtype = 'd' and t.typnotnull)),
                   'primaryKey', a.attnum = any(ix.pk),
                   'indexed', a.attnum = any(ix.indexed)
                 ) order by a.attnum), '[]')
          from pg_catalog.pg_attribute a
          join pg_catalog.pg_type t on t.oid = a.atttypid
          left join pg_catalog.pg_type bt on t.typtype = 'd' and t.typbasetype = bt.oid
          where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
            and (ix.owned or pg_catalog.has_column_privilege(c.oid, a.attnum, 'SELECT, INSERT, UPDATE, REFERENCES'))) as columns
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  cross join lateral (
    select pg_catalog.pg_has_role(c.relowner, 'USAGE') as owned,
           coalesce(pg_catalog.array_agg(k.attnum) filter (where i.indisprimary), '{}') as pk,
           coalesce(pg_catalog.array_agg(k.attnum), '{}') as indexed
    from pg_catalog.pg_index i
    cross join lateral pg_catalog.unnest(i.indkey::int2[]) k(attnum)
    where i.indrelid = c.oid
  ) ix
  where n.nspname = $1 and c.relkind in ('r', 'p') and c.relname <> $2
  order by c.relname collate "C"`;

interface TableRow extends CatalogFigures {
  name: string;
  sizeBytes: number;
  rowSecurity: boolean;
  readable: boolean;
  columns: Array<{ name: string; type: string; nullable: boolean; primaryKey: boolean; indexed: boolean }>;
}

/** Tables counted per statement: one round trip counts this many small tables. */
const COUNTED_PER_STATEMENT = 100;

// A table dropped or changed between the listing and its count is listed again once.
const CHANGED_UNDER_US = new Set(['42703', '42P01']);

/**
 * Rows of each table: the catalog's figure where it is large (count.ts) or
 * where counting would mean running the table's policies or is not allowed;
 * the others counted (exact up to EXACT_COUNT_LIMIT), many per statement.
 */
async function rowsOfAll(client: pg.Client, schema: string, tables: TableRow[]): Promise<Array<{ rows: number; estimated: boolean }>> {
  const rows = tables.map((table) => {
    if (table.rowSecurity || !table.readable) return { rows: Math.max(0, Math.round(table.reltuples)), estimated: true };
    const estimate = catalogEstimate(table);
    return estimate === null ? null : { rows: estimate, estimated: true };
  });
  const run: RunQuery = async <R>(text: string, values: unknown[] = []) => (await client.query(text, values)).rows as R[];
  const toCount = tables.flatMap((table, index) => (rows[index] === null ? [{ index, qualified: qualifiedName(schema, table.name) }] : []));
  for (let start = 0; start < toCount.length; start += COUNTED_PER_STATEMENT) {
    const chunk = toCount.slice(start, start + COUNTED_PER_STATEMENT);
    const counted = await run<{ i: number; n: number }>(chunk.map((table, i) => boundedCountRow(table.qualified, i)).join(' union all '));
    for (const { i, n } of counted) {
      const table = chunk[i];
      if (table) rows[table.index] = await rowsFromCount(run, table.qualified, n);
    }
  }
  return rows.map((row) => row ?? { rows: 0, estimated: true });
}

/**
 * The workspace's tables (ordinary and partitioned, not views), by name,
 * `_migrations` left out: rows (exact up to EXACT_COUNT_LIMIT, estimated
 * above, and for tables with row-level security or that the reader may not
 * read; `rowCountEstimated` is there, and true, only for an estimate), total
 * size, and columns in table order with information_schema's data_type and
 * the primaryKey/indexed flags present only when true. All in one workspace
 * read, under its deadline: one statement for the listing, one per
 * COUNTED_PER_STATEMENT small tables for their counts.
 */
export async function listWorkspaceTables(db: Kysely<DB>, schema: string | null): Promise<WorkspaceTable[]> {
  if (!schema) return [];
  const listed = await withWorkspaceSession(db, schema, async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await listOnce(client, schema);
      } catch (error) {
        if (attempt > 0 || !CHANGED_UNDER_US.has((error as { code?: string }).code ?? '')) throw error;
      }
    }
  });
  return listed ?? [];
}

async function listOnce(client: pg.Client, schema: string): Promise<WorkspaceTable[]> {
  const tables = (await client.query<TableRow>(TABLES, [schema, MIGRATIONS_TABLE])).rows;
  const counts = await rowsOfAll(client, schema, tables);
  return tables.map((table, index) => {
    const rows = counts[index] ?? { rows: 0, estimated: true };
    return {
      name: table.name,
      rowCount: rows.rows,
      ...(rows.estimated ? { rowCountEstimated: true as const } : {}),
      sizeBytes: table.sizeBytes,
      columns: table.columns.map((column) => ({
        name: column.name,
        type: column.type,
        nullable: column.nullable,
        ...(column.primaryKey ? { primaryKey: true as const } : column.indexed ? { indexed: true as const } : {}),
      })),
    };
  });
}

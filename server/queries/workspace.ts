import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { DB } from '../db/types';
import type { StorageStats, WorkspaceTable } from '../schemas/stats';
import { countRows, qualifiedName } from './table-count';

// A workspace is a schema of the app's own (apps.workspace_schema). Everything
// here reads the catalog; the schema name comes from the apps row, never from a request.

/** The app's own migrations table: counted in the storage, never listed or previewed. */
export const MIGRATIONS_TABLE = '_migrations';

/**
 * Storage of a workspace (CONTRACT §5): pg_total_relation_size summed over the
 * schema's tables as pg_tables lists them (`_migrations` included, so indexes
 * and TOAST count once), the number of tables /stats/tables lists, and the
 * share of the quota in percent rounded to 2 decimals.
 */
export async function getStorageStats(
  db: Kysely<DB>,
  app: { workspaceSchema: string | null; quotaBytes: number },
): Promise<StorageStats> {
  if (!app.workspaceSchema) return { hasWorkspace: false, schemaSize: 0, tableCount: 0, quotaBytes: app.quotaBytes, quotaPercent: 0 };
  const { rows } = await sql<{ schemaSize: number; tableCount: number; quotaPercent: number }>`
    with sizes as (
      select t.tablename, pg_total_relation_size(c.oid) as size
      from pg_catalog.pg_tables t
      join pg_catalog.pg_namespace n on n.nspname = t.schemaname
      join pg_catalog.pg_class c on c.relnamespace = n.oid and c.relname = t.tablename
      where t.schemaname = ${app.workspaceSchema}
    )
    select coalesce(sum(size), 0)::float8 as "schemaSize",
           (count(*) filter (where tablename <> ${MIGRATIONS_TABLE}))::int as "tableCount",
           round(coalesce(sum(size), 0) * 100.0 / ${app.quotaBytes}::numeric, 2)::float8 as "quotaPercent"
    from sizes`.execute(db);
  const row = rows[0] ?? { schemaSize: 0, tableCount: 0, quotaPercent: 0 };
  return { hasWorkspace: true, quotaBytes: app.quotaBytes, ...row };
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
 * The workspace's tables (ordinary and partitioned, not views), by name,
 * `_migrations` left out: rows (exact up to EXACT_COUNT_LIMIT, estimated
 * above), total size, and columns in table order with information_schema's
 * data_type and the primaryKey/indexed flags present only when true.
 */
export async function listWorkspaceTables(db: Kysely<DB>, schema: string | null): Promise<WorkspaceTable[]> {
  if (!schema) return [];
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      await sql`set local lock_timeout = '2s'`.execute(trx);
      await sql`set local statement_timeout = '15s'`.execute(trx);
      const tables = await sql<{ name: string; sizeBytes: number }>`
        select c.relname as name, pg_total_relation_size(c.oid)::float8 as "sizeBytes"
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname = ${schema} and c.relkind in ('r', 'p') and c.relname <> ${MIGRATIONS_TABLE}
        order by c.relname collate "C"`.execute(trx);
      if (tables.rows.length === 0) return [];
      // A column is a primaryKey column if any primary key holds it, indexed if any other index does.
      const columns = await sql<ColumnRow>`
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
          where n.nspname = ${schema}
          group by c.relname, a.attname
        ) ix on ix.relname = col.table_name and ix.attname = col.column_name
        where col.table_schema = ${schema}
        order by col.table_name, col.ordinal_position`.execute(trx);
      const run = async <R>(text: string, values: unknown[] = []) => (await trx.executeQuery<R>(CompiledQuery.raw(text, values))).rows;
      const result: WorkspaceTable[] = [];
      for (const table of tables.rows) {
        const { rows } = await countRows(run, qualifiedName(schema, table.name));
        result.push({
          name: table.name,
          rowCount: rows,
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
      return result;
    });
}

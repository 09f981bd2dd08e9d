import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { DB } from '../../db/types';
import type { PreviewResult } from '../../schemas/stats';
import { withWorkspaceSession } from '../../workspace/session';
import { PageTooWideError, ROWS_BUDGET_BYTES, cellsCutAt } from './fit';
import { countPlan, fetchPage } from './fetch';
import { type PageColumn, pageRows } from './page-sql';
import type { TypeInfo } from './values';
import { qualifiedName, type RunQuery } from './count';
import { FIND_TABLE, type Relation, checksOf, keep, lookups } from './lookup';
import { MIGRATIONS_TABLE } from '../workspace/catalog';

export interface PreviewPage {
  limit: number;
  offset: number;
}

/**
 * One page of a table; `totalRowsEstimated` is there (and true) only when
 * `totalRows` is the planner's estimate; `cellsCut` and `cellCutBytes` only when
 * cells were cut (to MAX_CELL_BYTES, or further so the page fits in 1 MiB).
 */
export type TablePreview = PreviewResult & { totalRowsEstimated?: true; cellsCut?: number; cellCutBytes?: number };

/** The table has row-level security: its policies are the app's code, and the preview never runs them. */
export class RowSecurityError extends Error {
  constructor() {
    super('This table has row-level security; the preview does not run its policies, so its rows cannot be shown here');
    this.name = 'RowSecurityError';
  }
}

/** The table was made by a role that did not let the workspace's reader read it. */
export class TableNotReadableError extends Error {
  constructor() {
    super("This table is not readable by the workspace's reader role: the role that created it must GRANT SELECT on it");
    this.name = 'TableNotReadableError';
  }
}

/** Whether a requested table name can name a table at all: 1–63 bytes of UTF-8, no NUL. */
export function isPlausibleTableName(name: string): boolean {
  const bytes = Buffer.byteLength(name, 'utf8');
  return bytes >= 1 && bytes <= 63 && !name.includes('\0');
}

// A table changed between the catalog lookup and the page (a column or the
// table itself dropped) is looked up again once.
// A kept lookup that no longer holds can also meet a table that has gained
// row-level security since (42501 with row_security off): it is looked up again.
const CHANGED_UNDER_US = new Set(['42703', '42P01']);
const KEPT_NO_LONGER_HOLDS = new Set([...CHANGED_UNDER_US, '42501', '42804']);

/**
 * One page of rows of a workspace table, or null when `table` is not an
 * ordinary or partitioned table of `schema` (or is `_migrations`, or there is
 * no workspace). Runs as the workspace's reader (withWorkspaceSession), in two
 * statements: the catalog lookup (before any SQL names the table), then the
 * page with its count, one snapshot. Rows come in primary-key order (physical
 * order without one), so pages never overlap or skip; values follow
 * values.ts; cells are cut so the answer stays within MAX_PREVIEW_BYTES
 * (fit.ts); `fields` are the columns with their type OIDs, also for an empty
 * page; `totalRows` is exact up to EXACT_COUNT_LIMIT rows and the planner's
 * estimate above (count.ts). Throws RowSecurityError for a table with
 * row-level security, PageTooWideError, or WorkspaceBusyError.
 */
export async function previewTable(db: Kysely<DB>, schema: string | null, table: string, page: PreviewPage): Promise<TablePreview | null> {
  if (!schema || !isPlausibleTableName(table) || table === MIGRATIONS_TABLE) return null;
  const key = `${schema}\0${table}`;
  return withWorkspaceSession(db, schema, async (client) => {
    const kept = lookups.get(key);
    if (kept) {
      const read = await readPage(client, schema, kept, page, true).catch((error: unknown) => {
        if (KEPT_NO_LONGER_HOLDS.has((error as { code?: string }).code ?? '')) return null;
        throw error;
      });
      if (read?.fingerprint === kept.fingerprint) return read.preview;
      lookups.delete(key);
    }
    for (let attempt = 0; ; attempt++) {
      const found = await client.query<Relation>(FIND_TABLE, [schema, table, MIGRATIONS_TABLE]);
      const relation = found.rows[0];
      if (!relation) return null;
      if (relation.rowSecurity) throw new RowSecurityError();
      if (!relation.readable) throw new TableNotReadableError();
      try {
        const read = await readPage(client, schema, relation, page, false);
        if (!read) throw new Error('a page read without a check always answers');
        keep(key, relation);
        return read.preview;
      } catch (error) {
        if (attempt > 0 || !CHANGED_UNDER_US.has((error as { code?: string }).code ?? '')) throw error;
      }
    }
  });
}

/**
 * The page of `relation`; with `check`, also the relation's hash as it stands
 * now, read in the same statement, and null for an empty page (nothing to
 * read the hash with).
 */
async function readPage(
  client: pg.Client,
  schema: string,
  relation: Relation,
  page: PreviewPage,
  check: boolean,
): Promise<{ preview: TablePreview; fingerprint?: string | null } | null> {
  const { types, columns } = pageColumnsOf(relation);
  const qualified = qualifiedName(schema, relation.relname);
  const plan = countPlan(qualified, relation);
  const extra = [...(plan.inPage ? [plan.inPage] : []), ...(check ? checksOf(relation.oid) : [])];
  const fetched = await fetchPage(client, qualified, columns, relation.keys, page, extra);
  const extras = fetched.extras ?? [];
  const counted = plan.inPage && fetched.extras ? Number(extras[0]) : undefined;
  const now = check ? { fingerprint: extras.at(-2), reltuples: extras.at(-1) } : undefined;
  const rows = fitRows(fetched.raw, columns, types, fetched.cut);
  const fields = fieldsOf(columns);
  const run: RunQuery = async <R>(text: string, values: unknown[] = []) => (await client.query(text, values)).rows as R[];
  if (check && !fetched.extras) return null;
  const total = await plan.finish(counted, now?.reltuples ? Number(now.reltuples) : undefined, run);
  const cellsCut = cellsCutAt(fetched.sizes, rows.cut);
  const preview: TablePreview = {
    rows: rows.rows,
    rowCount: rows.rows.length,
    totalRows: total.rows,
    fields,
    ...(total.estimated ? { totalRowsEstimated: true as const } : {}),
    ...(cellsCut > 0 ? { cellsCut, cellCutBytes: rows.cut } : {}),
  };
  return { preview, ...(now ? { fingerprint: now.fingerprint } : {}) };
}

/** A looked-up relation's types by OID, and its columns with domains resolved to their base types (as the wire protocol reports them). */
export function pageColumnsOf(relation: Relation): { types: Map<number, TypeInfo>; columns: PageColumn[] } {
  const types = new Map<number, TypeInfo>(
    relation.types.map((t) => [
      Number(t.oid),
      { baseType: Number(t.baseType), element: Number(t.element), delimiter: t.delimiter, isArray: t.isArray },
    ]),
  );
  const baseOf = (oid: number): number => {
    let current = oid;
    for (let depth = 0; depth < 8 && (types.get(current)?.baseType ?? 0) !== 0; depth++) current = types.get(current)?.baseType ?? current;
    return current;
  };
  return { types, columns: relation.columns.map((c) => ({ name: c.name, type: baseOf(Number(c.type)) })) };
}

/** The `fields` of a page: its columns with their type OIDs, in the order of a row's keys. */
export function fieldsOf(columns: readonly PageColumn[]): Array<{ name: string; dataTypeID: number }> {
  // JavaScript puts integer-like keys ("1", "42") first in an object: `fields` follow the keys' order.
  const keyOrder = Object.keys(Object.fromEntries(columns.map((c) => [c.name, true])));
  const byName = new Map(columns.map((c) => [c.name, c]));
  return keyOrder.flatMap((name) => {
    const column = byName.get(name);
    return column ? [{ name, dataTypeID: column.type }] : [];
  });
}

/**
 * The page's rows cut at `cut`; where JSON escaping made them larger than
 * estimated, cut again lower (from the same printed text) until they fit.
 */
export function fitRows(
  raw: ReadonlyArray<ReadonlyArray<string | null>>,
  columns: readonly PageColumn[],
  types: ReadonlyMap<number, TypeInfo>,
  cut: number,
) {
  let level = cut;
  for (;;) {
    const rows = pageRows(raw, columns, types, level);
    const bytes = Buffer.byteLength(JSON.stringify(rows), 'utf8');
    if (bytes <= ROWS_BUDGET_BYTES) return { rows, cut: level };
    if (level === 0) throw new PageTooWideError(Math.floor((raw.length * ROWS_BUDGET_BYTES) / bytes), raw.length);
    level = Math.floor((level * ROWS_BUDGET_BYTES) / bytes / 2);
  }
}

import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { DB } from '../../db/types';
import { withWorkspaceSession } from '../../workspace/session';
import { type RunQuery, qualifiedName } from '../preview/count';
import { countPlan, fetchPageWith } from '../preview/fetch';
import { cellsCutAt } from '../preview/fit';
import { FIND_TABLE, type Relation } from '../preview/lookup';
import { type PageSource, pageQueryOver } from '../preview/page-sql';
import {
  type TablePreview,
  RowSecurityError,
  TableNotReadableError,
  fieldsOf,
  fitRows,
  isPlausibleTableName,
  pageColumnsOf,
} from '../preview/read';
import { MIGRATIONS_TABLE } from './catalog';
import { type GridColumnInfo, type SortKey, columnOrders, gridColumns, sortKeys } from './sort-keys';

// A page of a workspace table in the order of one indexed column, paged by
// keyset (the last row's keys, never OFFSET), so page 1,000 costs what page 1
// does and a sort never reads the whole table. Everything else is the
// preview's: the reader's session and its limits (withWorkspaceSession), the
// catalog lookup before any SQL names the table, the refusal of row-level
// security, the value rules, the 64 KiB cell cut and the 1 MiB page.

export type SortDirection = 'asc' | 'desc';

/** Where a page starts: after the row whose keys printed as `after` (null for NULL), or at the start. */
export interface SortedPageRequest {
  column: string;
  direction: SortDirection;
  limit: number;
  after: Array<string | null> | null;
}

/** A sorted page: the preview's answer, with the keys of its last row when there may be more (null at the end). */
export type SortedPage = TablePreview & { next: Array<string | null> | null };

/** The column leads no index that can order the table (or its type may not be cast back from a cursor). */
export class UnsortableColumnError extends Error {
  constructor(column: string) {
    super(`The table cannot be sorted by “${column}”: only the primary key and columns that lead a plain btree index can be`);
    this.name = 'UnsortableColumnError';
  }
}

/** The keys in a cursor do not fit this sort of this table (another sort's cursor, or the table changed). */
export class CursorMismatchError extends Error {
  constructor() {
    super('This cursor does not belong to this sort of this table; start from the first page');
    this.name = 'CursorMismatchError';
  }
}

// 22P02 and friends: a cursor value that no longer casts to the column's type.
const BAD_VALUE = new Set(['22P02', '22007', '22008', '22003', '22023', '2200N']);

async function lookUp(client: pg.Client, schema: string, table: string): Promise<Relation | null> {
  const relation = (await client.query<Relation>(FIND_TABLE, [schema, table, MIGRATIONS_TABLE])).rows[0];
  if (!relation) return null;
  if (relation.rowSecurity) throw new RowSecurityError();
  if (!relation.readable) throw new TableNotReadableError();
  return relation;
}

/**
 * The columns of `table` with their readable type names and whether each may
 * be sorted by, or null when it is not a table of the workspace (as the
 * preview decides). Throws as the preview does.
 */
export async function tableColumns(db: Kysely<DB>, schema: string | null, table: string): Promise<GridColumnInfo[] | null> {
  if (!schema || !isPlausibleTableName(table) || table === MIGRATIONS_TABLE) return null;
  return withWorkspaceSession(db, schema, async (client) => {
    const relation = await lookUp(client, schema, table);
    return relation ? gridColumns(schema, relation, await columnOrders(client, relation)) : null;
  });
}

/**
 * The keyset page's source and its parameters ($1 the limit, then the cursor's
 * keys): rows after the cursor in `keys` order, NULLs of the leading key last
 * when ascending and first when descending, as a btree index returns them.
 * Each branch has its own ORDER BY and LIMIT, so the index serves it and a
 * branch not needed is never run. Exported for the plan tests.
 */
export function keysetSource(
  qualified: string,
  keys: readonly SortKey[],
  direction: SortDirection,
  after: ReadonlyArray<string | null> | null,
) {
  const dir = direction === 'asc' ? 'asc' : 'desc';
  const op = direction === 'asc' ? '>' : '<';
  const order = (alias: string) => keys.map((k) => `${k.ref(alias)} ${dir}`).join(', ');
  const values: unknown[] = [];
  const param = (value: string | null, key: SortKey) => {
    values.push(value);
    return `cast($${values.length + 1} as ${key.cast})`;
  };
  const select = (where: string) =>
    `(select t.tableoid, t.ctid, t.* from ${qualified} t${where ? ` where ${where}` : ''} order by ${order('t')} limit $1)`;
  const compare = (list: readonly SortKey[], given: ReadonlyArray<string | null>) =>
    `(${list.map((k) => k.ref('t')).join(', ')}) ${op} (${list.map((k, i) => param(given[i] ?? null, k)).join(', ')})`;
  const [lead] = keys;
  const ties = keys.slice(1);
  let branches: string[];
  if (!after || !lead) branches = [select('')];
  else if (after[0] !== null) {
    branches = [select(compare(keys, after))];
    if (direction === 'asc' && lead.nullable) branches.push(select(`${lead.ref('t')} is null`));
  } else {
    const inNulls = `${lead.ref('t')} is null${ties.length > 0 ? ` and ${compare(ties, after.slice(1))}` : ''}`;
    branches = [select(inNulls)];
    if (direction === 'desc') branches.push(select(`${lead.ref('t')} is not null`));
  }
  const nulls = direction === 'asc' ? 'nulls last' : 'nulls first';
  const source: PageSource = {
    from: `from (select * from (${branches.join(' union all ')}) u limit $1) p`,
    order: `order by ${keys.map((k) => `${k.ref('p')} ${dir} ${nulls}`).join(', ')}`,
  };
  return { source, values };
}

// Settings of the page's own transaction: a tenant who tells the planner its
// 10⁸-row table is tiny (pg_restore_relation_stats) still gets the index.
const PLAN_SETTINGS = ['set local enable_seqscan = off', 'set local enable_bitmapscan = off'];

/** The statements of a sorted page, in one read-only transaction: for the plan tests, and run by sortedRows. */
export function sortedPageSettings(): readonly string[] {
  return PLAN_SETTINGS;
}

/**
 * One page of `table` in the order of `request.column` (its primary key when
 * that column leads it), after the row whose keys `request.after` holds; null
 * when the table is not one of the workspace's. Throws UnsortableColumnError,
 * CursorMismatchError, and whatever the preview throws (RowSecurityError,
 * TableNotReadableError, PageTooWideError, WorkspaceBusyError).
 */
export async function sortedRows(
  db: Kysely<DB>,
  schema: string | null,
  table: string,
  request: SortedPageRequest,
): Promise<SortedPage | null> {
  if (!schema || !isPlausibleTableName(table) || table === MIGRATIONS_TABLE) return null;
  return withWorkspaceSession(db, schema, async (client) => {
    await client.query('begin isolation level repeatable read read only');
    try {
      const page = await readSorted(client, schema, table, request);
      await client.query('commit');
      return page;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      if (BAD_VALUE.has((error as { code?: string }).code ?? '')) throw new CursorMismatchError();
      throw error;
    }
  });
}

async function readSorted(client: pg.Client, schema: string, table: string, request: SortedPageRequest): Promise<SortedPage | null> {
  const relation = await lookUp(client, schema, table);
  if (!relation) return null;
  const keys = sortKeys(relation, await columnOrders(client, relation), request.column);
  if (!keys) throw new UnsortableColumnError(request.column);
  if (request.after && request.after.length !== keys.length) throw new CursorMismatchError();
  if (request.after?.slice(1).some((value) => value === null)) throw new CursorMismatchError();
  for (const setting of PLAN_SETTINGS) await client.query(setting);
  const { types, columns } = pageColumnsOf(relation);
  const qualified = qualifiedName(schema, relation.relname);
  const { source, values } = keysetSource(qualified, keys, request.direction, request.after);
  // The last row's keys as printed, read with every row (the page may be fetched twice at two cuts).
  const printed = keys.map((k) => `case when ${k.ref('p')} is null then null else pg_catalog.format('%s', ${k.ref('p')}) end`);
  const plan = countPlan(qualified, relation);
  const fetched = await fetchPageWith(
    client,
    columns,
    request.limit,
    (cut, extra) => pageQueryOver(source, columns, cut, [...printed, ...extra]),
    [request.limit, ...values],
    plan.inPage ? [plan.inPage] : [],
  );
  const extras = fetched.extras?.slice(keys.length) ?? [];
  const run: RunQuery = async <R>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as R[];
  const total = await plan.finish(plan.inPage && fetched.extras ? Number(extras[0]) : undefined, undefined, run);
  const rows = fitRows(fetched.raw, columns, types, fetched.cut);
  const last = fetched.raw.at(-1);
  const cellsCut = cellsCutAt(fetched.sizes, rows.cut);
  return {
    rows: rows.rows,
    rowCount: rows.rows.length,
    totalRows: total.rows,
    fields: fieldsOf(columns),
    ...(total.estimated ? { totalRowsEstimated: true as const } : {}),
    ...(cellsCut > 0 ? { cellsCut, cellCutBytes: rows.cut } : {}),
    next: last && fetched.raw.length === request.limit ? last.slice(columns.length + 2, columns.length + 2 + keys.length) : null,
  };
}

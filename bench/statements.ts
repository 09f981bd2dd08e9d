import type pg from 'pg';

// Statements and rows written per request (issue 13), counted by the database
// itself: pg_stat_statements (the bench's PostgreSQL preloads it) for every
// top-level statement of every role in the bench's database, the workspace
// readers' included, and pg_stat_user_tables for the rows inserted, updated or
// deleted, in every table, triggers' writes included. The bench stays quiet
// while it counts; its own statements (all of which name pg_stat_*) are left out.

// A backend reports its table counters when idle, at most once a second, and
// otherwise within 10 s (PGSTAT_IDLE_INTERVAL), or when it exits (idle
// workspace readers close after 10 s): this long after the last request,
// every write of it has been counted.
const TABLES_SETTLE_MS = 11_500;
// For statements alone: the service's budget reports its hits once a second.
const STATEMENTS_SETTLE_MS = 1_500;

const STATEMENTS = `
  select regexp_replace(s.query, '\\s+', ' ', 'g') as query, sum(s.calls)::float8 as calls, r.rolname <> current_user as reader
  from pg_stat_statements s
  join pg_catalog.pg_roles r on r.oid = s.userid
  where s.dbid = (select oid from pg_catalog.pg_database where datname = current_database())
    and s.query not like '%pg\\_stat\\_%'
  group by 1, 3
  order by 2 desc`;

const TUPLES = `select schemaname || '.' || relname as name, (n_tup_ins + n_tup_upd + n_tup_del)::float8 as n from pg_stat_user_tables`;

const RESET = /^\s*(discard all|rollback)\s*;?\s*$/i;
// The budget's report (server/auth/budget-store.ts): one statement for all keys
// at most once a second per process, whatever the number of requests; counted
// apart, with the rate_limits rows it writes.
const BUDGET_REPORT = /^\s*(insert into rate_limits[\s\S]*unnest|delete from rate_limits)/i;
const BUDGET_TABLE = 'public.rate_limits';

/** One statement's share of a request. */
export interface StatementShare {
  query: string;
  perRequest: number;
  /** Run as a workspace reader (another role than the service's). */
  reader: boolean;
}

/** What one kind of request cost the database, per request. */
export interface RequestCost {
  label: string;
  requests: number;
  /** Top-level statements, the resets of reader connections (ROLLBACK, DISCARD ALL) left out. */
  statements: number;
  /** Of those, run as the workspace's reader. */
  reader: number;
  /** ROLLBACK and DISCARD ALL that reset reader connections for reuse. */
  resets: number;
  /** Reports of the in-memory budget (at most one a second per process), and the rate_limits rows they wrote. */
  budgetReports: number;
  budgetRows?: number;
  byStatement: StatementShare[];
  /** Rows inserted, updated or deleted per request, when counted, and in which tables. */
  rowsWritten?: number;
  writtenTables?: Array<[table: string, perRequest: number]>;
}

/** Creates pg_stat_statements in the bench's database; false when the server was not started with it preloaded. */
export async function enableStatementCounting(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ libraries: string }>(`select current_setting('shared_preload_libraries') as libraries`);
  if (!(rows[0]?.libraries ?? '').split(',').some((name) => name.trim() === 'pg_stat_statements')) return false;
  await pool.query('create extension if not exists pg_stat_statements');
  return true;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function tuples(pool: pg.Pool): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ name: string; n: number }>(TUPLES);
  return new Map(rows.map((row) => [row.name, row.n]));
}

/** One kind of request to count: `send` makes one and throws unless it succeeded. */
export interface RequestKind {
  label: string;
  send(): Promise<void>;
  /** Whether to count rows written too (it costs a wait of about 11 s). */
  writes: boolean;
}

/**
 * Counts the statements (and, where asked, rows written) of `requests` requests
 * of each kind, one after the other: every kind is sent a few times first, so
 * logins and caches are in place, then for each: reset the counters, send,
 * let the server settle, read. Kinds that count writes should come first; each
 * one's settling is the next one's starting point.
 */
export async function countRequests(pool: pg.Pool, kinds: RequestKind[], requests: number): Promise<RequestCost[]> {
  for (const kind of kinds) for (let i = 0; i < 3; i++) await kind.send();
  await pause(TABLES_SETTLE_MS);
  let before = await tuples(pool);
  const costs: RequestCost[] = [];
  for (const kind of kinds) {
    await pool.query('select pg_stat_statements_reset()');
    for (let i = 0; i < requests; i++) await kind.send();
    await pause(kind.writes ? TABLES_SETTLE_MS : STATEMENTS_SETTLE_MS);
    const { rows } = await pool.query<{ query: string; calls: number; reader: boolean }>(STATEMENTS);
    const cost = summarize(kind.label, requests, rows);
    if (kind.writes) {
      const after = await tuples(pool);
      const changed = [...after]
        .map(([table, n]): [string, number] => [table, (n - (before.get(table) ?? 0)) / requests])
        .filter(([, n]) => n > 0);
      // Only the budget's report writes rate_limits on a read: its rows are counted with it.
      const reported = cost.budgetReports > 0 ? changed.find(([table]) => table === BUDGET_TABLE) : undefined;
      if (reported) cost.budgetRows = reported[1];
      const written = changed.filter((entry) => entry !== reported);
      cost.rowsWritten = written.reduce((sum, [, n]) => sum + n, 0);
      cost.writtenTables = written;
      before = after;
    }
    costs.push(cost);
  }
  return costs;
}

function summarize(label: string, requests: number, rows: Array<{ query: string; calls: number; reader: boolean }>): RequestCost {
  const per = (calls: number) => calls / requests;
  const counted = rows.filter((row) => !RESET.test(row.query) && !BUDGET_REPORT.test(row.query));
  const sum = (list: typeof rows) => per(list.reduce((total, row) => total + row.calls, 0));
  return {
    label,
    requests,
    statements: sum(counted),
    reader: sum(counted.filter((row) => row.reader)),
    resets: sum(rows.filter((row) => RESET.test(row.query))),
    budgetReports: sum(rows.filter((row) => BUDGET_REPORT.test(row.query))),
    byStatement: counted.map((row) => ({ query: row.query, perRequest: per(row.calls), reader: row.reader })),
  };
}

const short = (query: string) => (query.length > 90 ? `${query.slice(0, 87)}…` : query);

/** The statements of a request, most frequent first, e.g. `1.00 × select … (reader)`. */
export function describeStatements(cost: RequestCost, limit = 8): string {
  const listed = cost.byStatement
    .slice(0, limit)
    .map((s) => `${s.perRequest.toFixed(2)} × \`${short(s.query)}\`${s.reader ? ' (reader)' : ''}`);
  const more = cost.byStatement.length > limit ? `; and ${cost.byStatement.length - limit} more` : '';
  return listed.join('; ') + more;
}

/** One line for the notes: what a request cost, statement by statement. */
export function describeCost(cost: RequestCost): string {
  const writes =
    cost.rowsWritten === undefined
      ? ''
      : `; ${cost.rowsWritten.toFixed(2)} rows written${cost.writtenTables?.length ? ` (${cost.writtenTables.map(([t, n]) => `${t} ${n.toFixed(2)}`).join(', ')})` : ''}`;
  return (
    `${cost.label}: ${cost.statements.toFixed(2)} statements per request over ${cost.requests} requests, ${cost.reader.toFixed(2)} of them as the workspace reader, ` +
    `besides ${cost.resets.toFixed(2)} resets of reader connections (ROLLBACK, DISCARD ALL)` +
    (cost.budgetReports > 0
      ? ` and ${cost.budgetReports.toFixed(2)} budget reports (at most one a second per process, whatever the load${cost.budgetRows ? `; ${cost.budgetRows.toFixed(2)} rate_limits rows` : ''})`
      : '') +
    `${writes}. By statement: ${describeStatements(cost)}.`
  );
}

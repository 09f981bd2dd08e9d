import pg from 'pg';

/** Up to this many rows a table is counted exactly; beyond it the planner's estimate stands in. */
export const EXACT_COUNT_LIMIT = 10_000;

/** Runs one SQL text with parameters on a given connection and returns its rows. */
export type RunQuery = <R>(text: string, values?: unknown[]) => Promise<R[]>;

/** `"schema"."table"`, both quoted by the driver. Only ever called with names read from the catalog. */
export function qualifiedName(schema: string, table: string): string {
  return `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`;
}

/**
 * The rows of a table: counted exactly when there are at most EXACT_COUNT_LIMIT
 * (a count that stops reading there, so it stays cheap on any table), the
 * planner's estimate otherwise (never below what was counted).
 */
export async function countRows(run: RunQuery, qualified: string): Promise<{ rows: number; estimated: boolean }> {
  const [counted] = await run<{ n: number }>(`select count(*)::int as n from (select from ${qualified} limit ${EXACT_COUNT_LIMIT + 1}) s`);
  const exact = counted?.n ?? 0;
  if (exact <= EXACT_COUNT_LIMIT) return { rows: exact, estimated: false };
  const [plan] = await run<{ 'QUERY PLAN': Array<{ Plan?: { 'Plan Rows'?: number } }> }>(`explain (format json) select from ${qualified}`);
  const estimate = Math.round(plan?.['QUERY PLAN'][0]?.Plan?.['Plan Rows'] ?? 0);
  return { rows: Math.max(estimate, exact), estimated: true };
}

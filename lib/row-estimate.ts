/**
 * The server counts a table's rows exactly up to this many and gives the
 * planner's estimate above (EXACT_COUNT_LIMIT in server/queries/table-count.ts),
 * so a larger figure reads as "≈ 10.2 M" on the pages.
 */
export const EXACT_ROWS_UP_TO = 10_000;

/** Whether a table's row count is an estimate. */
export function isEstimatedRowCount(rowCount: number): boolean {
  return rowCount > EXACT_ROWS_UP_TO;
}

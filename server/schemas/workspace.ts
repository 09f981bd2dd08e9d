import { z } from 'zod';

// The sorted workspace grid (workspace.sortedRows): a page of a table in the
// order of one indexed column, both directions, paged by an opaque cursor.

const LIMIT = 'must be an integer between 1 and 100';

/** The input of workspace.columns besides `appId`. */
export const TableColumnsInput = z.object({ table: z.string() });

/** The input of workspace.sortedRows besides `appId`; `cursor` is the `nextCursor` of the page before, with the same table and sort. */
export const SortedRowsInput = z.object({
  table: z.string(),
  column: z.string().min(1, { error: 'must name a column' }).max(200, { error: 'is not a column name' }),
  direction: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).default('asc'),
  limit: z.number({ error: LIMIT }).int({ error: LIMIT }).min(1, { error: LIMIT }).max(100, { error: LIMIT }).default(25),
  cursor: z.string().max(200_000, { error: 'is not a cursor this service issued' }).nullish(),
});
export type SortedRowsInput = z.output<typeof SortedRowsInput>;

/** What a cursor carries, signed: the page it continues (app, table, sort) and the last row's keys as printed. */
export const CursorPayload = z.strictObject({
  a: z.string(),
  t: z.string(),
  c: z.string(),
  d: z.enum(['asc', 'desc']),
  k: z.array(z.string().nullable()).min(1).max(40),
});
export type CursorPayload = z.infer<typeof CursorPayload>;

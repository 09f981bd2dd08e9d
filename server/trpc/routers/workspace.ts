import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { CursorMismatchError, UnsortableColumnError, sortedRows, tableColumns } from '../../queries/workspace/sorted-rows';
import { SortedRowsInput, TableColumnsInput } from '../../schemas/workspace';
import { appWriteProcedure, router } from '../init';
import { decodeSortCursor, encodeSortCursor } from '../sort-cursor';
import { PreviewOutput, readWorkspace } from './stats';

const SortedRowsOutput = PreviewOutput.extend({ nextCursor: z.string().nullable() });

/** A sort or cursor the table cannot take is the caller's mistake: BAD_REQUEST naming the field. */
function sortRefusal(error: unknown): unknown {
  if (error instanceof UnsortableColumnError)
    return new TRPCError({ code: 'BAD_REQUEST', message: `column: ${error.message}`, cause: error });
  if (error instanceof CursorMismatchError)
    return new TRPCError({ code: 'BAD_REQUEST', message: `cursor: ${error.message}`, cause: error });
  return error;
}

/** The sorted workspace grid, beside the seed's preview (which stays as CONTRACT §5 says); needs write, as the preview does. */
export const workspaceRouter = router({
  /** A table's columns with readable type names (`text[]`) and whether each may be sorted by (the primary key, columns that lead a plain btree index); NOT_FOUND as the preview. */
  columns: appWriteProcedure
    .input(TableColumnsInput)
    .output(z.object({ columns: z.array(z.object({ name: z.string(), type: z.string(), sortable: z.boolean() })) }))
    .query(async ({ ctx, input }) => {
      const columns = await readWorkspace(tableColumns(ctx.db, ctx.app.workspaceSchema, input.table));
      if (!columns) throw new TRPCError({ code: 'NOT_FOUND', message: 'Table not found' });
      return { columns };
    }),

  /** One page of a table sorted by an indexed column, either direction, paged by keyset with an opaque `nextCursor`; NOT_FOUND as the preview. */
  sortedRows: appWriteProcedure
    .input(SortedRowsInput)
    .output(SortedRowsOutput)
    .query(async ({ ctx, input }) => {
      const bound = { a: ctx.app.id, t: input.table, c: input.column, d: input.direction };
      const after = input.cursor ? decodeSortCursor(input.cursor, bound) : null;
      let page;
      try {
        page = await readWorkspace(
          sortedRows(ctx.db, ctx.app.workspaceSchema, input.table, {
            column: input.column,
            direction: input.direction,
            limit: input.limit,
            after,
          }),
        );
      } catch (error) {
        throw sortRefusal(error);
      }
      if (!page) throw new TRPCError({ code: 'NOT_FOUND', message: 'Table not found' });
      const { next, ...rest } = page;
      return { ...rest, nextCursor: next ? encodeSortCursor({ ...bound, k: next }) : null };
    }),
});

import { TRPCError } from '@trpc/server';
import { tableExportText } from '../../export/table';
import { ExportTableNotFoundError, readTableExport } from '../../queries/export/read';
import { TableExportInput } from '../../schemas/export';
import { FileOutput } from '../file';
import { appWriteProcedure, router } from '../init';
import { readWorkspace } from './stats';

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson' } as const;

/**
 * The text of an export with each step's refusals answered as the preview's
 * are: NOT_FOUND for a table that is not there, 503 for busy or slow, 422 for
 * row-level security (readWorkspace). Ending the iteration early ends the read.
 */
async function* answered(text: AsyncGenerator<string>): AsyncGenerator<string, void, undefined> {
  try {
    for (;;) {
      const next = await readWorkspace(
        text.next().catch((error: unknown) => {
          if (error instanceof ExportTableNotFoundError)
            throw new TRPCError({ code: 'NOT_FOUND', message: 'Table not found', cause: error });
          throw error;
        }),
      );
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await text.return(undefined);
  }
}

/** Exports of workspace data (CONTRACT §8 "Export"). */
export const exportRouter = router({
  /**
   * GET /stats/tables/{table}/export: every row of a workspace table as CSV or
   * NDJSON, streamed. Resolves access (needs write) and returns the file's
   * name and type with its text as an async iterable that reads the table only
   * as it is taken (a chunk at a time, constant memory). Its first chunk says
   * whether there is a table at all: NOT_FOUND then, as the preview answers.
   */
  table: appWriteProcedure
    .input(TableExportInput)
    .output(FileOutput)
    .query(({ ctx, input }) => ({
      fileName: `${ctx.app.naturalId}-${input.table}.${input.format}`,
      contentType: CONTENT_TYPES[input.format],
      body: answered(
        tableExportText(input.format, readTableExport(ctx.db, ctx.app.workspaceSchema, input.table, { format: input.format })),
      ),
    })),
});

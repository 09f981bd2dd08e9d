import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { listRecentInvocations } from '../../queries/invocations';
import { getAppFigures, getDailyInvocations } from '../../queries/stats/read';
import { PageTooWideError } from '../../queries/preview/fit';
import { previewTable, RowSecurityError, TableNotReadableError } from '../../queries/preview/read';
import { getStorageStats, listWorkspaceTables } from '../../queries/workspace/catalog';
import { WorkspaceBusyError } from '../../workspace/limits';
import { PreviewInput } from '../../schemas/preview';
import { ApiStats, PreviewResult, StatsOverview, WorkspaceTable } from '../../schemas/stats';
import { appReadProcedure, appWriteProcedure, router } from '../init';

// Rows are checked to be objects but not rebuilt key by key: a record schema would
// copy them, and a column named __proto__ would not survive the copy.
const PreviewOutput = PreviewResult.extend({
  rows: z.array(z.custom<Record<string, unknown>>((row) => typeof row === 'object' && row !== null && !Array.isArray(row))),
  totalRowsEstimated: z.literal(true).optional(),
  cellsCut: z.number().int().positive().optional(),
  cellCutBytes: z.number().int().nonnegative().optional(),
});

/** The answer a workspace read that stopped on purpose stands for: busy or slow is 503, a refusal of the table 422. */
function workspaceReadError(error: unknown): unknown {
  if (error instanceof WorkspaceBusyError) return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: error.message, cause: error });
  if (error instanceof RowSecurityError || error instanceof TableNotReadableError || error instanceof PageTooWideError) {
    return new TRPCError({ code: 'UNPROCESSABLE_CONTENT', message: error.message, cause: error });
  }
  return error;
}

/** Runs a workspace read, answering its refusals as workspaceReadError says. */
async function readWorkspace<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    throw workspaceReadError(error);
  }
}

/** The four documented stats reads (CONTRACT §5); "now" comes from the context so tests can pin the clock. */
export const statsRouter = router({
  /** GET /stats: views, invocations and storage of an app; needs read. */
  overview: appReadProcedure.output(StatsOverview).query(async ({ ctx }) => {
    const now = ctx.now();
    const [{ views, api }, storage] = await Promise.all([
      getAppFigures(ctx.db, ctx.app.id, now),
      readWorkspace(getStorageStats(ctx.db, ctx.app)),
    ]);
    return { appId: ctx.app.id, ...views, api, storage };
  }),

  /** GET /stats/tables: the workspace's tables with columns, rows and size; needs write. */
  tables: appWriteProcedure
    .output(z.array(WorkspaceTable))
    .query(({ ctx }) => readWorkspace(listWorkspaceTables(ctx.db, ctx.app.workspaceSchema))),

  /** POST /stats/tables/{table}/preview: one page of a workspace table; NOT_FOUND for anything that is not one; needs write. */
  preview: appWriteProcedure
    .input(PreviewInput)
    .output(PreviewOutput)
    .query(async ({ ctx, input }) => {
      const page = await readWorkspace(
        previewTable(ctx.db, ctx.app.workspaceSchema, input.table, { limit: input.limit, offset: input.offset }),
      );
      if (!page) throw new TRPCError({ code: 'NOT_FOUND', message: 'Table not found' });
      return page;
    }),

  /** GET /stats/api: the last 100 invocations and 30 days of daily figures; needs write. */
  api: appWriteProcedure.output(ApiStats).query(async ({ ctx }) => {
    const [recent, daily] = await Promise.all([
      listRecentInvocations(ctx.db, ctx.app.id),
      getDailyInvocations(ctx.db, ctx.app.id, ctx.now()),
    ]);
    return { recent, daily };
  }),
});

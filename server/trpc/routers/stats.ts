import { TRPCError } from '@trpc/server';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AppRow } from '../../queries/apps';
import type { DB } from '../../db/types';
import { listRecentInvocations } from '../../queries/invocations';
import { getAppFigures, getDailyInvocations } from '../../queries/stats/read';
import { PageTooWideError } from '../../queries/preview/fit';
import { previewTable, RowSecurityError, TableNotReadableError } from '../../queries/preview/read';
import { getStorageStats, listWorkspaceTables } from '../../queries/workspace/catalog';
import { WorkspaceBusyError } from '../../workspace/limits';
import { PreviewInput } from '../../schemas/preview';
import { ApiStats, PreviewResult, StatsOverview, WorkspaceTable } from '../../schemas/stats';
import { FileOutput, csvFile } from '../file';
import { appReadProcedure, appWriteProcedure, router } from '../init';

// Rows are checked to be objects but not rebuilt key by key: a record schema would
// copy them, and a column named __proto__ would not survive the copy.
export const PreviewOutput = PreviewResult.extend({
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
export async function readWorkspace<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    throw workspaceReadError(error);
  }
}

/** The figures of GET /stats: views and invocations from the rollups, storage from the workspace's catalog. */
export async function overviewOf(db: Kysely<DB>, app: AppRow, now: Date): Promise<z.input<typeof StatsOverview>> {
  const [{ views, api }, storage] = await Promise.all([getAppFigures(db, app.id, now), readWorkspace(getStorageStats(db, app))]);
  return { appId: app.id, ...views, api, storage };
}

/** The figures of GET /stats/api: the last 100 invocations and 30 UTC days. */
export async function apiStatsOf(db: Kysely<DB>, appId: string, now: Date): Promise<z.input<typeof ApiStats>> {
  const [recent, daily] = await Promise.all([listRecentInvocations(db, appId), getDailyInvocations(db, appId, now)]);
  return { recent, daily };
}

/** The four documented stats reads (CONTRACT §5); "now" comes from the context so tests can pin the clock. */
export const statsRouter = router({
  /** GET /stats: views, invocations and storage of an app; needs read. */
  overview: appReadProcedure.output(StatsOverview).query(({ ctx }) => overviewOf(ctx.db, ctx.app, ctx.now())),

  /** GET /stats/tables: the workspace's tables with columns, rows and size; needs write. */
  tables: appWriteProcedure
    .output(z.array(WorkspaceTable))
    .query(({ ctx }) => readWorkspace(listWorkspaceTables(ctx.db, ctx.app.workspaceSchema))),

  /** GET /stats/tables?format=csv: the tables list as `<naturalId>-tables.csv`, one row a table, its columns as JSON; needs write. */
  tablesCsv: appWriteProcedure.output(FileOutput).query(async ({ ctx }) => {
    const tables = await readWorkspace(listWorkspaceTables(ctx.db, ctx.app.workspaceSchema));
    return csvFile(`${ctx.app.naturalId}-tables.csv`, tables, Object.keys(WorkspaceTable.shape));
  }),

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
  api: appWriteProcedure.output(ApiStats).query(({ ctx }) => apiStatsOf(ctx.db, ctx.app.id, ctx.now())),
});

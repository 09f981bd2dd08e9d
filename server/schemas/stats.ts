import { z } from 'zod';

// The response shapes of the documented REST paths (CONTRACT §5). Shared by the
// tRPC procedures (.output), the REST adapter, the pages and the OpenAPI document.

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .describe('UTC calendar day, YYYY-MM-DD');
const Timestamp = z.string().describe('ISO 8601 UTC with milliseconds, e.g. 2024-02-23T14:30:00.000Z');

export const ViewsByDayEntry = z.object({ day: Day, count: z.number().int() });

export const ViewStats = z.object({
  totalViews: z.number().int(),
  uniqueViewers: z.number().int(),
  views7d: z.number().int(),
  views30d: z.number().int(),
  lastViewedAt: Timestamp.nullable(),
  viewsByDay: z.array(ViewsByDayEntry).length(7),
});
export type ViewStats = z.infer<typeof ViewStats>;

export const ApiSummary = z.object({
  totalInvocations: z.number().int(),
  invocations7d: z.number().int(),
  invocations30d: z.number().int(),
  avgDurationMs: z.number().int(),
  errorCount30d: z.number().int(),
  errorRate30d: z.number(),
  peakMemoryBytes: z.number().int(),
  totalComputeMs: z.number().int(),
});
export type ApiSummary = z.infer<typeof ApiSummary>;

export const StorageStats = z.object({
  hasWorkspace: z.boolean(),
  schemaSize: z.number().int(),
  tableCount: z.number().int(),
  quotaBytes: z.number().int(),
  quotaPercent: z.number(),
});
export type StorageStats = z.infer<typeof StorageStats>;

export const StatsOverview = ViewStats.extend({
  appId: z.string().uuid(),
  api: ApiSummary,
  storage: StorageStats,
}).transform((o) => ({
  appId: o.appId,
  totalViews: o.totalViews,
  uniqueViewers: o.uniqueViewers,
  views7d: o.views7d,
  views30d: o.views30d,
  lastViewedAt: o.lastViewedAt,
  viewsByDay: o.viewsByDay,
  api: o.api,
  storage: o.storage,
}));
export type StatsOverview = z.output<typeof StatsOverview>;

export const TableColumn = z.object({
  name: z.string(),
  type: z.string(),
  nullable: z.boolean(),
  primaryKey: z.literal(true).optional(),
  indexed: z.literal(true).optional(),
});

export const WorkspaceTable = z.object({
  name: z.string(),
  rowCount: z.number().int(),
  rowCountEstimated: z
    .literal(true)
    .optional()
    .describe(
      "Present, and true, only when rowCount is an estimate rather than a count: the planner's for a large table, the catalog's for a table with row-level security or one the workspace's reader may not read",
    ),
  sizeBytes: z.number().int(),
  columns: z.array(TableColumn),
});
export type WorkspaceTable = z.infer<typeof WorkspaceTable>;

export const PreviewBody = z.strictObject({
  limit: z.number().int().min(1).max(100).default(25),
  offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
});

export const PreviewResult = z.object({
  rows: z.array(z.record(z.string(), z.unknown())),
  rowCount: z.number().int(),
  totalRows: z.number().int(),
  fields: z.array(z.object({ name: z.string(), dataTypeID: z.number().int() })),
});
export type PreviewResult = z.infer<typeof PreviewResult>;

export const RecentInvocation = z.object({
  method: z.string(),
  path: z.string(),
  username: z.string().nullable(),
  startedAt: Timestamp,
  durationMs: z.number().int(),
  statusCode: z.number().int(),
  memoryPeakBytes: z.number().int().nullable(),
  error: z.string().nullable(),
});
export type RecentInvocation = z.infer<typeof RecentInvocation>;

export const DailyInvocations = z.object({
  day: Day,
  count: z.number().int(),
  avgDurationMs: z.number().int(),
  errorCount: z.number().int(),
});
export type DailyInvocations = z.infer<typeof DailyInvocations>;

export const ApiStats = z.object({
  recent: z.array(RecentInvocation).max(100),
  daily: z.array(DailyInvocations).length(30),
});
export type ApiStats = z.infer<typeof ApiStats>;

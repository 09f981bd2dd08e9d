import { FormatQuery, fileAnswer } from '@/server/rest/file-answer';
import { restRoute } from '@/server/rest/route';

export const dynamic = 'force-dynamic';

/** GET /api/apps/{id}/stats/tables: the workspace's tables with their columns (CONTRACT §5); `format=csv` one row a table (§8). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRoute({
  method: 'GET',
  params: ['id'],
  query: FormatQuery,
  handle: async ({ caller, params, query }) =>
    query.format === 'csv' ? fileAnswer(await caller.stats.tablesCsv({ appId: params.id })) : caller.stats.tables({ appId: params.id }),
});

import { TableExportQuery } from '@/server/schemas/export';
import { restRoute } from '@/server/rest/route';
import { fileAnswer } from '@/server/rest/file-answer';

export const dynamic = 'force-dynamic';

/** GET /api/apps/{id}/stats/tables/{table}/export?format=csv|ndjson: a whole workspace table, streamed (CONTRACT §8 "Export"). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRoute({
  method: 'GET',
  params: ['id', 'table'],
  query: TableExportQuery,
  handle: async ({ caller, params, query }) =>
    fileAnswer(await caller.export.table({ appId: params.id, table: params.table, format: query.format })),
});

import { TableExportQuery } from '@/server/schemas/export';
import { restRoute } from '@/server/rest/route';
import { StreamedAnswer, attachment } from '@/server/rest/stream';

export const dynamic = 'force-dynamic';

/** GET /api/apps/{id}/stats/tables/{table}/export?format=csv|ndjson: a whole workspace table, streamed (CONTRACT §8 "Export"). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRoute({
  method: 'GET',
  params: ['id', 'table'],
  query: TableExportQuery,
  handle: async ({ caller, params, query }) => {
    const file = await caller.export.table({ appId: params.id, table: params.table, format: query.format });
    return new StreamedAnswer(file.body, { 'content-type': file.contentType, 'content-disposition': attachment(file.fileName) });
  },
});

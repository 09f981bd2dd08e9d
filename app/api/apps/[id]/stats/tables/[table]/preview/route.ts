import { PreviewRequestBody } from '@/server/schemas/preview';
import { restRoute } from '@/server/rest/route';

export const dynamic = 'force-dynamic';

/** POST /api/apps/{id}/stats/tables/{table}/preview: one page of a workspace table (CONTRACT §5). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRoute({
  method: 'POST',
  params: ['id', 'table'],
  body: PreviewRequestBody,
  emptyBody: {},
  handle: ({ caller, params, body }) => caller.stats.preview({ appId: params.id, table: params.table, ...body }),
});

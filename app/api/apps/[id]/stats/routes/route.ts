import { fileAnswer } from '@/server/rest/file-answer';
import { restRoute } from '@/server/rest/route';
import { RouteListQuery } from '@/server/schemas/routes';

export const dynamic = 'force-dynamic';

/** GET /api/apps/{id}/stats/routes: the range's invocations grouped by method and route (CONTRACT §8). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRoute({
  method: 'GET',
  params: ['id'],
  query: RouteListQuery,
  handle: async ({ caller, params, query: { format, ...input } }) =>
    format === 'csv'
      ? fileAnswer(await caller.activity.routesCsv({ appId: params.id, ...input }))
      : caller.activity.routes({ appId: params.id, ...input }),
});

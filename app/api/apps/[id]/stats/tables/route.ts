import { restRoute } from '@/server/rest/route';

export const dynamic = 'force-dynamic';

/** GET /api/apps/{id}/stats/tables: the workspace's tables with their columns (CONTRACT §5). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRoute({
  method: 'GET',
  params: ['id'],
  handle: ({ caller, params }) => caller.stats.tables({ appId: params.id }),
});

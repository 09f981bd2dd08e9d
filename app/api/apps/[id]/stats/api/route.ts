import { restRoute } from '@/server/rest/route';

export const dynamic = 'force-dynamic';

/** GET /api/apps/{id}/stats/api: the last 100 invocations and 30 days of daily figures (CONTRACT §5). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRoute({
  method: 'GET',
  params: ['id'],
  handle: ({ caller, params }) => caller.stats.api({ appId: params.id }),
});

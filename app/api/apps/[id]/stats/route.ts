import { restRoute } from '@/server/rest/route';

export const dynamic = 'force-dynamic';

/** GET /api/apps/{id}/stats: views, invocations and storage (CONTRACT §5). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRoute({
  method: 'GET',
  params: ['id'],
  handle: ({ caller, params }) => caller.stats.overview({ appId: params.id }),
});

import { sseRoute } from '@/server/live/sse-route';

export const dynamic = 'force-dynamic';

/** GET /api/apps/{id}/stats/live: `stats` events of the app's totals as Server-Sent Events (CONTRACT §8 "Live"). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = sseRoute({
  params: ['id'],
  event: 'stats',
  subscribe: ({ caller, params }) => caller.live.stats({ appId: params.id }),
});

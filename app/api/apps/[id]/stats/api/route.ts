import { FormatQuery, fileAnswer } from '@/server/rest/file-answer';
import { restRoute } from '@/server/rest/route';

export const dynamic = 'force-dynamic';

/** GET /api/apps/{id}/stats/api: the last 100 invocations and 30 days of daily figures (CONTRACT §5); `format=csv`: the invocations (§8). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRoute({
  method: 'GET',
  params: ['id'],
  query: FormatQuery,
  handle: async ({ caller, params, query }) =>
    query.format === 'csv' ? fileAnswer(await caller.insights.apiCsv({ appId: params.id })) : caller.stats.api({ appId: params.id }),
});

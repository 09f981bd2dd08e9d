import { FormatQuery, fileAnswer } from '@/server/rest/file-answer';
import { restRoute } from '@/server/rest/route';

export const dynamic = 'force-dynamic';

/** GET /api/apps/{id}/stats: views, invocations and storage (CONTRACT §5); `format=csv` as one row (§8). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRoute({
  method: 'GET',
  params: ['id'],
  query: FormatQuery,
  handle: async ({ caller, params, query }) =>
    query.format === 'csv'
      ? fileAnswer(await caller.insights.overviewCsv({ appId: params.id }))
      : caller.stats.overview({ appId: params.id }),
});

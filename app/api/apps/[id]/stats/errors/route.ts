import { fileAnswer } from '@/server/rest/file-answer';
import { restRoute } from '@/server/rest/route';
import { ErrorGroupsQuery } from '@/server/schemas/activity';

export const dynamic = 'force-dynamic';

/** GET /api/apps/{id}/stats/errors: the range's failed invocations grouped by method, route and message (CONTRACT §8). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRoute({
  method: 'GET',
  params: ['id'],
  query: ErrorGroupsQuery,
  handle: async ({ caller, params, query: { format, ...input } }) =>
    format === 'csv'
      ? fileAnswer(await caller.activity.errorsCsv({ appId: params.id, ...input }))
      : caller.activity.errors({ appId: params.id, ...input }),
});

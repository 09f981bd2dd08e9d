import { fileAnswer } from '@/server/rest/file-answer';
import { restRoute } from '@/server/rest/route';
import { InvocationLogQuery } from '@/server/schemas/activity';

export const dynamic = 'force-dynamic';

/** GET /api/apps/{id}/stats/invocations: one page of the invocation log, newest first, filtered, with a signed keyset cursor (CONTRACT §8). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRoute({
  method: 'GET',
  params: ['id'],
  query: InvocationLogQuery,
  handle: async ({ caller, params, query: { format, ...input } }) =>
    format === 'csv'
      ? fileAnswer(await caller.activity.invocationsCsv({ appId: params.id, ...input }))
      : caller.activity.invocations({ appId: params.id, ...input }),
});

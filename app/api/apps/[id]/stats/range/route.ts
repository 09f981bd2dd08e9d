import { z } from 'zod';
import { restRoute } from '@/server/rest/route';
import { fileAnswer } from '@/server/rest/file-answer';
import { RangeStatsInput } from '@/server/schemas/range';

export const dynamic = 'force-dynamic';

const Query = RangeStatsInput.extend({ format: z.enum(['json', 'csv']).optional() }).strict();

/** GET /api/apps/{id}/stats/range: figures over calendar days of a time zone, the previous period, and a series (CONTRACT §8). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRoute({
  method: 'GET',
  params: ['id'],
  query: Query,
  handle: async ({ caller, params, query: { format, ...range } }) => {
    if (format !== 'csv') return caller.insights.range({ appId: params.id, ...range });
    return fileAnswer(await caller.insights.rangeCsv({ appId: params.id, ...range }));
  },
});

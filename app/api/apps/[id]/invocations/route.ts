import { idempotencyKeyOf, readBatch } from '@/server/rest/ingest-body';
import { restRoute } from '@/server/rest/route';
import { InvocationsBatch } from '@/server/schemas/ingest';

export const dynamic = 'force-dynamic';

/** POST /api/apps/{id}/invocations: one route invocation or a batch of up to 1000, stored whole or not at all (CONTRACT §6). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = restRoute({
  method: 'POST',
  params: ['id'],
  status: 202,
  handle: async ({ caller, params, request }) => {
    const idempotencyKey = idempotencyKeyOf(request.headers);
    const events = await readBatch(request, InvocationsBatch);
    return caller.ingest.invocations({ appId: params.id, events, idempotencyKey });
  },
});

import { TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { trustedProxyHops } from '@/server/auth/client-address';
import { logger, requestIdFrom } from '@/server/log';
import { readBodyBytes } from '@/server/rest/body';
import { INGEST_MAX_BODY_BYTES } from '@/server/schemas/ingest';
import { retryAfterFor } from '@/server/trpc/outage';
import { appRouter } from '@/server/trpc/routers/_app';
import { contextFromRequest } from '@/server/trpc/request-context';

export const dynamic = 'force-dynamic';

// The limits of REST (CONTRACT §10). tRPC itself refuses a batch of more than
// MAX_BATCH_CALLS calls with 400 before anything runs, GET and POST alike. The
// body is read here, counting bytes, and refused past the largest body a REST
// path takes (an ingest batch) with 413 before anyone is authenticated. Each
// call then spends the caller's budget in procedure middleware (server/trpc/init.ts).
const MAX_BATCH_CALLS = 10;
const MAX_BODY_BYTES = INGEST_MAX_BODY_BYTES;

/** Response headers: the request id, no caching of per-user answers, Retry-After for 429 and 503, and no reuse of a connection whose body was left unread. */
function responseHeaders(errors: TRPCError[], requestId: string): Headers {
  const headers = new Headers({ 'x-request-id': requestId, 'cache-control': 'no-store' });
  const retryAfter = Math.max(0, ...errors.map((error) => retryAfterFor(error) ?? 0));
  if (retryAfter > 0) headers.set('retry-after', String(retryAfter));
  if (errors.some((error) => error.code === 'PAYLOAD_TOO_LARGE')) headers.set('connection', 'close');
  return headers;
}

/** The request with its body read whole (at most MAX_BODY_BYTES), or without it and the reason it is refused. */
async function withBoundedBody(req: Request): Promise<{ request: Request; refused: TRPCError | null }> {
  if (req.method !== 'POST') return { request: req, refused: null };
  const init = { method: 'POST', headers: req.headers, signal: req.signal };
  try {
    return { request: new Request(req.url, { ...init, body: await readBodyBytes(req, MAX_BODY_BYTES) }), refused: null };
  } catch (error) {
    const refused =
      error instanceof TRPCError
        ? error
        : new TRPCError({ code: 'BAD_REQUEST', message: 'The request body could not be read', cause: error });
    return { request: new Request(req.url, init), refused };
  }
}

async function handler(req: Request): Promise<Response> {
  const started = performance.now();
  const requestId = requestIdFrom(req.headers, trustedProxyHops() > 0);
  const log = logger.child({ requestId });
  const { request, refused } = await withBoundedBody(req);
  const response = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req: request,
    router: appRouter,
    maxBatchSize: MAX_BATCH_CALLS,
    // A refused body fails every call of the request in tRPC's own error shape.
    createContext: ({ req: { headers }, resHeaders }) => {
      if (refused) throw refused;
      return contextFromRequest(headers, resHeaders, { requestId, metered: true });
    },
    responseMeta: ({ errors }) => ({ headers: responseHeaders(errors, requestId) }),
    onError: ({ error, path, type }) => {
      // The cause of a 500 goes to the log only; the client sees "Internal server error".
      if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error.cause ?? error, path, type }, 'procedure failed');
    },
  });
  // tRPC sends an error it caught before any call ran (a batch too large, input that
  // is not JSON) without a content type, so it would read as text; the body is JSON.
  if (response.status >= 400 && response.headers.get('content-type')?.startsWith('text/plain')) {
    response.headers.set('content-type', 'application/json');
  }
  log.info(
    { method: req.method, path: new URL(req.url).pathname, status: response.status, ms: Math.round(performance.now() - started) },
    'trpc request',
  );
  return response;
}

export { handler as GET, handler as POST };

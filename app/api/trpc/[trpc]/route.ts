import type { TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { trustedProxyHops } from '@/server/auth/client-address';
import { retryAfterOf } from '@/server/auth/rate-limit';
import { logger, requestIdFrom } from '@/server/log';
import { appRouter } from '@/server/trpc/routers/_app';
import { contextFromRequest } from '@/server/trpc/request-context';

export const dynamic = 'force-dynamic';

/** Response headers: the request id, no caching of per-user answers, and Retry-After for 429 and 503. */
function responseHeaders(errors: TRPCError[], requestId: string): Headers {
  const headers = new Headers({ 'x-request-id': requestId, 'cache-control': 'no-store' });
  const waits = errors.map((error) => retryAfterOf(error) ?? (error.code === 'SERVICE_UNAVAILABLE' ? 1 : 0));
  const retryAfter = Math.max(0, ...waits);
  if (retryAfter > 0) headers.set('retry-after', String(retryAfter));
  return headers;
}

async function handler(req: Request): Promise<Response> {
  const started = performance.now();
  const requestId = requestIdFrom(req.headers, trustedProxyHops() > 0);
  const log = logger.child({ requestId });
  const response = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: ({ req: request, resHeaders }) => contextFromRequest(request.headers, resHeaders, { requestId }),
    responseMeta: ({ errors }) => ({ headers: responseHeaders(errors, requestId) }),
    onError: ({ error, path, type }) => {
      // The cause of a 500 goes to the log only; the client sees "Internal server error".
      if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error.cause ?? error, path, type }, 'procedure failed');
    },
  });
  log.info(
    { method: req.method, path: new URL(req.url).pathname, status: response.status, ms: Math.round(performance.now() - started) },
    'trpc request',
  );
  return response;
}

export { handler as GET, handler as POST };

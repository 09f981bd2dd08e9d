import { trustedProxyHops } from '../auth/client-address';
import { env } from '../env';
import { logger, requestIdFrom } from '../log';
import { errorResponse } from '../rest/errors';
import { type RestHandlers, restRoute } from '../rest/route';
import { contextFromRequest } from '../trpc/request-context';
import { createCaller } from '../trpc/routers/_app';

// The REST adapter of a tRPC subscription as Server-Sent Events (the streaming
// sibling of server/rest/route.ts): the caller is authenticated from the
// request, the procedure's middleware resolves the app, and its first value is
// awaited before anything is sent, so a refusal is the usual JSON error with
// its status (401, 404, 429, 503). Then each value is an event, with a comment
// line every LIVE_HEARTBEAT_MS; the stream ends when the client goes (the
// procedure's signal aborts), when the procedure ends (a recheck failed, the
// server is draining), or on an error (logged, never sent).

type Caller = ReturnType<typeof createCaller>;
type Handler<P extends string> = RestHandlers<P>['GET'];

export interface SseRouteOptions<P extends string> {
  params: readonly P[];
  /** The SSE event name of each value. */
  event: string;
  /** Opens the subscription through the caller. */
  subscribe(call: { caller: Caller; params: Record<P, string> }): Promise<AsyncIterable<unknown>>;
}

/** Route handlers of one SSE path: GET streams, HEAD checks access only, other methods 405 as on every REST path. */
export function sseRoute<P extends string>(options: SseRouteOptions<P>): RestHandlers<P> {
  const stream: Handler<P> = async (request, context) => {
    const requestId = requestIdFrom(request.headers, trustedProxyHops() > 0);
    const abort = new AbortController();
    request.signal.addEventListener('abort', () => abort.abort(), { once: true });
    try {
      const params = await context.params;
      const headers = new Headers({ 'x-request-id': requestId, 'cache-control': 'no-store' });
      const appRef = (params as Partial<Record<string, string>>).id;
      const ctx = await contextFromRequest(request.headers, headers, { requestId, metered: true, ...(appRef ? { appRef } : {}) });
      const iterable = await options.subscribe({ caller: createCaller(ctx, { signal: abort.signal }), params });
      const iterator = iterable[Symbol.asyncIterator]();
      const first = await iterator.next();
      headers.set('content-type', 'text/event-stream; charset=utf-8');
      headers.set('x-accel-buffering', 'no');
      if (request.method === 'HEAD') {
        abort.abort();
        void iterator.return?.();
        return new Response(null, { status: 200, headers });
      }
      return new Response(eventStream(iterator, first, options.event, abort, requestId), { status: 200, headers });
    } catch (error) {
      abort.abort();
      return errorResponse(request, error, requestId);
    }
  };
  return { ...restRoute<P>({ method: 'GET', params: options.params, handle: async () => null }), GET: stream, HEAD: stream };
}

function eventStream(
  iterator: AsyncIterator<unknown>,
  first: IteratorResult<unknown>,
  event: string,
  abort: AbortController,
  requestId: string,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const send = (text: string) => {
        if (open) controller.enqueue(encoder.encode(text));
      };
      const heartbeat = setInterval(() => send(': heartbeat\n\n'), env().LIVE_HEARTBEAT_MS);
      const close = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        abort.abort();
        try {
          controller.close();
        } catch {
          // Already closed by the client going away.
        }
      };
      abort.signal.addEventListener('abort', close, { once: true });
      send('retry: 2000\n\n');
      void (async () => {
        try {
          for (let result = first; !result.done && open; result = await iterator.next()) {
            send(`event: ${event}\ndata: ${JSON.stringify(result.value)}\n\n`);
          }
        } catch (error) {
          if (!abort.signal.aborted) logger.warn({ err: error, requestId }, 'live stream failed');
        } finally {
          close();
          void iterator.return?.();
        }
      })();
    },
    cancel() {
      abort.abort();
    },
  });
}

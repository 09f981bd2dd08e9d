import type { z } from 'zod';
import { trustedProxyHops } from '../auth/client-address';
import { requestIdFrom } from '../log';
import { contextFromRequest } from '../trpc/request-context';
import { createCaller } from '../trpc/routers/_app';
import { DEFAULT_MAX_BODY_BYTES, parseJsonBody, readBodyText } from './body';
import { errorResponse, jsonError } from './errors';
import { parseQuery } from './query';
import { StreamedAnswer, streamedResponse } from './stream';

// The REST adapter (STYLE: "caller → JSON, TRPCError → status"). A route file
// declares its method, its path parameters, optionally a body schema, and calls
// one procedure through the caller; everything else (methods, body limits,
// error shapes, request ids) happens here, the same for every REST path. The
// per-token budget is procedure middleware (server/trpc/init.ts): one REST
// request, one procedure call, one unit, as for each call of a tRPC batch.

type Caller = ReturnType<typeof createCaller>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Handler<P extends string> = (request: Request, context: { params: Promise<Record<P, string>> }) => Promise<Response>;

/** What a route's `handle` gets: a caller authenticated from the request, the path parameters and the parsed body. */
export interface RestCall<P extends string, B, Q = undefined> {
  caller: Caller;
  params: Record<P, string>;
  body: B;
  /** The query string, parsed with the route's `query` schema. */
  query: Q;
  request: Request;
}

export interface RestRouteOptions<P extends string, S extends z.ZodType, Q extends z.ZodType = z.ZodUndefined> {
  method: Method;
  /** The dynamic segments of the path, e.g. ['id', 'table']. */
  params: readonly P[];
  /** The JSON body's schema; without one the body is not read. */
  body?: S;
  /** What an empty body stands for (e.g. `{}` for defaults); without it an empty body is 400. */
  emptyBody?: z.input<S>;
  /** Body limit in bytes (default 64 KiB); over it: 413. */
  maxBodyBytes?: number;
  /** The query string's schema, over an object of strings; without one the query string is ignored. */
  query?: Q;
  /** The success status (default 200). */
  status?: number;
  handle(call: RestCall<P, z.output<S>, z.output<Q>>): Promise<unknown>;
}

/** Next.js route handlers for every method: the declared one runs `handle`, the others answer 405 with `Allow`. */
export type RestHandlers<P extends string> = Record<Method | 'HEAD' | 'OPTIONS', Handler<P>>;

/** Builds the route handlers of one REST path; export them all from the route file. */
export function restRoute<P extends string, S extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined>(
  options: RestRouteOptions<P, S, Q>,
): RestHandlers<P> {
  const allowed = options.method === 'GET' ? ['GET', 'HEAD', 'OPTIONS'] : [options.method, 'OPTIONS'];
  const allow = allowed.join(', ');

  const run: Handler<P> = async (request, context) => {
    const requestId = requestIdFrom(request.headers, trustedProxyHops() > 0);
    try {
      const params = await context.params;
      // The body is read and checked first: an oversized or malformed request is 413/400
      // whoever sends it, which says nothing about the app or the caller.
      const body: z.output<S> = options.body
        ? parseJsonBody(
            await readBodyText(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
            options.body,
            'emptyBody' in options ? { value: options.emptyBody } : undefined,
          )
        : (undefined as z.output<S>);
      const query: z.output<Q> = options.query ? parseQuery(request.url, options.query) : (undefined as z.output<Q>);
      const headers = new Headers({ 'x-request-id': requestId, 'cache-control': 'no-store' });
      // Every app's REST path names it as `id`: the credential, the app and the standing come in one statement.
      const appRef = (params as Partial<Record<string, string>>).id;
      const ctx = await contextFromRequest(request.headers, headers, { requestId, metered: true, ...(appRef ? { appRef } : {}) });
      const data = await options.handle({ caller: createCaller(ctx), params, body, query, request });
      if (data instanceof StreamedAnswer) return await streamedResponse(data, headers);
      return Response.json(data, { status: options.status ?? 200, headers });
    } catch (error) {
      return errorResponse(request, error, requestId);
    }
  };
  const notAllowed: Handler<P> = async (request) =>
    jsonError(405, 'METHOD_NOT_SUPPORTED', `${request.method} is not supported here; use ${options.method}`, { allow });
  const preflight: Handler<P> = async () => new Response(null, { status: 204, headers: { allow } });

  const handlers = { OPTIONS: preflight } as RestHandlers<P>;
  for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
    handlers[method] = allowed.includes(method) ? run : notAllowed;
  }
  return handlers;
}

import { sharedDatabase } from '../db/client';
import { type Context, createContext } from './context';

/**
 * The context of an HTTP request to the running server (tRPC route, REST
 * routes, server components). Pass the route's `requestId` so its log lines
 * and the procedures' share one id.
 */
export function contextFromRequest(headers: Headers, resHeaders?: Headers, options: { requestId?: string } = {}): Promise<Context> {
  return createContext({
    db: sharedDatabase().db,
    headers,
    setCookie: (value) => resHeaders?.append('set-cookie', value),
    ...(options.requestId ? { requestId: options.requestId } : {}),
  });
}

import { sharedDatabase } from '../db/client';
import { type Context, createContext } from './context';

export interface RequestContextOptions {
  /** The route's request id, so its log lines and the procedures' share one id. */
  requestId?: string;
  /** Set by the HTTP entry points (tRPC route, REST adapter): each call spends the caller's budget. Server components leave it unset. */
  metered?: boolean;
  /** The app the request is about, when the URL says so: resolved with the credential in one statement (Context.apps). */
  appRef?: string;
}

/**
 * The context of an HTTP request to the running server (tRPC route, REST
 * routes, server components).
 */
export function contextFromRequest(headers: Headers, resHeaders?: Headers, options: RequestContextOptions = {}): Promise<Context> {
  return createContext({
    db: sharedDatabase().db,
    headers,
    setCookie: (value) => resHeaders?.append('set-cookie', value),
    ...(options.requestId ? { requestId: options.requestId } : {}),
    metered: options.metered === true,
    ...(options.appRef ? { appRef: options.appRef } : {}),
  });
}

import { sharedDatabase } from '../db/client';
import { type Context, createContext } from './context';

/** The context of an HTTP request to the running server (tRPC route, REST routes, server components). */
export function contextFromRequest(headers: Headers, resHeaders?: Headers): Promise<Context> {
  return createContext({
    db: sharedDatabase().db,
    headers,
    setCookie: (value) => resHeaders?.append('set-cookie', value),
  });
}

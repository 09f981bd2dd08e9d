import type { Kysely } from 'kysely';
import { clientAddress, trustedProxyHops } from '../auth/client-address';
import { isCrossSite, requestHost } from '../auth/csrf';
import type { AppAccess } from '../access/resolve-app';
import { type Authentication, authenticate } from '../auth/principal';
import { isDatabaseUnavailable } from '../db/unavailable';
import type { DB } from '../db/types';
import { newRequestId } from '../log';
import { databaseUnavailable } from './outage';

/** What the HTTP request itself tells, beyond who is calling. */
export interface RequestFacts {
  /** The browser marked the request as coming from another site (see isCrossSite): mutations refuse it. */
  crossSite: boolean;
  /** The caller's address when it can be trusted (see clientAddress), else null. */
  clientAddress: string | null;
  /** Correlates log lines and the `X-Request-Id` response header. */
  requestId: string;
}

export interface Context {
  db: Kysely<DB>;
  auth: Authentication;
  now: () => Date;
  /** Adds a Set-Cookie header to the response, where there is one (not for server-side callers). */
  setCookie: (value: string) => void;
  /** Facts about the HTTP request; absent for the CLI's caller, which has none. */
  request?: RequestFacts;
  /** True only for the CLI's own caller: administration procedures need it. */
  system?: boolean;
  /**
   * True for a call a client sent over HTTP (the tRPC route, the REST adapter):
   * each such call spends the caller's budget (server/trpc/init.ts). Server-side
   * page renders and the CLI are not metered.
   */
  metered?: boolean;
  /**
   * The apps this request's queries resolved, by the reference they were asked
   * with: every procedure call of one request (a page render, a batch) shares
   * one resolution per app. Absent for contexts that do not share one.
   */
  apps?: Map<string, Promise<AppAccess>>;
}

export interface ContextOptions {
  db: Kysely<DB>;
  headers: Headers;
  setCookie?: (value: string) => void;
  now?: () => Date;
  requestId?: string;
  /** See Context.metered; only the HTTP entry points set it. */
  metered?: boolean;
  /**
   * The app the request is about, when known before any procedure runs (a REST
   * path's id, a page's URL): it is resolved with the credential in one statement.
   */
  appRef?: string;
}

/** The request facts that can be read off the headers alone. */
export function requestFacts(headers: Headers, requestId: string = newRequestId()): RequestFacts {
  const hops = trustedProxyHops();
  return {
    crossSite: isCrossSite(headers, requestHost(headers, hops > 0)),
    clientAddress: clientAddress(headers, hops),
    requestId,
  };
}

/**
 * Builds the context of one request: the database, who is calling and where
 * from, and (with `appRef`) the caller's access to that app, all from one
 * statement. A database outage while authenticating is SERVICE_UNAVAILABLE, not a 500.
 */
export async function createContext(options: ContextOptions): Promise<Context> {
  const now = options.now ?? (() => new Date());
  let auth: Authentication;
  const apps = new Map<string, Promise<AppAccess>>();
  try {
    const found = await authenticate(options.db, options.headers, now(), options.appRef);
    auth = found.auth;
    if (found.app) apps.set(found.app.ref, Promise.resolve(found.app.access));
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    throw databaseUnavailable(error);
  }
  return {
    apps,
    db: options.db,
    auth,
    now,
    setCookie: options.setCookie ?? (() => undefined),
    request: requestFacts(options.headers, options.requestId),
    metered: options.metered === true,
  };
}

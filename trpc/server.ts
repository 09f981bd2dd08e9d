import 'server-only';
import { createHydrationHelpers } from '@trpc/react-query/rsc';
import { TRPCError } from '@trpc/server';
import { headers } from 'next/headers';
import { cache } from 'react';
import { contextFromRequest } from '@/server/trpc/request-context';
import { type AppRouter, createCaller } from '@/server/trpc/routers/_app';
import { appRefOfPath } from '@/lib/route-param';
import { createQueryClient } from './query-client';

// Server components reach the data through the very procedures the browser calls,
// with the request's own cookie; nothing here touches the database directly.

/**
 * The context of one page render. The caller calls this before each procedure;
 * `cache` makes every call of the render share one context, so the session is
 * resolved once however many procedures the layouts and the page call.
 */
const createContext = cache(async () => {
  const requestHeaders = new Headers(await headers());
  // proxy.ts passes the path asked for: on an app's pages its id is resolved with the session, in one statement.
  const appRef = appRefOfPath(requestHeaders.get('x-appstats-path'));
  return contextFromRequest(requestHeaders, undefined, appRef ? { appRef } : {});
});

const getQueryClient = cache(createQueryClient);

const caller = createCaller(createContext);

/**
 * `serverTrpc`: the caller with `prefetch` helpers that fill this render's
 * QueryClient; `HydrateClient` hands what was prefetched to the client components.
 */
export const { trpc: serverTrpc, HydrateClient } = createHydrationHelpers<AppRouter>(caller, getQueryClient);

function isCode(error: unknown, ...codes: TRPCError['code'][]): boolean {
  return error instanceof TRPCError && codes.includes(error.code);
}

/** The signed-in user, or null for a visitor without a valid session. */
export const currentUser = cache(async () => {
  try {
    return await caller.auth.me();
  } catch (error) {
    if (isCode(error, 'UNAUTHORIZED')) return null;
    throw error;
  }
});

/** The app behind a URL segment with the caller's standing, or null when it does not exist or cannot be read. */
export const appForPage = cache(async (appId: string) => {
  try {
    return await caller.apps.get({ appId });
  } catch (error) {
    if (isCode(error, 'NOT_FOUND', 'BAD_REQUEST')) return null;
    throw error;
  }
});

/** The apps the caller can read (for the app switcher). */
export const readableApps = cache(() => caller.apps.list());

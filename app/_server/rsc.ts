import { QueryClient } from '@tanstack/react-query';
import { createHydrationHelpers } from '@trpc/react-query/rsc';
import { TRPCError } from '@trpc/server';
import { headers } from 'next/headers';
import { cache } from 'react';
import { contextFromRequest } from '@/server/trpc/request-context';
import { type AppRouter, createCaller } from '@/server/trpc/routers/_app';

// Server components reach the data through the very procedures the browser calls,
// with the request's own cookie; nothing here touches the database directly.

const getQueryClient = cache(() => new QueryClient({ defaultOptions: { queries: { staleTime: 10_000 } } }));

const getCaller = cache(() => createCaller(async () => contextFromRequest(new Headers(await headers()))));

/** The per-request caller with `prefetch` helpers, and `HydrateClient` to hand prefetched data to client components. */
export const serverTrpc = cache(() => createHydrationHelpers<AppRouter>(getCaller(), getQueryClient));

function isCode(error: unknown, ...codes: TRPCError['code'][]): boolean {
  return error instanceof TRPCError && codes.includes(error.code);
}

/** The signed-in user, or null for a visitor without a valid session. */
export const currentUser = cache(async () => {
  try {
    return await getCaller().auth.me();
  } catch (error) {
    if (isCode(error, 'UNAUTHORIZED')) return null;
    throw error;
  }
});

/** The app behind a URL segment with the caller's standing, or null when it does not exist or cannot be read. */
export const appForPage = cache(async (appId: string) => {
  try {
    return await getCaller().apps.get({ appId });
  } catch (error) {
    if (isCode(error, 'NOT_FOUND', 'BAD_REQUEST')) return null;
    throw error;
  }
});

/** The apps the caller can read (for the app switcher). */
export const readableApps = cache(() => getCaller().apps.list());

import { QueryClient, isServer } from '@tanstack/react-query';
import { errorCode } from './errors';

/** Every figure refreshes by itself every 30 s and when the window regains focus. */
export const REFRESH_MS = 30_000;

const NO_RETRY = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_REQUEST']);

/** Retries transient failures twice; never what will fail the same way again. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  const code = errorCode(error);
  return failureCount < 2 && (code === null || !NO_RETRY.has(code));
}

/**
 * The one QueryClient factory: the browser's (trpc/react.tsx) and each server
 * render's (trpc/server.ts). The staleTime keeps what a server component
 * prefetched from being fetched again as soon as the page hydrates.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchInterval: REFRESH_MS,
        refetchOnWindowFocus: true,
        // A server prefetch runs once and is not retried (fetchQuery's own default): the browser retries what failed.
        retry: isServer ? false : shouldRetry,
      },
    },
  });
}

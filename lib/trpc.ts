import { createTRPCReact } from '@trpc/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/trpc/routers/_app';

/** The typed tRPC hooks of the pages (the router's types only; no server code reaches the browser). */
export const trpc = createTRPCReact<AppRouter>();

export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** The tRPC error code of a failed query, e.g. 'FORBIDDEN', or null. */
export function errorCode(error: unknown): string | null {
  const data = (error as { data?: { code?: unknown } } | null)?.data;
  return typeof data?.code === 'string' ? data.code : null;
}

const NO_RETRY = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_REQUEST']);

/** Retries transient failures twice; never what will fail the same way again. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  const code = errorCode(error);
  return failureCount < 2 && (code === null || !NO_RETRY.has(code));
}

import { TRPCError } from '@trpc/server';
import { retryAfterOf } from '../auth/rate-limit';

/** The seconds a client is asked to wait (`Retry-After`) after SERVICE_UNAVAILABLE, over REST and tRPC alike. */
export const SERVICE_UNAVAILABLE_RETRY_SECONDS = 2;

/**
 * The one answer to a database out of reach (refused, restarting, too many
 * connections, pool timeout): SERVICE_UNAVAILABLE, which REST sends as 503
 * with Retry-After. Used wherever such a failure can surface.
 */
export function databaseUnavailable(cause: unknown): TRPCError {
  return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'The database cannot be reached; try again shortly', cause });
}

/**
 * The `Retry-After` seconds an error calls for, if any: a rate-limit refusal's
 * own wait (1 s when it names none), the fixed wait of an outage. The REST
 * adapter and the tRPC route both send it.
 */
export function retryAfterFor(error: TRPCError): number | undefined {
  if (error.code === 'TOO_MANY_REQUESTS') return retryAfterOf(error) ?? 1;
  if (error.code === 'SERVICE_UNAVAILABLE') return SERVICE_UNAVAILABLE_RETRY_SECONDS;
  return undefined;
}

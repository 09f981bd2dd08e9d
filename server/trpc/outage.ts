import { TRPCError } from '@trpc/server';

/**
 * The one answer to a database out of reach (refused, restarting, too many
 * connections, pool timeout): SERVICE_UNAVAILABLE, which REST sends as 503
 * with Retry-After. Used wherever such a failure can surface.
 */
export function databaseUnavailable(cause: unknown): TRPCError {
  return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'The database cannot be reached; try again shortly', cause });
}

import { TRPCError } from '@trpc/server';
import { RangeInputError, type RangeQuery, type ResolvedRange, resolveRange } from '../../lib/range';

/** BAD_REQUEST naming the field for a RangeInputError; anything else as it is. */
export function rangeError(error: unknown): unknown {
  return error instanceof RangeInputError ? new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error }) : error;
}

/**
 * The range a procedure's input names (CONTRACT §8 "Ranges"), its defaults
 * applied at the context's "now"; a broken rule is BAD_REQUEST naming the
 * field. `series` says whether `interval` applies.
 */
export function rangeOf(query: RangeQuery, now: Date, series = true): ResolvedRange {
  try {
    return resolveRange(query, now, series);
  } catch (error) {
    throw rangeError(error);
  }
}

import { TRPCError } from '@trpc/server';
import { expect } from 'vitest';

// The one place tests read a tRPC error's code: as a value (outcomeCode, for tables
// of expected outcomes) or as an assertion (expectCode).

/** The tRPC error code a call ends with, or 'OK'; for tables of expected outcomes. */
export async function outcomeCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return error instanceof TRPCError ? error.code : `not a TRPCError: ${String(error)}`;
  }
}

/** The TRPCError a promise rejects with (fails the test when it resolves or throws something else). */
export async function trpcErrorOf(promise: Promise<unknown>): Promise<TRPCError> {
  const outcome = await promise.then(
    () => new Error('expected a TRPCError, but the call succeeded'),
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(TRPCError);
  return outcome as TRPCError;
}

/** Asserts that a call fails with `code` and returns the error. */
export async function expectCode(promise: Promise<unknown>, code: TRPCError['code']): Promise<TRPCError> {
  const error = await trpcErrorOf(promise);
  expect(error.code, error.message).toBe(code);
  return error;
}

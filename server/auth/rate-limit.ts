import { TRPCError } from '@trpc/server';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import { env } from '../env';
import { budgetStoreOf } from './budget-store';
import { hashSessionId } from './sessions';

/** TOO_MANY_REQUESTS that knows when to come back: the HTTP layers turn it into `Retry-After`. */
export class TooManyRequestsError extends TRPCError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super({ code: 'TOO_MANY_REQUESTS', message });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The `Retry-After` seconds an error calls for, if it is a rate-limit refusal. */
export function retryAfterOf(error: unknown): number | undefined {
  return error instanceof TooManyRequestsError ? error.retryAfterSeconds : undefined;
}

/** Whole seconds from `now` until `resetAt`, at least 1. */
export function secondsUntil(resetAt: Date, now: Date): number {
  return Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000));
}

export interface Budget {
  allowed: boolean;
  /** Seconds until the window starts again (for `Retry-After` when refused). */
  retryAfterSeconds: number;
  limit: number;
  remaining: number;
}

const BUDGET_WINDOW_MS = 60_000;

/** Requests per minute per API token: TOKEN_RATE_LIMIT, default 6000; 0 turns the limit off. */
export function tokenRateLimit(): number {
  return env().TOKEN_RATE_LIMIT;
}

/** Requests per minute per signed-in session: SESSION_RATE_LIMIT, by default the token limit; 0 turns the limit off. */
export function sessionRateLimit(): number {
  return env().SESSION_RATE_LIMIT;
}

/**
 * Spends one request on `key` in a fixed one-minute window, counted in memory
 * and shared by every server process through rate_limits (./budget-store.ts):
 * no statement on the request's path but the first of a key in each window.
 */
async function consumeBudget(db: Kysely<DB>, key: string, now: Date, limit: number): Promise<Budget> {
  if (limit === 0) return { allowed: true, retryAfterSeconds: 0, limit, remaining: 0 };
  const window = await budgetStoreOf(db, BUDGET_WINDOW_MS).hit(key, now);
  return {
    allowed: window.hits <= limit,
    retryAfterSeconds: secondsUntil(window.resetAt, now),
    limit,
    remaining: Math.max(0, limit - window.hits),
  };
}

/**
 * Spends one request of an API token's budget. For the budget middleware
 * (server/trpc/init.ts): when `allowed` is false, the call is refused with
 * `Retry-After: retryAfterSeconds`.
 */
export function consumeTokenBudget(
  db: Kysely<DB>,
  tokenId: string,
  now: Date = new Date(),
  limit: number = tokenRateLimit(),
): Promise<Budget> {
  return consumeBudget(db, `token:${tokenId}`, now, limit);
}

/** Spends one request of a signed-in session's budget; the key holds the session id's hash, never the id. */
export function consumeSessionBudget(
  db: Kysely<DB>,
  sessionId: string,
  now: Date = new Date(),
  limit: number = sessionRateLimit(),
): Promise<Budget> {
  return consumeBudget(db, `session:${hashSessionId(sessionId)}`, now, limit);
}

import { TRPCError } from '@trpc/server';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import { hitWindow } from '../queries/rate-limits';

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

const TOKEN_WINDOW_MS = 60_000;

/** Requests per minute per API token: TOKEN_RATE_LIMIT, default 6000; 0 turns the limit off. */
export function tokenRateLimit(value = process.env.TOKEN_RATE_LIMIT): number {
  if (value === undefined || value === '') return 6000;
  if (/^\d+$/.test(value)) return Number(value);
  throw new Error('Invalid environment variable TOKEN_RATE_LIMIT: must be a whole number of requests per minute (0 = off)');
}

/**
 * Spends one request of an API token's budget (a fixed one-minute window in
 * PostgreSQL, shared by every server process). For the REST adapter: when
 * `allowed` is false, answer 429 with `Retry-After: retryAfterSeconds`.
 */
export async function consumeTokenBudget(
  db: Kysely<DB>,
  tokenId: string,
  now: Date = new Date(),
  limit: number = tokenRateLimit(),
): Promise<Budget> {
  if (limit === 0) return { allowed: true, retryAfterSeconds: 0, limit, remaining: 0 };
  const window = await hitWindow(db, `token:${tokenId}`, now, TOKEN_WINDOW_MS);
  return {
    allowed: window.hits <= limit,
    retryAfterSeconds: secondsUntil(window.resetAt, now),
    limit,
    remaining: Math.max(0, limit - window.hits),
  };
}

import { createHash } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types';
import { claimIdempotencyKey } from '../../queries/idempotency';
import { type InvocationRow, type ViewEventRow, findMissingUsers, insertInvocations, insertViewEvents } from '../../queries/ingest';
import {
  FUTURE_SKEW_MS,
  IDEMPOTENCY_TTL_MS,
  IngestInvocationsInput,
  IngestResult,
  IngestViewsInput,
  MAX_BATCH_ITEMS,
} from '../../schemas/ingest';
import type { Context } from '../context';
import { appWriteProcedure, router } from '../init';

const ACCEPTED = 202;

/** A batch made ready to store: its rows, and where each holds its time and its user id. */
interface Batch<R> {
  kind: 'views' | 'invocations';
  /** True when the body was one object, not an array: messages then name the field alone. */
  single: boolean;
  rows: R[];
  time: { field: string; of(row: R): string | null };
  user: { field: string; of(row: R): string | null };
  insert(db: Kysely<DB>, appId: string, rows: R[]): Promise<number>;
}

const label = (single: boolean, index: number, field: string) => (single ? field : `[${index}].${field}`);
const badRequest = (message: string) => new TRPCError({ code: 'BAD_REQUEST', message });

/** Refuses a batch with more items than allowed before its items are parsed one by one. */
const batchLimit = appWriteProcedure.use(async ({ getRawInput, next }) => {
  const raw = (await getRawInput()) as { events?: unknown } | undefined;
  if (Array.isArray(raw?.events) && raw.events.length > MAX_BATCH_ITEMS) {
    throw new TRPCError({
      code: 'PAYLOAD_TOO_LARGE',
      message: `A batch holds at most ${MAX_BATCH_ITEMS} items; this one has ${raw.events.length}`,
    });
  }
  return next();
});

/**
 * Stores a batch whole or not at all: in one transaction, the idempotency key
 * is claimed first, the user ids are checked (and locked) next, then one
 * INSERT stores every row. A replay answers the stored answer; a key reused
 * with another body is CONFLICT.
 */
async function ingest<R>(
  ctx: Context & { app: { id: string } },
  batch: Batch<R>,
  idempotencyKey: string | undefined,
): Promise<IngestResult> {
  const now = ctx.now();
  const latest = now.getTime() + FUTURE_SKEW_MS;
  const early = batch.rows.findIndex((row) => Date.parse(batch.time.of(row) ?? '') > latest);
  if (early >= 0) {
    throw badRequest(
      `${label(batch.single, early, batch.time.field)}: must not be more than ${FUTURE_SKEW_MS / 60000} minutes in the future`,
    );
  }
  const answer: IngestResult = { accepted: batch.rows.length };

  return ctx.db.transaction().execute(async (trx) => {
    if (idempotencyKey !== undefined) {
      const requestHash = createHash('sha256')
        .update(`${batch.kind}\n${JSON.stringify(batch.rows)}`)
        .digest('hex');
      const claim = await claimIdempotencyKey(trx, {
        appId: ctx.app.id,
        key: idempotencyKey,
        requestHash,
        status: ACCEPTED,
        response: answer,
        now,
        ttlMs: IDEMPOTENCY_TTL_MS,
      });
      if (claim.state === 'conflict') {
        throw new TRPCError({ code: 'CONFLICT', message: 'This Idempotency-Key was used with another request body in the last 24 hours' });
      }
      if (claim.state === 'replay') return IngestResult.parse(claim.response);
    }
    const missing = await findMissingUsers(
      trx,
      batch.rows.flatMap((row) => batch.user.of(row) ?? []),
    );
    if (missing.size > 0) {
      const index = batch.rows.findIndex((row) => missing.has(batch.user.of(row) ?? ''));
      throw badRequest(`${label(batch.single, index, batch.user.field)}: no such user`);
    }
    await batch.insert(trx, ctx.app.id, batch.rows);
    return answer;
  });
}

const many = <T>(events: T | T[]): { single: boolean; items: T[] } =>
  Array.isArray(events) ? { single: false, items: events } : { single: true, items: [events] };

/** Ingestion for services that cannot write to the database themselves (CONTRACT §6); needs write. */
export const ingestRouter = router({
  /** POST /views: stores one view event or a batch of up to 1000; returns how many were accepted. */
  views: batchLimit
    .input(IngestViewsInput)
    .output(IngestResult)
    .mutation(({ ctx, input }) => {
      const { single, items } = many(input.events);
      const rows: ViewEventRow[] = items.map((e) => ({
        viewerId: e.viewerId ?? null,
        viewedAt: e.viewedAt ?? null,
      }));
      const time = { field: 'viewedAt', of: (row: ViewEventRow) => row.viewedAt };
      const user = { field: 'viewerId', of: (row: ViewEventRow) => row.viewerId };
      return ingest(ctx, { kind: 'views', single, rows, time, user, insert: insertViewEvents }, input.idempotencyKey);
    }),

  /** POST /invocations: stores one route invocation or a batch of up to 1000; returns how many were accepted. */
  invocations: batchLimit
    .input(IngestInvocationsInput)
    .output(IngestResult)
    .mutation(({ ctx, input }) => {
      const { single, items } = many(input.events);
      const rows: InvocationRow[] = items.map((e) => ({
        method: e.method,
        path: e.path,
        userId: e.userId ?? null,
        startedAt: e.startedAt,
        durationMs: e.durationMs,
        statusCode: e.statusCode,
        memoryPeakBytes: e.memoryPeakBytes ?? null,
        error: e.error ?? null,
      }));
      const time = { field: 'startedAt', of: (row: InvocationRow) => row.startedAt };
      const user = { field: 'userId', of: (row: InvocationRow) => row.userId };
      return ingest(ctx, { kind: 'invocations', single, rows, time, user, insert: insertInvocations }, input.idempotencyKey);
    }),
});

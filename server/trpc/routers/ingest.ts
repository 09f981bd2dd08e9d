import { createHash } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types';
import type { KeyClaim } from '../../queries/idempotency';
import { type IngestOutcome, type InvocationRow, type ViewEventRow, storeInvocations, storeViewEvents } from '../../queries/ingest';
import {
  FUTURE_SKEW_MS,
  IDEMPOTENCY_TTL_MS,
  IngestResult,
  MAX_BATCH_ITEMS,
  parseIngestInvocationsInput,
  parseIngestViewsInput,
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
  userField: string;
  store(db: Kysely<DB>, appId: string, rows: R[], claim?: KeyClaim): Promise<IngestOutcome>;
}

const label = (single: boolean, index: number, field: string) => (single ? field : `[${index}].${field}`);
const badRequest = (message: string) => new TRPCError({ code: 'BAD_REQUEST', message });

/** Refuses a batch with more items than allowed before its items are parsed. */
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
 * Stores a batch whole or not at all, in one statement that checks (and locks)
 * the user ids, claims the idempotency key and inserts every row
 * (queries/ingest.ts). A replay answers the stored answer; a key reused with
 * another body is CONFLICT; the first row naming no user is BAD_REQUEST.
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
  const claim: KeyClaim | undefined =
    idempotencyKey === undefined
      ? undefined
      : {
          appId: ctx.app.id,
          key: idempotencyKey,
          requestHash: createHash('sha256')
            .update(`${batch.kind}\n${JSON.stringify(batch.rows)}`)
            .digest('hex'),
          status: ACCEPTED,
          response: answer,
          now,
          ttlMs: IDEMPOTENCY_TTL_MS,
        };
  const outcome = await batch.store(ctx.db, ctx.app.id, batch.rows, claim);
  switch (outcome.state) {
    case 'stored':
      return answer;
    case 'replay':
      return IngestResult.parse(outcome.response);
    case 'conflict':
      throw new TRPCError({ code: 'CONFLICT', message: 'This Idempotency-Key was used with another request body in the last 24 hours' });
    case 'missing-user':
      throw badRequest(`${label(batch.single, outcome.index, batch.userField)}: no such user`);
  }
}

const many = <T>(events: T | T[]): { single: boolean; items: T[] } =>
  Array.isArray(events) ? { single: false, items: events } : { single: true, items: [events] };

/** Ingestion for services that cannot write to the database themselves (CONTRACT §6); needs write. */
export const ingestRouter = router({
  /** POST /views: stores one view event or a batch of up to 1000; returns how many were accepted. */
  views: batchLimit
    .input(parseIngestViewsInput)
    .output(IngestResult)
    .mutation(({ ctx, input }) => {
      const { single, items } = many(input.events);
      const rows: ViewEventRow[] = items.map((e) => ({
        viewerId: e.viewerId ?? null,
        viewedAt: e.viewedAt ?? null,
      }));
      const time = { field: 'viewedAt', of: (row: ViewEventRow) => row.viewedAt };
      return ingest(ctx, { kind: 'views', single, rows, time, userField: 'viewerId', store: storeViewEvents }, input.idempotencyKey);
    }),

  /** POST /invocations: stores one route invocation or a batch of up to 1000; returns how many were accepted. */
  invocations: batchLimit
    .input(parseIngestInvocationsInput)
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
      return ingest(ctx, { kind: 'invocations', single, rows, time, userField: 'userId', store: storeInvocations }, input.idempotencyKey);
    }),
});

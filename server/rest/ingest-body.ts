import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { type BatchSchemas, IdempotencyKey, INGEST_MAX_BODY_BYTES, MAX_BATCH_ITEMS } from '../schemas/ingest';
import { parseJsonBody, readBodyText } from './body';
import { describeIssues } from './errors';

// The bodies of the ingestion paths (issue 6): one object or an array of them.
// Read here rather than by the adapter's `body` option so that an array over
// the item limit is 413 before its items are looked at, and so that a bad
// item is named by its index alone (`[17].durationMs: …`), not through a union.

const MAX_REPORTED_ISSUES = 5;

/** The `Idempotency-Key` header, if sent; BAD_REQUEST when it is not 1–255 visible ASCII characters. */
export function idempotencyKeyOf(headers: Headers): string | undefined {
  const value = headers.get('idempotency-key');
  if (value === null) return undefined;
  const parsed = IdempotencyKey.safeParse(value);
  if (!parsed.success) throw new TRPCError({ code: 'BAD_REQUEST', message: 'Idempotency-Key: expected 1-255 visible ASCII characters' });
  return parsed.data;
}

/**
 * Reads one item or an array of up to MAX_BATCH_ITEMS items, checked with
 * `schemas` (compiled: server/schemas/ingest.ts). Over INGEST_MAX_BODY_BYTES or
 * over the item limit: PAYLOAD_TOO_LARGE; anything malformed: BAD_REQUEST
 * naming index and field.
 */
export async function readBatch<T extends z.ZodType>(
  request: Request,
  schemas: BatchSchemas<T>,
): Promise<z.output<T> | Array<z.output<T>>> {
  const value: unknown = parseJsonBody(await readBodyText(request, INGEST_MAX_BODY_BYTES), z.unknown(), undefined);
  if (Array.isArray(value) && value.length > MAX_BATCH_ITEMS) {
    throw new TRPCError({
      code: 'PAYLOAD_TOO_LARGE',
      message: `A batch holds at most ${MAX_BATCH_ITEMS} items; this one has ${value.length}`,
    });
  }
  const parsed = Array.isArray(value) ? schemas.many.safeParse(value) : schemas.one.safeParse(value);
  if (!parsed.success) {
    const { issues } = parsed.error;
    const more = issues.length > MAX_REPORTED_ISSUES ? `; and ${issues.length - MAX_REPORTED_ISSUES} more` : '';
    throw new TRPCError({ code: 'BAD_REQUEST', message: describeIssues(issues.slice(0, MAX_REPORTED_ISSUES)) + more });
  }
  return parsed.data;
}

import { z } from 'zod';
import { hasControlCharacters } from '@/lib/text';

// Ingestion (CONTRACT §6): the bodies of POST /api/apps/{id}/views and
// …/invocations, shared by the tRPC procedures, the REST routes and the
// OpenAPI document. Messages say what was expected; the REST layer prefixes
// the field, e.g. `[17].durationMs: expected integer >= 0`.

/** Items per batch; a longer array is refused with 413. */
export const MAX_BATCH_ITEMS = 1000;
/** Body limit of the ingestion paths in bytes (1 MiB); over it: 413. */
export const INGEST_MAX_BODY_BYTES = 1024 * 1024;
/** How far a timestamp may lie in the future (clock skew between services). */
export const FUTURE_SKEW_MS = 5 * 60 * 1000;
/** How long an Idempotency-Key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

const INT4_MAX = 2_147_483_647;
const MIN_TIME = Date.UTC(1970, 0, 1);
const ERROR_MAX_CHARS = 8192;

/** A custom message for every failure, and `required` when the field is missing. */
const say = (message: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : message) });

/** An integer in [min, max]; `below` and `above` say what was expected when it is not. */
function integer(min: number, max: number, below: string, above = below) {
  return z.number(say(below)).int(say(below)).min(min, say(below)).max(max, say(above));
}

const TIMESTAMP = 'expected an ISO 8601 timestamp with a time zone, e.g. 2024-02-23T14:30:00.000Z';
const Timestamp = z.iso
  .datetime({ offset: true, ...say(TIMESTAMP) })
  .refine((value) => Date.parse(value) >= MIN_TIME, { error: 'expected a time in 1970 or later' })
  .describe(`ISO 8601 with a time zone; at most ${FUTURE_SKEW_MS / 60000} minutes in the future`);

const UserId = z.uuid(say('expected a user id (UUID) or null')).nullable().optional().describe("A user's id; null or absent for anonymous");

/** One view event; both fields optional (`viewedAt` defaults to the time of storing). */
export const ViewEventInput = z.strictObject(
  {
    viewerId: UserId,
    viewedAt: Timestamp.optional(),
  },
  say('expected a JSON object'),
);
export type ViewEventInput = z.output<typeof ViewEventInput>;

const METHOD = 'expected an HTTP method of 1-16 uppercase letters, e.g. GET';
const PATH = 'expected a path of 1-2048 characters starting with /, without control characters';

/** One route invocation, as the runtime measured it. */
export const InvocationInput = z.strictObject(
  {
    method: z.string(say(METHOD)).regex(/^[A-Z][A-Z0-9_-]{0,15}$/, say(METHOD)),
    path: z
      .string(say(PATH))
      .max(2048, say(PATH))
      .startsWith('/', say(PATH))
      .refine((path) => !hasControlCharacters(path), say(PATH)),
    userId: UserId,
    startedAt: Timestamp,
    durationMs: integer(0, INT4_MAX, 'expected integer >= 0', `expected integer <= ${INT4_MAX}`),
    statusCode: integer(100, 599, 'expected integer from 100 to 599'),
    memoryPeakBytes: integer(0, Number.MAX_SAFE_INTEGER, 'expected integer >= 0', `expected integer <= ${Number.MAX_SAFE_INTEGER}`)
      .nullable()
      .optional(),
    error: z
      .string(say('expected a string or null'))
      .max(ERROR_MAX_CHARS, say(`expected at most ${ERROR_MAX_CHARS} characters`))
      .refine((value) => !value.includes('\u0000'), { error: 'expected no NUL characters' })
      .nullable()
      .optional()
      .describe('The error message when the invocation failed; null or absent otherwise'),
  },
  say('expected a JSON object'),
);
export type InvocationInput = z.output<typeof InvocationInput>;

/** A request body: one item, or an array of up to MAX_BATCH_ITEMS. */
function batchOf<T extends z.ZodType>(item: T) {
  return z.union([item, z.array(item).max(MAX_BATCH_ITEMS)]);
}

export const ViewsBody = batchOf(ViewEventInput);
export const InvocationsBody = batchOf(InvocationInput);

/** The `Idempotency-Key` header: 1–255 visible ASCII characters. */
export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, { error: 'expected 1-255 visible ASCII characters' })
  .describe(
    'Makes a retried request count once: the same key and body within 24 hours answers the first answer again; the same key with another body is 409',
  );

/** The input of `ingest.views` besides `appId`. */
export const IngestViewsInput = z.object({ events: ViewsBody, idempotencyKey: IdempotencyKey.optional() });
/** The input of `ingest.invocations` besides `appId`. */
export const IngestInvocationsInput = z.object({ events: InvocationsBody, idempotencyKey: IdempotencyKey.optional() });

// Speed (issue 13): a batch of 1000 items takes zod's runtime about 5 ms, and
// tRPC's `parseAsync` about 11; compiled once with z.compile and run
// synchronously it takes about 1 ms. A hand-written loop over the same checks
// measured no faster (the timestamp pattern dominates). Input the compiled
// path refuses is parsed again by zod's runtime, so every failure is the very
// ZodError, issue for issue, that the schema itself gives
// (test/routers/ingest-validation.test.ts holds the two side by side).

/**
 * A parser for tRPC's `.input()`: `schema` compiled with z.compile, called
 * synchronously. tRPC calls a zod schema's `parseAsync`, which skips the
 * compiled path; a plain function it calls as it is.
 */
function compiledParser<S extends z.ZodType>(schema: S): (input: unknown) => z.output<S> {
  const compiled = z.compile(schema);
  return (input) => compiled.parse(input);
}

/** The input parser of `ingest.views`: IngestViewsInput, compiled. */
export const parseIngestViewsInput = compiledParser(IngestViewsInput);
/** The input parser of `ingest.invocations`: IngestInvocationsInput, compiled. */
export const parseIngestInvocationsInput = compiledParser(IngestInvocationsInput);

/** How REST reads a body: one item, or an array of them, so that messages name `[17].durationMs`, not a union. */
export interface BatchSchemas<T extends z.ZodType> {
  one: T;
  many: z.ZodArray<T>;
}

const batchSchemas = <T extends z.ZodType>(item: T): BatchSchemas<T> => ({ one: z.compile(item), many: z.compile(z.array(item)) });

/** The body of POST /views, item and array compiled. */
export const ViewsBatch = batchSchemas(ViewEventInput);
/** The body of POST /invocations, item and array compiled. */
export const InvocationsBatch = batchSchemas(InvocationInput);

/** The answer of both ingestion paths (202). */
export const IngestResult = z.object({ accepted: z.number().int().min(0) });
export type IngestResult = z.infer<typeof IngestResult>;

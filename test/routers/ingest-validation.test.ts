import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hasControlCharacters } from '../../lib/text';
import {
  IngestInvocationsInput,
  IngestViewsInput,
  InvocationInput,
  InvocationsBatch,
  ViewEventInput,
  ViewsBatch,
  parseIngestInvocationsInput,
  parseIngestViewsInput,
} from '../../server/schemas/ingest';

// The ingestion bodies are checked by schemas compiled with z.compile
// (server/schemas/ingest.ts). Whatever the input, a compiled schema must
// answer exactly as zod's runtime does with the schema it was compiled from:
// the same value on success, the same issues (paths, codes, messages) on failure.

const NOW = Date.UTC(2024, 2, 10, 12);
const USER = '7b7d1a52-0a5e-4b1e-9d0e-0a0b0c0d0e0f';

/** Values that sit on or just past the edges the schemas draw, and of every JSON type. */
const edgy = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    undefined,
    true,
    0,
    -0,
    -1,
    1.5,
    99,
    100,
    599,
    600,
    2_147_483_647,
    2_147_483_648,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '',
    '/',
    'GET',
    'get',
    'A'.repeat(17),
    '/a\u0007b',
    `/${'p'.repeat(2047)}`,
    `/${'p'.repeat(2048)}`,
    'nul \u0000 inside',
    'e'.repeat(8192),
    'e'.repeat(8193),
    USER,
    USER.toUpperCase(),
    '00000000-0000-0000-0000-000000000000',
    '7b7d1a52-0a5e-9b1e-9d0e-0a0b0c0d0e0f',
    '2024-02-23T14:30:00.000Z',
    '2024-02-23T14:30:00+05:30',
    '2024-02-23T14:30:00',
    '2024-02-30T14:30:00Z',
    '1969-12-31T23:59:59.999Z',
    '1970-01-01T00:00:00Z',
    '2024-02-23T14:30Z',
    [],
    {},
  ),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);

const validInvocation = fc.record(
  {
    method: fc.constantFrom('GET', 'POST', 'PATCH', 'X_1-2'),
    path: fc.string({ maxLength: 30 }).map((s) => `/${[...s].filter((c) => !hasControlCharacters(c)).join('')}`),
    userId: fc.constantFrom(USER, null),
    startedAt: fc.integer({ min: 0, max: NOW }).map((t) => new Date(t).toISOString()),
    durationMs: fc.integer({ min: 0, max: 2_147_483_647 }),
    statusCode: fc.integer({ min: 100, max: 599 }),
    memoryPeakBytes: fc.option(fc.maxSafeNat()),
    error: fc.option(fc.string({ maxLength: 40 }).map((s) => s.replaceAll('\u0000', ''))),
  },
  { requiredKeys: ['method', 'path', 'startedAt', 'durationMs', 'statusCode'] },
);
const validView = fc.record(
  {
    viewerId: fc.constantFrom(USER, USER.toUpperCase(), null),
    viewedAt: fc.integer({ min: 0, max: NOW }).map((t) => new Date(t).toISOString()),
  },
  { requiredKeys: [] },
);

/** An item, valid or spoilt: a field changed to an edgy value, a field dropped, a field added, or not an object at all. */
function spoilt<T extends Record<string, unknown>>(valid: fc.Arbitrary<T>, fields: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 4, arbitrary: fc.tuple(valid, fc.constantFrom(...fields), edgy).map(([item, key, value]) => ({ ...item, [key]: value })) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom(...fields)).map(([item, key]) => ({ ...item, [key]: undefined })) },
    { weight: 1, arbitrary: valid.map((item) => ({ ...item, extra: 1 })) },
    { weight: 1, arbitrary: edgy },
  );
}

const invocationItem = spoilt(validInvocation, Object.keys(InvocationInput.shape));
const viewItem = spoilt(validView, Object.keys(ViewEventInput.shape));
const body = (item: fc.Arbitrary<unknown>) => fc.oneof(item, fc.array(item, { maxLength: 8 }));

/** The outcome of a parse as data: the value, or the issues. */
function outcome(result: { success: true; data: unknown } | { success: false; error: z.ZodError }) {
  return result.success ? { value: result.data } : { issues: result.error.issues };
}

/** What a procedure's input parser does: the value it returns, or the issues of the ZodError it throws. */
function thrown(parse: (input: unknown) => unknown, input: unknown) {
  try {
    return { value: parse(input) };
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
    return { issues: error.issues };
  }
}

const runs = { numRuns: 400 };

describe('compiled ingestion schemas', () => {
  it('compile with every check in the generated code, none left to the runtime', () => {
    for (const schema of [IngestViewsInput, IngestInvocationsInput, z.array(ViewEventInput), z.array(InvocationInput)]) {
      expect(() => z.compile(schema, { strict: true })).not.toThrow();
    }
  });

  it('REST bodies: the same value or the same issues as zod at run time', () => {
    for (const [batch, item, arbitrary] of [
      [ViewsBatch, ViewEventInput, viewItem],
      [InvocationsBatch, InvocationInput, invocationItem],
    ] as const) {
      fc.assert(
        fc.property(body(arbitrary), (value) => {
          const [compiled, runtime] = Array.isArray(value) ? [batch.many, z.array(item)] : [batch.one, item];
          expect(outcome(compiled.safeParse(value))).toEqual(outcome(runtime.safeParse(value)));
        }),
        runs,
      );
    }
  });

  it('procedure inputs: the same value, or the very ZodError tRPC gets from zod at run time', () => {
    for (const [parse, schema, arbitrary] of [
      [parseIngestViewsInput, IngestViewsInput, viewItem],
      [parseIngestInvocationsInput, IngestInvocationsInput, invocationItem],
    ] as const) {
      const input = fc.record({
        appId: fc.constant('app'),
        events: body(arbitrary),
        idempotencyKey: fc.option(fc.constantFrom('k-1', '', 'x y')),
      });
      fc.assert(
        fc.property(input, (value) => {
          expect(thrown(parse, value)).toEqual(thrown((v) => schema.parse(v), value));
        }),
        runs,
      );
    }
  });

  it('accepts what they should: 1000 valid items', () => {
    const items = fc.sample(validInvocation, 1000);
    expect(InvocationsBatch.many.safeParse(items).success).toBe(true);
    expect(parseIngestInvocationsInput({ appId: 'app', events: items }).events).toEqual(items);
  });
});

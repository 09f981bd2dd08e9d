import { TRPCError } from '@trpc/server';
import type { z } from 'zod';
import { describeIssues } from './errors';

/** Request bodies larger than this are refused with 413 unless a route says otherwise. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

function tooLarge(maxBytes: number): TRPCError {
  return new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `The request body is over the limit of ${maxBytes} bytes` });
}

/**
 * Reads the body counting the bytes that actually arrive, and stops with
 * PAYLOAD_TOO_LARGE past `maxBytes` whatever Content-Length claims (a claim
 * over the limit is refused before reading anything). The REST adapter and
 * the tRPC route both read their bodies through it.
 */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Buffer<ArrayBuffer>> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The body as UTF-8 text, read with readBodyBytes; bytes that are not UTF-8 are BAD_REQUEST. */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const bytes = await readBodyBytes(request, maxBytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'body: not valid UTF-8' });
  }
}

/**
 * Parses a JSON body with `schema`. An empty body stands for `empty` when the
 * route allows one; broken JSON and schema failures are BAD_REQUEST naming the field.
 */
export function parseJsonBody<S extends z.ZodType>(text: string, schema: S, empty: { value: unknown } | undefined): z.output<S> {
  let value: unknown;
  if (text.trim() === '') {
    if (!empty) throw new TRPCError({ code: 'BAD_REQUEST', message: 'body: required' });
    value = empty.value;
  } else {
    try {
      value = JSON.parse(text);
    } catch {
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'body: not valid JSON' });
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new TRPCError({ code: 'BAD_REQUEST', message: describeIssues(parsed.error.issues) });
  return parsed.data;
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { authSecret } from '../auth/secret';
import { CursorPayload } from '../schemas/workspace';

// The sorted grid's cursor: its payload as base64url JSON, then an HMAC of it
// under the service's secret. A cursor the service did not issue, or one
// issued for another app, table or sort, is BAD_REQUEST naming `cursor`
// before any SQL sees its keys.

const REFUSED = 'cursor: is not a cursor this service issued for this table and sort';

function mac(body: string): Buffer {
  return createHmac('sha256', authSecret()).update(`appstats sorted rows\0${body}`).digest();
}

/** A signed cursor for `payload`. */
export function encodeSortCursor(payload: CursorPayload): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${mac(body).toString('base64url')}`;
}

/** The keys of a cursor issued for exactly this app, table and sort; BAD_REQUEST for anything else. */
export function decodeSortCursor(cursor: string, expected: Omit<CursorPayload, 'k'>): Array<string | null> {
  const [body, signature, ...rest] = cursor.split('.');
  const given = Buffer.from(signature ?? '', 'base64url');
  const wanted = body ? mac(body) : Buffer.alloc(0);
  if (!body || rest.length > 0 || given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: REFUSED });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new TRPCError({ code: 'BAD_REQUEST', message: REFUSED });
  }
  const payload = CursorPayload.safeParse(parsed);
  const fits =
    payload.success &&
    payload.data.a === expected.a &&
    payload.data.t === expected.t &&
    payload.data.c === expected.c &&
    payload.data.d === expected.d;
  if (!payload.success || !fits) throw new TRPCError({ code: 'BAD_REQUEST', message: REFUSED });
  return payload.data.k;
}

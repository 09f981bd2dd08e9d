import { TRPCError } from '@trpc/server';
import { signPayload, verifiedPayload } from './signed-payload';
import { CursorPayload } from '../schemas/workspace';

// The sorted grid's cursor: its payload as base64url JSON, then an HMAC of it
// under the service's secret. A cursor the service did not issue, or one
// issued for another app, table or sort, is BAD_REQUEST naming `cursor`
// before any SQL sees its keys.

const REFUSED = 'cursor: is not a cursor this service issued for this table and sort';

const PURPOSE = 'appstats sorted rows';

/** A signed cursor for `payload`. */
export function encodeSortCursor(payload: CursorPayload): string {
  return signPayload(PURPOSE, payload);
}

/** The keys of a cursor issued for exactly this app, table and sort; BAD_REQUEST for anything else. */
export function decodeSortCursor(cursor: string, expected: Omit<CursorPayload, 'k'>): Array<string | null> {
  const parsed = verifiedPayload(PURPOSE, cursor);
  if (parsed === undefined) throw new TRPCError({ code: 'BAD_REQUEST', message: REFUSED });
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

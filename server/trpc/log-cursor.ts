import { TRPCError } from '@trpc/server';
import type { LogPosition } from '../queries/activity/log';
import { LogCursorPayload } from '../schemas/activity';
import { signPayload, verifiedPayload } from './signed-payload';

// The log's cursor (CONTRACT §8 `/stats/invocations`): its payload as
// base64url JSON, then an HMAC of it under a key derived from AUTH_SECRET for
// this purpose alone. It binds the app, the filters as sent (range fields
// included) and the range they resolved to on page 1, so a later page reads
// the same days even after midnight. A cursor the service did not issue, or
// used with other filters, is BAD_REQUEST naming `cursor` before SQL sees it.

const REFUSED = 'cursor: is not a cursor this service issued for these filters';

/** What a cursor is valid for: the app and its filters as the request sent them, in a fixed order. */
export interface LogCursorScope {
  appId: string;
  filters: Array<string | null>;
}

/** The days page 1 resolved to, and where the page ended. */
export interface LogCursorState {
  range: { from: string; to: string };
  position: LogPosition;
}

const PURPOSE = 'appstats invocation log';

/** The scope of a request: tz defaults to UTC; an absent filter is null. */
export function logCursorScope(
  appId: string,
  input: { tz?: string; from?: string; to?: string; status?: string; method?: string; route?: string; user?: string },
): LogCursorScope {
  const { tz, from, to, status, method, route, user } = input;
  return { appId, filters: [tz ?? 'UTC', from ?? null, to ?? null, status ?? null, method ?? null, route ?? null, user ?? null] };
}

/** A signed cursor continuing after `state.position`, valid only for `scope`. */
export function encodeLogCursor(scope: LogCursorScope, state: LogCursorState): string {
  const payload: LogCursorPayload = {
    a: scope.appId,
    q: scope.filters,
    r: [state.range.from, state.range.to],
    t: state.position.at,
    i: state.position.id,
  };
  return signPayload(PURPOSE, payload);
}

/** The state of a cursor issued for exactly this scope; BAD_REQUEST naming `cursor` for anything else. */
export function decodeLogCursor(cursor: string, scope: LogCursorScope): LogCursorState {
  const parsed = verifiedPayload(PURPOSE, cursor);
  if (parsed === undefined) throw new TRPCError({ code: 'BAD_REQUEST', message: REFUSED });
  const payload = LogCursorPayload.safeParse(parsed);
  const fits =
    payload.success &&
    payload.data.a === scope.appId &&
    payload.data.q.length === scope.filters.length &&
    payload.data.q.every((value, i) => value === scope.filters[i]);
  if (!payload.success || !fits) throw new TRPCError({ code: 'BAD_REQUEST', message: REFUSED });
  return { range: { from: payload.data.r[0], to: payload.data.r[1] }, position: { at: payload.data.t, id: payload.data.i } };
}

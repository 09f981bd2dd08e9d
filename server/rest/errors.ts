import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { isDatabaseUnavailable, isQueryTimeout } from '../db/unavailable';
import { logger } from '../log';
import { databaseUnavailable, retryAfterFor } from '../trpc/outage';

// Every REST error is `{"error":{"code","message"}}` with tRPC's code name and
// the status tRPC maps it to (CONTRACT §5). Unexpected failures say nothing
// about themselves: their cause goes to the service's log (server/log.ts).

const TOO_SLOW = 'The database took too long to answer; try again shortly';
const NOT_FOUND_APP = 'App not found';

/** A zod / Standard Schema issue, as far as messages need it. */
interface Issue {
  code?: string;
  message: string;
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
  keys?: string[];
}

/** `limit`, `[3].durationMs`, or `body` for the body as a whole. */
function fieldName(path: Issue['path'], extra?: string): string {
  const keys = [...(path ?? []).map((p) => (typeof p === 'object' ? p.key : p)), ...(extra === undefined ? [] : [extra])];
  const name = keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i > 0 ? '.' : ''}${String(k)}`)).join('');
  return name || 'body';
}

/** One line naming each offending field: `limit: must be an integer between 1 and 100; foo: unrecognized field`. */
export function describeIssues(issues: readonly Issue[]): string {
  return issues
    .flatMap((issue) =>
      issue.code === 'unrecognized_keys' && issue.keys
        ? issue.keys.map((key) => `${fieldName(issue.path, key)}: unrecognized field`)
        : [`${fieldName(issue.path)}: ${issue.message}`],
    )
    .join('; ');
}

function issuesOf(error: TRPCError): Issue[] | undefined {
  const issues = (error.cause as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) ? (issues as Issue[]) : undefined;
}

/** The TRPCError an error stands for: unreachable databases become SERVICE_UNAVAILABLE, anything unknown INTERNAL_SERVER_ERROR. */
export function toTRPCError(error: unknown): TRPCError {
  // What failed unexpectedly: a plain error, or the cause tRPC wrapped as INTERNAL_SERVER_ERROR.
  const unexpected = !(error instanceof TRPCError) ? error : error.code === 'INTERNAL_SERVER_ERROR' ? error.cause : undefined;
  if (isDatabaseUnavailable(unexpected)) return databaseUnavailable(unexpected);
  if (isQueryTimeout(unexpected)) return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: TOO_SLOW, cause: unexpected });
  if (!(error instanceof TRPCError))
    return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error', cause: error });
  const issues = error.code === 'BAD_REQUEST' ? issuesOf(error) : undefined;
  // An app id that fails its schema names no app: the same 404 as for an unknown app.
  if (issues?.some((issue) => fieldName(issue.path) === 'appId')) return new TRPCError({ code: 'NOT_FOUND', message: NOT_FOUND_APP });
  if (issues) return new TRPCError({ code: 'BAD_REQUEST', message: describeIssues(issues), cause: error.cause });
  return error;
}

function logFailure(request: Request, error: TRPCError, requestId: string | undefined): void {
  const log = logger.child({ requestId });
  const details = { method: request.method, path: new URL(request.url).pathname, code: error.code };
  const cause = error.cause ?? error;
  if (error.code === 'SERVICE_UNAVAILABLE') {
    // An outage is expected to pass: a warning without the stack, so it does not flood the log.
    const { name, message, code } = cause as { name?: string; message?: string; code?: unknown };
    log.warn({ ...details, err: { name, message, code } }, 'REST request failed');
  } else {
    log.error({ ...details, err: cause }, 'REST request failed');
  }
}

/** A JSON error response with extra headers. */
export function jsonError(status: number, code: string, message: string, headers: HeadersInit = {}): Response {
  const response = Response.json({ error: { code, message } }, { status, headers });
  response.headers.set('cache-control', 'no-store');
  return response;
}

/** The REST answer to any error thrown while handling `request`. */
export function errorResponse(request: Request, thrown: unknown, requestId?: string): Response {
  const error = toTRPCError(thrown);
  const status = getHTTPStatusCodeFromError(error);
  const headers = new Headers(requestId ? { 'x-request-id': requestId } : {});
  const retryAfter = retryAfterFor(error);
  if (retryAfter !== undefined) headers.set('retry-after', String(retryAfter));
  if (error.code === 'UNAUTHORIZED') headers.set('www-authenticate', 'Bearer realm="appstats"');
  // The rest of an oversized body is never read: the connection is not reused.
  if (error.code === 'PAYLOAD_TOO_LARGE') headers.set('connection', 'close');
  if (status >= 500) logFailure(request, error, requestId);
  const message = error.code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : error.message;
  return jsonError(status, error.code, message, headers);
}

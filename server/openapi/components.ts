import { z } from 'zod';
import { ErrorGroups, InvocationLog, LogFilterFields } from '../schemas/activity';
import { RouteList, RouteSort } from '../schemas/routes';
import { IdempotencyKey, IngestResult, InvocationInput, InvocationsBody, ViewEventInput, ViewsBody } from '../schemas/ingest';
import { LiveStatsEvent } from '../schemas/live';
import { PreviewRequestBody } from '../schemas/preview';
import { RangeFields, RangeInterval, RangeStats } from '../schemas/range';
import { ApiStats, PreviewResult, StatsOverview, WorkspaceTable } from '../schemas/stats';

// The reusable parts of the OpenAPI document, generated from the zod schemas
// the procedures and REST routes use (z.toJSONSchema, JSON Schema 2020-12,
// the dialect of OpenAPI 3.1). Request bodies are described as they may be
// sent (io: 'input': defaults make fields optional), responses as they are
// answered (io: 'output': no other fields).

export type Json = Record<string, unknown>;

/** The statuses every error response may have, with tRPC's code name and what it means here. */
export const ERRORS = {
  400: ['BAD_REQUEST', 'The request is malformed; the message names the field, e.g. `[17].durationMs: expected integer >= 0`'],
  401: ['UNAUTHORIZED', 'Credentials are missing, malformed, unknown, expired or revoked'],
  403: ['FORBIDDEN', 'The caller can read the app but this needs write (member, admin or owner)'],
  404: ['NOT_FOUND', 'No such app, or one the caller cannot read (the same answer)'],
  405: ['METHOD_NOT_SUPPORTED', 'The path exists, but not with this method (`Allow` lists the methods)'],
  409: ['CONFLICT', 'The Idempotency-Key was used in the last 24 hours with another body'],
  413: ['PAYLOAD_TOO_LARGE', 'The body is over the size limit, or the batch over 1000 items'],
  429: ['TOO_MANY_REQUESTS', 'Too many requests for this token; wait `Retry-After` seconds'],
  500: ['INTERNAL_SERVER_ERROR', 'Something failed unexpectedly; nothing about it is disclosed'],
  503: ['SERVICE_UNAVAILABLE', 'The database cannot be reached; retry after `Retry-After` seconds'],
} as const;
export type ErrorStatus = keyof typeof ERRORS;

/** The component name of an error status's schema and response. */
export const errorName = (status: ErrorStatus) => `Error${status}`;

/** The error shape of every REST path, with the code fixed for a status. */
function errorBody(code: string) {
  return z.object({ error: z.object({ code: z.literal(code), message: z.string() }) });
}

// The preview procedure adds this flag when `totalRows` is the planner's estimate (see routers/stats.ts).
const PreviewResponse = PreviewResult.extend({ totalRowsEstimated: z.literal(true).optional() });

function generate(io: 'input' | 'output', entries: Array<[string, z.ZodType]>): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of entries) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io, uri: (id) => `#/components/schemas/${id}` });
  // Each component is a part of the document, not a document of its own.
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema as Json]));
}

/** `components.schemas`: bodies, answers and one error shape per status. */
export function componentSchemas(): Record<string, Json> {
  return {
    ...generate('input', [
      ['ViewEvent', ViewEventInput],
      ['ViewsRequest', ViewsBody],
      ['Invocation', InvocationInput],
      ['InvocationsRequest', InvocationsBody],
      ['PreviewRequest', PreviewRequestBody],
    ]),
    ...generate('output', [
      // StatsOverview's transform only orders the keys: its input is the answer's shape.
      ['StatsOverview', StatsOverview.in],
      ['WorkspaceTable', WorkspaceTable],
      ['WorkspaceTables', z.array(WorkspaceTable)],
      ['PreviewResult', PreviewResponse],
      ['ApiStats', ApiStats],
      ['RangeStats', RangeStats],
      ['InvocationLog', InvocationLog],
      ['ErrorGroups', ErrorGroups],
      ['RouteList', RouteList],
      ['IngestResult', IngestResult],
      ['LiveStatsEvent', LiveStatsEvent],
      ...Object.entries(ERRORS).map(([status, [code]]): [string, z.ZodType] => [errorName(Number(status) as ErrorStatus), errorBody(code)]),
    ]),
  };
}

const header = (description: string, schema: Json = { type: 'string' }) => ({ description, schema });

/** `components.headers`, named as sent. */
export const HEADERS: Record<string, Json> = {
  'X-Request-Id': header('Identifies the request in the server log'),
  'Retry-After': header('Seconds to wait before trying again', { type: 'integer', minimum: 1 }),
  Allow: header('The methods the path supports'),
  'WWW-Authenticate': header('`Bearer realm="appstats"`'),
};

const ERROR_HEADERS: Partial<Record<ErrorStatus, string[]>> = {
  401: ['WWW-Authenticate'],
  405: ['Allow'],
  429: ['Retry-After'],
  503: ['Retry-After'],
};

/** References to headers of `components.headers`. */
export const headerRefs = (names: string[]) => Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));

/** `components.responses`: one per error status. */
export function errorResponses(): Record<string, Json> {
  return Object.fromEntries(
    Object.entries(ERRORS).map(([key, [code, description]]) => {
      const status = Number(key) as ErrorStatus;
      // A wrong method is answered before a request id is given.
      const headers = headerRefs([...(status === 405 ? [] : ['X-Request-Id']), ...(ERROR_HEADERS[status] ?? [])]);
      return [
        errorName(status),
        {
          description: `${code}: ${description}`,
          headers,
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${errorName(status)}` } } },
        },
      ];
    }),
  );
}

/** `components.parameters`. */
export const PARAMETERS: Record<string, Json> = {
  AppId: {
    name: 'id',
    in: 'path',
    required: true,
    description: 'App UUID or natural ID',
    schema: { type: 'string', minLength: 1, maxLength: 200 },
  },
  Tz: { name: 'tz', in: 'query', required: false, description: RangeFields.tz.description, schema: { type: 'string', default: 'UTC' } },
  From: {
    name: 'from',
    in: 'query',
    required: false,
    description: RangeFields.from.description,
    schema: { type: 'string', format: 'date' },
  },
  To: { name: 'to', in: 'query', required: false, description: RangeFields.to.description, schema: { type: 'string', format: 'date' } },
  Interval: { name: 'interval', in: 'query', required: false, description: RangeInterval.description, schema: { enum: ['hour', 'day'] } },
  Format: {
    name: 'format',
    in: 'query',
    required: false,
    description: '`csv` for the same data as RFC 4180 CSV with a header row of the JSON field names',
    schema: { enum: ['json', 'csv'] },
  },
  Status: {
    name: 'status',
    in: 'query',
    required: false,
    description: LogFilterFields.status.description,
    schema: { enum: ['2xx', '3xx', '4xx', '5xx', 'failed'] },
  },
  Method: {
    name: 'method',
    in: 'query',
    required: false,
    description: LogFilterFields.method.description,
    schema: { type: 'string', maxLength: 64 },
  },
  Route: {
    name: 'route',
    in: 'query',
    required: false,
    description: LogFilterFields.route.description,
    schema: { type: 'string', maxLength: 4096 },
  },
  User: {
    name: 'user',
    in: 'query',
    required: false,
    description: LogFilterFields.user.description,
    schema: { type: 'string', maxLength: 200 },
  },
  LogLimit: {
    name: 'limit',
    in: 'query',
    required: false,
    description: 'Invocations per page',
    schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
  },
  GroupLimit: {
    name: 'limit',
    in: 'query',
    required: false,
    description: 'Most groups answered',
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  },
  RouteSort: {
    name: 'sort',
    in: 'query',
    required: false,
    description: RouteSort.description,
    schema: { enum: RouteSort.options, default: 'calls' },
  },
  Cursor: {
    name: 'cursor',
    in: 'query',
    required: false,
    description: 'The `nextCursor` of the page before; valid only with the same filters',
    schema: { type: 'string' },
  },
  Table: { name: 'table', in: 'path', required: true, description: "A table of the app's workspace", schema: { type: 'string' } },
  ExportFormat: {
    name: 'format',
    in: 'query',
    required: false,
    description:
      '`csv` (default): RFC 4180 with a header row of the column names; `ndjson`: one JSON object per row, as the preview has it',
    schema: { enum: ['csv', 'ndjson'] },
  },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description: IdempotencyKey.description,
    schema: generate('input', [['Key', IdempotencyKey]]).Key,
  },
};

/** `components.securitySchemes`. */
export const SECURITY_SCHEMES: Record<string, Json> = {
  bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token (`ast_…`) from `npm run cli -- token:create`' },
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'appstats_session',
    description: 'The session of a signed-in browser (`__Host-appstats_session` in production)',
  },
};

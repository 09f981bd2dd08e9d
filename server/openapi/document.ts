import { INGEST_MAX_BODY_BYTES, MAX_BATCH_ITEMS } from '../schemas/ingest';
import {
  type ErrorStatus,
  type Json,
  HEADERS,
  PARAMETERS,
  SECURITY_SCHEMES,
  componentSchemas,
  errorName,
  errorResponses,
  headerRefs,
} from './components';

// The OpenAPI 3.1 document of the REST paths (GET /api/openapi.json). Paths
// are listed here; every schema in it comes from server/schemas through
// components.ts. test/openapi.test.ts checks real answers against it.

interface Operation {
  method: 'get' | 'post';
  summary: string;
  description: string;
  /** Beyond {id}: more path parameters, the Idempotency-Key header. */
  parameters?: string[];
  body?: { schema: string; required: boolean; description: string };
  /** `stream`: Server-Sent Events whose events carry `schema` as JSON data, instead of one JSON body. */
  /** `download`: a file (CSV or NDJSON, `Content-Disposition: attachment`) instead of one JSON body; `schema` is then unused. */
  success: { status: 200 | 202; schema: string; description: string; stream?: boolean; download?: boolean };
  errors: ErrorStatus[];
}

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });
const DOWNLOAD = { 'text/csv': { schema: { type: 'string' } }, 'application/x-ndjson': { schema: { type: 'string' } } };
const ALWAYS: ErrorStatus[] = [401, 404, 405, 429, 500, 503];
const INGEST_ERRORS: ErrorStatus[] = [...ALWAYS, 400, 403, 409, 413];

function ingestion(noun: string, schema: string): Operation {
  return {
    method: 'post',
    summary: `Store ${noun}`,
    description:
      `One object or an array of up to ${MAX_BATCH_ITEMS}, stored whole or not at all in one transaction. ` +
      `A bad item refuses the batch with 400 naming its index and field; a user id must be a user's; times may lie at most 5 minutes ahead. ` +
      `Bodies over ${INGEST_MAX_BODY_BYTES} bytes or over ${MAX_BATCH_ITEMS} items: 413. Needs write on the app.`,
    parameters: ['IdempotencyKey'],
    body: { schema, required: true, description: `One item or an array of up to ${MAX_BATCH_ITEMS}` },
    success: {
      status: 202,
      schema: 'IngestResult',
      description: 'Stored (or, for a repeated Idempotency-Key, stored before): how many items',
    },
    errors: INGEST_ERRORS,
  };
}

const PATHS: Record<string, Operation> = {
  '/api/apps/{id}/stats': {
    method: 'get',
    summary: 'Usage statistics of an app',
    description: 'Views, invocations and workspace storage. Needs read (any role, or a public app).',
    success: { status: 200, schema: 'StatsOverview', description: 'The statistics' },
    errors: ALWAYS,
  },
  '/api/apps/{id}/stats/tables': {
    method: 'get',
    summary: "The workspace's tables",
    description:
      'Sorted by name, `_migrations` left out; `[]` without a workspace. `rowCountEstimated: true` marks a row count that is an estimate. Needs write.',
    success: { status: 200, schema: 'WorkspaceTables', description: 'The tables with their columns' },
    errors: [...ALWAYS, 403],
  },
  '/api/apps/{id}/stats/tables/{table}/preview': {
    method: 'post',
    summary: 'One page of rows of a workspace table',
    description: 'Rows in primary-key order. An unknown table, `_migrations` or an app without a workspace: 404. Needs write.',
    parameters: ['Table'],
    body: { schema: 'PreviewRequest', required: false, description: 'Paging; an empty body means the defaults' },
    success: { status: 200, schema: 'PreviewResult', description: 'The page and the column types' },
    errors: [...ALWAYS, 400, 403, 413],
  },
  '/api/apps/{id}/stats/tables/{table}/export': {
    method: 'get',
    summary: 'Every row of a workspace table, as a file',
    description:
      'Streams the whole table in primary-key order with the preview values and no cell cut, as `<naturalId>-<table>.csv` or `.ndjson`. ' +
      'A refusal found before the first byte (404 as for the preview, 422 for row-level security, 503 busy or slow) answers JSON; ' +
      'one found later breaks the download off. Needs write.',
    parameters: ['Table', 'ExportFormat'],
    success: { status: 200, schema: '', description: 'The file', download: true },
    errors: [...ALWAYS, 400, 403],
  },
  '/api/apps/{id}/stats/api': {
    method: 'get',
    summary: 'Invocation history',
    description: 'The last 100 invocations and 30 days of daily figures. Needs write.',
    success: { status: 200, schema: 'ApiStats', description: 'Recent invocations and daily figures' },
    errors: [...ALWAYS, 403],
  },
  '/api/apps/{id}/stats/range': {
    method: 'get',
    summary: 'Figures over calendar days of a time zone',
    description:
      'Totals, the previous period of as many days and a series by hour or day over `from`..`to` (days of `tz`, both included, at most 400; ' +
      'hours for at most 31 days). Percentiles are nearest-rank within 2 % or 1 ms. A broken rule is 400 naming the field. Needs read.',
    parameters: ['Tz', 'From', 'To', 'Interval', 'Format'],
    success: { status: 200, schema: 'RangeStats', description: 'The figures' },
    errors: [...ALWAYS, 400],
  },
  '/api/apps/{id}/stats/invocations': {
    method: 'get',
    summary: 'The invocation log',
    description:
      'Invocations of the range (days of `tz`), newest first, filtered by status class, method, route and user, one page at a time: ' +
      '`nextCursor` continues under the same filters (keyset; a cursor not issued for them is 400 naming `cursor`). Needs write.',
    parameters: ['Tz', 'From', 'To', 'Status', 'Method', 'Route', 'User', 'LogLimit', 'Cursor', 'Format'],
    success: { status: 200, schema: 'InvocationLog', description: 'One page of the log' },
    errors: [...ALWAYS, 400, 403],
  },
  '/api/apps/{id}/stats/routes': {
    method: 'get',
    summary: 'Routes',
    description:
      'Invocations of the range (days of `tz`) grouped by method and route (the path without its query string, id-like segments as `:id`), ' +
      'with calls, failures, compute, percentiles and the newest call; `sort` descending, ties by method then route. ' +
      'Routes past the tracked ones (at least 1000 an app) count under `(other)`. Needs write.',
    parameters: ['Tz', 'From', 'To', 'RouteSort', 'GroupLimit', 'Format'],
    success: { status: 200, schema: 'RouteList', description: 'The routes' },
    errors: [...ALWAYS, 400, 403],
  },
  '/api/apps/{id}/stats/errors': {
    method: 'get',
    summary: 'Error groups',
    description:
      'Failed invocations of the range grouped by method, route and message (ids and numbers as `#`), with count, first and last seen ' +
      'and the newest as sample; the largest groups first. `method` and `route` narrow it to one route. Needs write.',
    parameters: ['Tz', 'From', 'To', 'Method', 'Route', 'GroupLimit', 'Format'],
    success: { status: 200, schema: 'ErrorGroups', description: 'The groups' },
    errors: [...ALWAYS, 400, 403],
  },
  '/api/apps/{id}/stats/live': {
    method: 'get',
    summary: 'Live totals as Server-Sent Events',
    description:
      'An event `stats` with `{"totalViews","totalInvocations"}` at once and again within 2 s of any commit that changes them ' +
      '(at most one per 500 ms), and a comment line every 20 s. Ends when access is lost or the server drains. Needs read.',
    success: { status: 200, schema: 'LiveStatsEvent', description: 'The event stream; each data line is a LiveStatsEvent', stream: true },
    errors: ALWAYS,
  },
  '/api/apps/{id}/views': ingestion('view events', 'ViewsRequest'),
  '/api/apps/{id}/invocations': ingestion('route invocations', 'InvocationsRequest'),
};

function operation(op: Operation): Json {
  const json = (schema: string) => ({ 'application/json': { schema: ref('schemas', schema) } });
  const errors = [...op.errors].sort((a, b) => a - b);
  return {
    summary: op.summary,
    description: op.description,
    parameters: ['AppId', ...(op.parameters ?? [])].map((name) => ref('parameters', name)),
    ...(op.body ? { requestBody: { required: op.body.required, description: op.body.description, content: json(op.body.schema) } } : {}),
    responses: {
      [op.success.status]: {
        description: op.success.description,
        headers: headerRefs(['X-Request-Id']),
        content: op.success.download
          ? DOWNLOAD
          : op.success.stream
            ? { 'text/event-stream': { schema: ref('schemas', op.success.schema) } }
            : json(op.success.schema),
      },
      ...Object.fromEntries(errors.map((status) => [status, ref('responses', errorName(status))])),
    },
  };
}

let cached: Json | undefined;

/** The OpenAPI 3.1 document of every REST path, built once from the zod schemas. */
export function openApiDocument(): Json {
  cached ??= {
    openapi: '3.1.1',
    info: {
      title: 'appstats REST API',
      version: '1.0.0',
      description:
        'Usage statistics of hosted apps. Every error is `{"error":{"code","message"}}`. Apps are addressed by UUID or natural ID.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    paths: Object.fromEntries(Object.entries(PATHS).map(([path, op]) => [path, { [op.method]: operation(op) }])),
    components: {
      schemas: componentSchemas(),
      responses: errorResponses(),
      parameters: PARAMETERS,
      headers: HEADERS,
      securitySchemes: SECURITY_SCHEMES,
    },
  };
  return cached;
}

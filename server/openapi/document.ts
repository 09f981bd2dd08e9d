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
  success: { status: 200 | 202; schema: string; description: string };
  errors: ErrorStatus[];
}

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });
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
  '/api/apps/{id}/stats/api': {
    method: 'get',
    summary: 'Invocation history',
    description: 'The last 100 invocations and 30 days of daily figures. Needs write.',
    success: { status: 200, schema: 'ApiStats', description: 'Recent invocations and daily figures' },
    errors: [...ALWAYS, 403],
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
      [op.success.status]: { description: op.success.description, headers: headerRefs(['X-Request-Id']), content: json(op.success.schema) },
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

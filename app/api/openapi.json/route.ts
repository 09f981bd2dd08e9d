import { openApiDocument } from '@/server/openapi/document';
import { jsonError } from '@/server/rest/errors';

/** GET /api/openapi.json: the OpenAPI 3.1 document of the REST paths; public, built from the zod schemas. */
export function GET(): Response {
  return Response.json(openApiDocument(), { headers: { 'cache-control': 'public, max-age=300' } });
}

const notAllowed = (request: Request) =>
  jsonError(405, 'METHOD_NOT_SUPPORTED', `${request.method} is not supported here; use GET`, { allow: 'GET, HEAD' });

export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };

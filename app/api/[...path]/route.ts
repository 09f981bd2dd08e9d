import { jsonError } from '@/server/rest/errors';

export const dynamic = 'force-dynamic';

// Any /api path no route claims: the JSON 404 of the REST paths, whatever the
// method, instead of the HTML not-found page. It names nothing that was asked
// for, so it is the same for every path.

async function notFound(): Promise<Response> {
  return jsonError(404, 'NOT_FOUND', 'No such API path');
}

export { notFound as GET, notFound as HEAD, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE, notFound as OPTIONS };

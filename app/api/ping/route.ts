import { jsonError } from '@/server/rest/errors';

export const dynamic = 'force-dynamic';

// A constant answer through the same framework path as the REST routes, with
// no database and no authentication: the ceiling the load bench compares them to.

const ALLOW = 'GET, HEAD, OPTIONS';

/** GET /api/ping: `{"ok":true}`. */
export async function GET(): Promise<Response> {
  return Response.json({ ok: true }, { headers: { 'cache-control': 'no-store' } });
}

export { GET as HEAD };

export async function OPTIONS(): Promise<Response> {
  return new Response(null, { status: 204, headers: { allow: ALLOW } });
}

async function notAllowed(request: Request): Promise<Response> {
  return jsonError(405, 'METHOD_NOT_SUPPORTED', `${request.method} is not supported here; use GET`, { allow: ALLOW });
}

export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };

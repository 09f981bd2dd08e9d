import type { NextRequest } from 'next/server';
import { NextResponse } from 'next/server';
import { sessionCookieName } from './server/auth/cookies';

/** Whether every segment of the path decodes (`bad%E0%A4` does not: Next would answer a bare 500). */
function decodable(pathname: string): boolean {
  try {
    for (const segment of pathname.split('/')) decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

/**
 * An optimistic check in front of the signed-in pages: no session cookie at
 * all goes straight to /login?next=…; otherwise the page's own layout checks
 * the session, and finds the path asked for in `x-appstats-path`. A path
 * whose encoding is broken names nothing: the 404 page, status 404.
 */
export function proxy(request: NextRequest) {
  const asked = `${request.nextUrl.pathname}${request.nextUrl.search}`;
  if (!request.cookies.get(sessionCookieName())?.value) {
    const login = new URL('/login', request.url);
    login.searchParams.set('next', asked);
    return NextResponse.redirect(login);
  }
  const headers = new Headers(request.headers);
  headers.set('x-appstats-path', asked);
  if (!decodable(request.nextUrl.pathname)) return NextResponse.rewrite(new URL('/_no-such-address', request.url));
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ['/apps', '/apps/:path*', '/account'] };

import type { NextRequest } from 'next/server';
import { NextResponse } from 'next/server';
import { sessionCookieName } from './server/auth/cookies';

/**
 * An optimistic check in front of the signed-in pages: no session cookie at
 * all goes straight to /login?next=…; otherwise the page's own layout checks
 * the session, and finds the path asked for in `x-appstats-path`.
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
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ['/apps', '/apps/:path*', '/account'] };

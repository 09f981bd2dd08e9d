import { env } from '../env';

/** Session cookie name: `__Host-` (Secure, host-only, path /) in production, plain in development over http. */
export function sessionCookieName(): string {
  return env().NODE_ENV === 'production' ? '__Host-appstats_session' : 'appstats_session';
}

/** Set-Cookie value for a session id; `maxAgeSeconds` 0 clears it. */
export function sessionCookie(value: string, maxAgeSeconds: number): string {
  const parts = [`${sessionCookieName()}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSeconds}`];
  if (env().NODE_ENV === 'production') parts.push('Secure');
  return parts.join('; ');
}

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return null;
}

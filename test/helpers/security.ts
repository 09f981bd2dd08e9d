import type { Kysely } from 'kysely';
import { sessionCookieName } from '../../server/auth/cookies';
import type { DB } from '../../server/db/types';
import { type Context, createContext } from '../../server/trpc/context';
import { createCaller } from '../../server/trpc/routers/_app';

export const HOST = 'stats.example.test';
export const SAME_ORIGIN = `https://${HOST}`;
export const EVIL_ORIGIN = 'https://evil.example.net';

/** A request context and caller built from raw headers (the way the HTTP route builds them), collecting Set-Cookie values. */
export async function requestWith(db: Kysely<DB>, headers: Record<string, string>, now = new Date()) {
  const cookies: string[] = [];
  const ctx: Context = await createContext({
    db,
    headers: new Headers({ host: HOST, ...headers }),
    now: () => now,
    setCookie: (c) => cookies.push(c),
  });
  return { ctx, caller: createCaller(ctx), cookies };
}

/** The session id in a Set-Cookie value. */
export function sessionIdFrom(setCookie: string | undefined): string {
  const match = new RegExp(`^${sessionCookieName()}=([^;]*)`).exec(setCookie ?? '');
  if (!match?.[1]) throw new Error(`no session cookie in ${setCookie}`);
  return match[1];
}

/** Signs in through the procedure (same-origin) and returns the Cookie header value for the new session. */
export async function signedInCookie(db: Kysely<DB>, user: { username: string; password: string }, now = new Date()): Promise<string> {
  const { caller, cookies } = await requestWith(db, { origin: SAME_ORIGIN }, now);
  await caller.auth.signIn({ username: user.username, password: user.password });
  return `${sessionCookieName()}=${sessionIdFrom(cookies[0])}`;
}

import type { Kysely } from 'kysely';
import { type Authentication, authenticate } from '../auth/principal';
import type { DB } from '../db/types';

export interface Context {
  db: Kysely<DB>;
  auth: Authentication;
  now: () => Date;
  /** Adds a Set-Cookie header to the response, where there is one (not for server-side callers). */
  setCookie: (value: string) => void;
  /** True only for the CLI's own caller: administration procedures need it. */
  system?: boolean;
}

export interface ContextOptions {
  db: Kysely<DB>;
  headers: Headers;
  setCookie?: (value: string) => void;
  now?: () => Date;
}

/** Builds the context of one request: the database and who is calling. */
export async function createContext(options: ContextOptions): Promise<Context> {
  const now = options.now ?? (() => new Date());
  return {
    db: options.db,
    auth: await authenticate(options.db, options.headers, now()),
    now,
    setCookie: options.setCookie ?? (() => undefined),
  };
}

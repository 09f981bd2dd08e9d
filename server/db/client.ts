import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { env } from '../env';
import { logger } from '../log';
import { reportStatements } from './statement-count';
import type { DB } from './types';

// int8 (20) and numeric (1700) stay strings by default: counts are cast in SQL instead.
// timestamptz is parsed to Date; the preview reads raw text through its own client.

export interface Database {
  db: Kysely<DB>;
  pool: pg.Pool;
  destroy(): Promise<void>;
}

export interface CreateDatabaseOptions {
  max?: number;
  /** Upper bounds for every statement and every lock wait on this pool (the server's requests); none for migrations and the CLI. */
  timeouts?: { statementMs: number; lockMs: number };
  log?: (message: string, error: unknown) => void;
}

const sources = new WeakMap<Kysely<DB>, { pool: pg.Pool; url: string }>();

/** Builds the pg Pool and Kysely<DB> for `url`: the only place that does. */
export function createDatabase(url: string, options: CreateDatabaseOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 30_000,
    // Our statements are short and their cost estimates over generate_series are
    // large: with JIT on (Debian's default) a 2 ms range read spent 1.4 s compiling.
    options: '-c jit=off',
    ...(options.timeouts ? { statement_timeout: options.timeouts.statementMs, lock_timeout: options.timeouts.lockMs } : {}),
  });
  // Without a listener, an idle client's error (e.g. PostgreSQL restarting) kills the process.
  pool.on('error', (error) => options.log?.('idle database client failed', error));
  // A client in use emits 'error' too when its connection dies; its query already fails with the cause.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    reportStatements(client, 'service');
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  sources.set(db, { pool, url });
  return { db, pool, destroy: () => db.destroy() };
}

/** The pg Pool behind a Kysely built by createDatabase: for a query that needs a client of its own (the table preview). */
export function poolOf(db: Kysely<DB>): pg.Pool | undefined {
  return sources.get(db)?.pool;
}

/** The connection URL behind a Kysely built by createDatabase: workspace reads log in to the same server as another role. */
export function connectionUrlOf(db: Kysely<DB>): string | undefined {
  return sources.get(db)?.url;
}

let shared: Database | undefined;

/** The process-wide database for the running server, from `DATABASE_URL`. */
export function sharedDatabase(): Database {
  if (shared) return shared;
  const url = env().DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: start the server through `npm run dev` or `npm start`');
  // A request never waits on a statement or a lock for longer than this; past it the answer is 503 (rest/errors.ts).
  shared = createDatabase(url, {
    timeouts: { statementMs: 10_000, lockMs: 3_000 },
    log: (message, error) => logger.warn({ err: error }, message),
  });
  return shared;
}

import type { Kysely } from 'kysely';
import pg from 'pg';
import { reportStatements } from '../db/statement-count';
import { connectionUrlOf } from '../db/client';
import type { DB } from '../db/types';
import { WORKSPACE_LIMITS, WorkspaceBusyError } from './limits';
import { enableReaderLogin, readerPassword } from './login';

// The reader's connections: logged in with the session settings below, ended
// when they outlive their deadline, closed without waiting long.

let loginsOpened = 0;

/** How many reader logins this process has opened (tests: a reused connection opens none). */
export function workspaceLoginsOpened(): number {
  return loginsOpened;
}

// Session settings fixed at login, so no statement is spent on them: nothing is
// resolved through a search_path the workspace could fill, policies are refused
// rather than run, and printed values have one form (server/queries/preview/values.ts parses them).
const SESSION_OPTIONS = [
  'row_security=off',
  // A table of 10^8 rows makes any plan look costly; JIT would compile for a second before a 25-row page.
  'jit=off',
  'search_path=pg_catalog',
  'default_transaction_read_only=on',
  `statement_timeout=${WORKSPACE_LIMITS.statementTimeoutMs}`,
  `lock_timeout=${WORKSPACE_LIMITS.lockTimeoutMs}`,
  `idle_in_transaction_session_timeout=${WORKSPACE_LIMITS.deadlineMs}`,
  'client_connection_check_interval=1000',
  'datestyle=ISO,YMD',
  'timezone=UTC',
  'intervalstyle=postgres',
  'bytea_output=hex',
  'standard_conforming_strings=on',
  'extra_float_digits=1',
  'application_name=appstats-workspace-read',
]
  .map((setting) => `-c ${setting}`)
  .join(' ');

// 28P01: wrong password; 28000: the role may not log in (a reader from before LOGIN, or its password was never set here).
const LOGIN_REFUSED = new Set(['28P01', '28000']);
// 53300: too many connections (for the role: its connection limit).
const TOO_MANY = new Set(['53300']);

export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The service's URL with the reader's credentials: pg lets a connection string override separate fields, so they go into it. */
function readerUrl(url: string, role: string): string {
  const target = new URL(url);
  target.username = encodeURIComponent(role);
  target.password = encodeURIComponent(readerPassword(role));
  for (const name of ['user', 'password', 'options', 'application_name']) target.searchParams.delete(name);
  return target.toString();
}

async function connectAs(url: string, role: string, timeoutMs: number): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: readerUrl(url, role),
    options: SESSION_OPTIONS,
    connectionTimeoutMillis: Math.max(500, Math.min(timeoutMs, 3_000)),
  });
  client.on('error', () => undefined);
  reportStatements(client, 'workspace');
  try {
    await client.connect();
    loginsOpened++;
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

/**
 * Logs in as the reader, setting its password first if the server refuses it.
 * The reader's connection limit can be reached for a moment by backends of
 * reads that have closed but not yet exited: such a login is tried again,
 * shortly, until the deadline, and only then answered "busy".
 */
export async function openReaderConnection(db: Kysely<DB>, role: string, deadline: number): Promise<pg.Client> {
  const url = connectionUrlOf(db);
  if (!url) throw new Error('workspace reads need a database built by createDatabase');
  let passwordSet = false;
  for (let attempt = 0; ; attempt++) {
    try {
      return await connectAs(url, role, deadline - Date.now());
    } catch (error) {
      const code = codeOf(error) ?? '';
      if (LOGIN_REFUSED.has(code) && !passwordSet) {
        await enableReaderLogin(db, role);
        passwordSet = true;
        continue;
      }
      if (!TOO_MANY.has(code)) throw error;
      const pause = Math.min(200, 10 * 2 ** attempt);
      if (Date.now() + pause >= deadline) throw new WorkspaceBusyError('busy', error);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** Ends a backend that outlived its deadline (tenant code may have turned its own timeouts off), and drops the socket. */
export async function stopBackend(pool: pg.Pool, client: pg.Client): Promise<void> {
  const pid = (client as unknown as { processID?: number }).processID;
  if (pid) await pool.query('select pg_catalog.pg_terminate_backend($1)', [pid]).catch(() => undefined);
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/** Closes a connection, waiting at most a second (a socket already destroyed may never say it ended). */
export async function closeQuietly(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 1_000);
  });
  await Promise.race([client.end().catch(() => undefined), waited]);
  clearTimeout(timer);
}

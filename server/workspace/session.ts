import type { Kysely } from 'kysely';
import pg from 'pg';
import { connectionUrlOf, poolOf } from '../db/client';
import type { DB } from '../db/types';
import { isQueryTimeout } from '../db/unavailable';
import { enableReaderLogin, findWorkspaceReader, readerPassword } from './login';
import { KeyedSlots, NoSlotError, Slots } from './slots';

// Every read of a workspace (CONTRACT §10) runs here: on a connection of its
// own, logged in as the workspace's reader (./login.ts), bounded in number per
// workspace and per process, in time per statement, per lock and overall, and
// closed afterwards, so nothing tenant code did (role, settings, advisory
// locks, temporary objects, LISTEN) outlives the read or reaches another
// request's connection. The service's own pool is never lent to a workspace.

/** The limits of workspace reads in this process. */
export const WORKSPACE_LIMITS = {
  /** Connections open at once for workspace reads, all workspaces together. */
  total: 8,
  /** Of those, for any one workspace: one locked workspace leaves the others room. */
  perWorkspace: 2,
  /** Reads that may wait for a slot of one workspace; beyond it they are refused at once. */
  queuePerWorkspace: 16,
  statementTimeoutMs: 5_000,
  lockTimeoutMs: 1_000,
  /** From the request's arrival at the gate to its answer, waiting included (CONTRACT §10: within 15 s). */
  deadlineMs: 10_000,
} as const;

/** The workspace could not be read within the limits: busy (locked, many readers) or too slow. REST answers 503 with Retry-After. */
export class WorkspaceBusyError extends Error {
  constructor(reason: 'busy' | 'slow', cause?: unknown) {
    super(
      reason === 'busy'
        ? 'The workspace is busy (locked or read by many requests at once); try again shortly'
        : 'The workspace is too slow to read right now (its statement ran out of time); try again shortly',
      { cause },
    );
    this.name = 'WorkspaceBusyError';
  }
}

const everyWorkspace = new Slots(WORKSPACE_LIMITS.total, 64);
const eachWorkspace = new KeyedSlots(WORKSPACE_LIMITS.perWorkspace, WORKSPACE_LIMITS.queuePerWorkspace);

// Session settings fixed at login, so no statement is spent on them: nothing is
// resolved through a search_path the workspace could fill, policies are refused
// rather than run, and printed values have one form (server/queries/preview/values.ts parses them).
const SESSION_OPTIONS = [
  'row_security=off',
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
  'extra_float_digits=1',
  'application_name=appstats-workspace-read',
]
  .map((setting) => `-c ${setting}`)
  .join(' ');

// 28P01: wrong password; 28000: the role may not log in (a reader from before LOGIN, or its password was never set here).
const LOGIN_REFUSED = new Set(['28P01', '28000']);
// 53300: too many connections (for the role: its connection limit).
const TOO_MANY = new Set(['53300']);

function codeOf(error: unknown): string | undefined {
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
  try {
    await client.connect();
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
async function openReaderConnection(db: Kysely<DB>, role: string, deadline: number): Promise<pg.Client> {
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
async function stopBackend(pool: pg.Pool, client: pg.Client): Promise<void> {
  const pid = (client as unknown as { processID?: number }).processID;
  if (pid) await pool.query('select pg_catalog.pg_terminate_backend($1)', [pid]).catch(() => undefined);
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/** Closes a connection, waiting at most a second (a socket already destroyed may never say it ended). */
async function closeQuietly(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 1_000);
  });
  await Promise.race([client.end().catch(() => undefined), waited]);
  clearTimeout(timer);
}

/**
 * Runs `work` on a fresh connection logged in as the workspace's reader, or
 * returns null when the schema does not exist. Throws an Error when it exists
 * without a reader (fail closed), and
 * WorkspaceBusyError when no slot is free in time, a statement or lock times
 * out, or the whole read passes its deadline; the connection is always closed.
 */
export async function withWorkspaceSession<T>(db: Kysely<DB>, schema: string, work: (client: pg.Client) => Promise<T>): Promise<T | null> {
  const pool = poolOf(db);
  if (!pool) throw new Error('workspace reads need a database built by createDatabase');
  const deadline = Date.now() + WORKSPACE_LIMITS.deadlineMs;
  const role = await findWorkspaceReader(pool, schema);
  if (!role) {
    const { rowCount } = await pool.query('select from pg_catalog.pg_namespace where nspname = $1', [schema]);
    if (rowCount === 0) return null;
    // Fail closed: a workspace is never read as the service's own user.
    throw new Error(`workspace ${schema} has no reader role; run the migrations (grant_workspace_reader)`);
  }
  const releases: Array<() => void> = [];
  try {
    releases.push(await eachWorkspace.acquire(schema, deadline));
    releases.push(await everyWorkspace.acquire(deadline));
  } catch (error) {
    for (const release of releases) release();
    if (error instanceof NoSlotError) throw new WorkspaceBusyError('busy', error);
    throw error;
  }
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    client = await openReaderConnection(db, role, deadline);
    const connected = client;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          void stopBackend(pool, connected);
          reject(new WorkspaceBusyError('slow'));
        },
        Math.max(0, deadline - Date.now()),
      );
    });
    return await Promise.race([work(connected), expired]);
  } catch (error) {
    if (error instanceof WorkspaceBusyError) throw error;
    if (isQueryTimeout(error)) throw new WorkspaceBusyError(codeOf(error) === '55P03' ? 'busy' : 'slow', error);
    throw error;
  } finally {
    clearTimeout(timer);
    if (client) await closeQuietly(client);
    for (const release of releases.reverse()) release();
  }
}

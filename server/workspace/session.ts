import type { Kysely } from 'kysely';
import type pg from 'pg';
import { poolOf } from '../db/client';
import type { DB } from '../db/types';
import { isQueryTimeout } from '../db/unavailable';
import { closeQuietly, codeOf, openReaderConnection, stopBackend } from './connection';
import { IdleReaders } from './idle';
import { WORKSPACE_LIMITS, WorkspaceBusyError } from './limits';
import { findWorkspaceReader } from './login';
import { KeyedSlots, NoSlotError, Slots } from './slots';

// Every read of a workspace (CONTRACT §10) runs here: on a connection of its
// own, logged in as the workspace's reader (./login.ts), bounded in number per
// workspace and per process, in time per statement, per lock and overall, and
// reset with DISCARD ALL (./idle.ts) or closed afterwards, so nothing tenant code
// did (role, settings, advisory locks, temporary objects, LISTEN) outlives the
// read or reaches another request's connection. The service's own pool is never
// lent to a workspace.

const everyWorkspace = new Slots(WORKSPACE_LIMITS.total, WORKSPACE_LIMITS.queueTotal);
const eachWorkspace = new KeyedSlots(WORKSPACE_LIMITS.perWorkspace, WORKSPACE_LIMITS.queuePerWorkspace);

// As many idle connections per reader as a workspace may read with at once, so
// two reads at a time never pay a login (a fork and a SCRAM exchange, tens of
// milliseconds); 8 in all. A reader may hold 4 connections on the server, so
// two server processes keep theirs without locking each other out.
const idle = new IdleReaders(WORKSPACE_LIMITS.perWorkspace, WORKSPACE_LIMITS.total, 10_000, closeQuietly);

// The reader found for a schema is kept as long as an idle connection is, and
// forgotten after any read that fails: a dropped or changed role is looked up again.
const READER_KEPT_MS = 10_000;
const readers = new Map<string, { role: string; until: number }>();

/** Resolves once the connections of every read that has answered are reset (DISCARD ALL runs after the answer). */
export function workspaceResetsSettled(): Promise<void> {
  return idle.settled();
}

async function readerOf(pool: pg.Pool, schema: string): Promise<string | null> {
  const known = readers.get(schema);
  if (known && known.until > Date.now()) return known.role;
  const role = await findWorkspaceReader(pool, schema);
  if (role) readers.set(schema, { role, until: Date.now() + READER_KEPT_MS });
  else readers.delete(schema);
  return role;
}

/** A reader's connection for one workspace read, with the slots it holds (leaseWorkspace). */
export interface WorkspaceLease {
  client: pg.Client;
  /** Ends the backend at once (a read past its deadline: tenant code may have turned its own timeouts off) and drops the socket. */
  stop(): Promise<void>;
  /**
   * Gives the connection back, once (later calls do nothing): after a clean read
   * it is reset and kept (./idle.ts), the slots held until the reset is done;
   * after any failure it is closed and the reader looked up again next time.
   */
  end(clean: boolean): Promise<void>;
}

/** The error a workspace read that failed stands for: timeouts become WorkspaceBusyError (busy for a lock, slow otherwise). */
export function workspaceReadFailure(error: unknown): unknown {
  if (error instanceof WorkspaceBusyError) return error;
  if (isQueryTimeout(error)) return new WorkspaceBusyError(codeOf(error) === '55P03' ? 'busy' : 'slow', error);
  return error;
}

/**
 * A connection logged in as the workspace's reader (an idle one of that
 * reader, reset, or a new login) once a slot of the workspace, one of all
 * workspaces and one of each of `extra` are free, waiting until `deadline`;
 * null when the schema does not exist. Throws an Error when it exists without
 * a reader (fail closed), WorkspaceBusyError when no slot is free in time.
 */
export async function leaseWorkspace(
  db: Kysely<DB>,
  schema: string,
  deadline: number,
  extra: readonly Slots[] = [],
): Promise<WorkspaceLease | null> {
  const pool = poolOf(db);
  if (!pool) throw new Error('workspace reads need a database built by createDatabase');
  const role = await readerOf(pool, schema);
  if (!role) {
    const { rowCount } = await pool.query('select from pg_catalog.pg_namespace where nspname = $1', [schema]);
    if (rowCount === 0) return null;
    // Fail closed: a workspace is never read as the service's own user.
    throw new Error(`workspace ${schema} has no reader role; run the migrations (grant_workspace_reader)`);
  }
  const releases: Array<() => void> = [];
  const release = () => {
    for (const done of releases.reverse()) done();
  };
  try {
    for (const slots of extra) releases.push(await slots.acquire(deadline));
    releases.push(await eachWorkspace.acquire(schema, deadline));
    releases.push(await everyWorkspace.acquire(deadline));
  } catch (error) {
    release();
    if (error instanceof NoSlotError) throw new WorkspaceBusyError('busy', error);
    throw error;
  }
  let client: pg.Client;
  try {
    client = (await idle.take(role)) ?? (await openReaderConnection(db, role, deadline));
  } catch (error) {
    readers.delete(schema);
    release();
    throw workspaceReadFailure(error);
  }
  let ended = false;
  return {
    client,
    stop: () => stopBackend(pool, client),
    end: async (clean) => {
      if (ended) return;
      ended = true;
      if (clean) {
        // The reset runs after the answer; the read's slots are held until it is done.
        void idle.give(role, client).finally(release);
        return;
      }
      readers.delete(schema);
      await closeQuietly(client);
      release();
    },
  };
}

/**
 * Runs `work` on a connection of the workspace's reader (leaseWorkspace), or
 * returns null when the schema does not exist. Throws an Error when it exists
 * without a reader (fail closed), and WorkspaceBusyError when no slot is free
 * in time, a statement or lock times out, or the whole read passes its
 * deadline. After a clean read the connection is reset and kept (./idle.ts);
 * after any failure it is closed.
 */
export async function withWorkspaceSession<T>(db: Kysely<DB>, schema: string, work: (client: pg.Client) => Promise<T>): Promise<T | null> {
  const deadline = Date.now() + WORKSPACE_LIMITS.deadlineMs;
  const lease = await leaseWorkspace(db, schema, deadline);
  if (!lease) return null;
  let timer: NodeJS.Timeout | undefined;
  let clean = false;
  try {
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          void lease.stop();
          reject(new WorkspaceBusyError('slow'));
        },
        Math.max(0, deadline - Date.now()),
      );
    });
    const result = await Promise.race([work(lease.client), expired]);
    clean = true;
    return result;
  } catch (error) {
    throw workspaceReadFailure(error);
  } finally {
    clearTimeout(timer);
    await lease.end(clean);
  }
}

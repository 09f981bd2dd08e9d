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

/**
 * Runs `work` on a connection logged in as the workspace's reader (an idle one
 * of that reader, reset, or a new login), or returns null when the schema does
 * not exist. Throws an Error when it exists without a reader (fail closed), and
 * WorkspaceBusyError when no slot is free in time, a statement or lock times
 * out, or the whole read passes its deadline. After a clean read the
 * connection is reset and kept (./idle.ts); after any failure it is closed.
 */
export async function withWorkspaceSession<T>(db: Kysely<DB>, schema: string, work: (client: pg.Client) => Promise<T>): Promise<T | null> {
  const pool = poolOf(db);
  if (!pool) throw new Error('workspace reads need a database built by createDatabase');
  const deadline = Date.now() + WORKSPACE_LIMITS.deadlineMs;
  const role = await readerOf(pool, schema);
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
  const release = () => {
    for (const done of releases.reverse()) done();
  };
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let clean = false;
  try {
    client = (await idle.take(role)) ?? (await openReaderConnection(db, role, deadline));
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
    const result = await Promise.race([work(connected), expired]);
    clean = true;
    return result;
  } catch (error) {
    if (error instanceof WorkspaceBusyError) throw error;
    if (isQueryTimeout(error)) throw new WorkspaceBusyError(codeOf(error) === '55P03' ? 'busy' : 'slow', error);
    throw error;
  } finally {
    clearTimeout(timer);
    if (client && clean) {
      // The reset runs after the answer; the read's slots are held until it is done.
      void idle.give(role, client).finally(release);
    } else {
      readers.delete(schema);
      if (client) await closeQuietly(client);
      release();
    }
  }
}

import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { DB } from '../db/types';
import { WORKSPACE_LIMITS, WorkspaceBusyError } from './limits';
import { leaseWorkspace, workspaceReadFailure } from './session';
import { Slots } from './slots';

// A workspace read that streams (an export): the same reader, slots and
// settings as every workspace read (./session.ts), held for as long as the
// stream runs, with a deadline per step instead of one for the whole read. A
// step is one statement the read awaits, or the wait for the consumer to ask
// for the next chunk: none may outlast WORKSPACE_LIMITS.deadlineMs. When one
// does, the backend is ended and the slots given back at once, even if the
// consumer never comes back, so a stalled download holds nothing.

const streaming = new Slots(WORKSPACE_LIMITS.exports, WORKSPACE_LIMITS.queueExports);

/** Runs one awaited piece of a streaming read within the step deadline. */
export type Step = <R>(work: Promise<R>) => Promise<R>;

/** A timer that fires `onExpiry` once when not touched for `ms`. */
function watchdog(ms: number, onExpiry: () => void) {
  const timer = setTimeout(onExpiry, ms);
  timer.unref();
  return { touch: () => timer.refresh(), stop: () => clearTimeout(timer) };
}

/**
 * The chunks `work` yields, read on a connection of the workspace's reader
 * (leaseWorkspace, plus one of WORKSPACE_LIMITS.exports streaming slots); it
 * runs each statement through `step`. Throws `missing()` when the schema does
 * not exist, WorkspaceBusyError when no slot is free in time, a statement or
 * lock times out, or a step (the consumer's wait included) passes the
 * deadline. The connection is reset and kept only when `work` ran to its end;
 * a stream ended early (return(), an error) closes it.
 */
export async function* streamWorkspace<T>(
  db: Kysely<DB>,
  schema: string,
  work: (client: pg.Client, step: Step) => AsyncIterable<T>,
  missing: () => Error,
): AsyncGenerator<T, void, undefined> {
  const lease = await leaseWorkspace(db, schema, Date.now() + WORKSPACE_LIMITS.deadlineMs, [streaming]);
  if (!lease) throw missing();
  let failed: WorkspaceBusyError | null = null;
  const waiting = new Set<(error: Error) => void>();
  const dog = watchdog(WORKSPACE_LIMITS.deadlineMs, () => {
    failed = new WorkspaceBusyError('slow');
    for (const reject of waiting) reject(failed);
    void lease.stop().then(() => lease.end(false));
  });
  const step: Step = async (piece) => {
    if (failed) throw failed;
    dog.touch();
    let reject: ((error: Error) => void) | undefined;
    const expired = new Promise<never>((_, fail) => {
      reject = fail;
      waiting.add(fail);
    });
    try {
      return await Promise.race([piece, expired]);
    } finally {
      if (reject) waiting.delete(reject);
      dog.touch();
    }
  };
  let clean = false;
  try {
    for await (const chunk of work(lease.client, step)) {
      if (failed) throw failed;
      dog.touch();
      yield chunk;
      if (failed) throw failed;
      dog.touch();
    }
    clean = true;
  } catch (error) {
    throw workspaceReadFailure(error);
  } finally {
    dog.stop();
    await lease.end(clean && !failed);
  }
}

import type pg from 'pg';

// Idle reader connections, kept per reader role so a login (a fork and a SCRAM
// exchange, tens of milliseconds) is not paid on every workspace read. A
// connection waits here only after a read that ended cleanly, and only once
// `DISCARD ALL` has reset everything a session can hold: role and
// settings back to those of its login, advisory locks released, temporary
// objects dropped, LISTEN ended, prepared statements and cursors gone. It is
// only ever handed to a read of the same workspace, which logs in as the same role.
// A clean read ends inside its transaction-free session, so DISCARD ALL (which
// refuses to run inside a transaction) is the one statement of the reset; a
// connection it fails on is closed. The reset runs after the read has answered;
// a read that finds no idle connection while one of its role is being reset
// waits for that reset rather than paying a new login.
interface Entry {
  client: pg.Client;
  timer: NodeJS.Timeout;
}

/** Whether pg still considers the connection usable (not ended, not broken). */
function usable(client: pg.Client): boolean {
  const state = client as unknown as { _ending?: boolean; _queryable?: boolean };
  return !state._ending && state._queryable !== false;
}

/**
 * A small keep of reset reader connections: at most `perRole` per role and
 * `total` in all (each holds a server backend and one of its role's
 * connections), each closed after `idleMs` unused.
 */
export class IdleReaders {
  private readonly byRole = new Map<string, Entry[]>();
  private readonly resetting = new Map<string, Set<Promise<void>>>();
  private kept = 0;

  constructor(
    readonly perRole: number,
    readonly total: number,
    readonly idleMs: number,
    private readonly close: (client: pg.Client) => Promise<void>,
  ) {}

  /** An idle connection of `role` (waiting for one being reset, if any), or undefined. */
  async take(role: string): Promise<pg.Client | undefined> {
    const ready = this.takeIdle(role);
    if (ready) return ready;
    const pending = this.resetting.get(role);
    if (!pending || pending.size === 0) return undefined;
    await Promise.race(pending);
    return this.takeIdle(role);
  }

  /** Resolves once every reset under way is done (for tests that look at the server right after a read). */
  async settled(): Promise<void> {
    await Promise.all([...this.resetting.values()].flatMap((pending) => [...pending]));
  }

  private takeIdle(role: string): pg.Client | undefined {
    const entries = this.byRole.get(role);
    while (entries && entries.length > 0) {
      const entry = entries.pop() as Entry;
      this.kept--;
      clearTimeout(entry.timer);
      if (usable(entry.client)) return entry.client;
      void this.close(entry.client);
    }
    this.byRole.delete(role);
    return undefined;
  }

  /** Resets a connection after a clean read and keeps it, or closes it when it cannot be reset or there is no room. */
  give(role: string, client: pg.Client): Promise<void> {
    const pending = this.resetting.get(role) ?? new Set<Promise<void>>();
    this.resetting.set(role, pending);
    const done = this.reset(role, client).finally(() => {
      pending.delete(done);
      if (pending.size === 0 && this.resetting.get(role) === pending) this.resetting.delete(role);
    });
    pending.add(done);
    return done;
  }

  private async reset(role: string, client: pg.Client): Promise<void> {
    try {
      await client.query('discard all');
    } catch {
      await this.close(client);
      return;
    }
    const entries = this.byRole.get(role) ?? [];
    if (entries.length >= this.perRole || this.kept >= this.total || !usable(client)) {
      await this.close(client);
      return;
    }
    const entry: Entry = {
      client,
      timer: setTimeout(() => {
        const at = entries.indexOf(entry);
        if (at < 0) return;
        entries.splice(at, 1);
        this.kept--;
        if (entries.length === 0 && this.byRole.get(role) === entries) this.byRole.delete(role);
        void this.close(client);
      }, this.idleMs),
    };
    entry.timer.unref();
    this.kept++;
    entries.push(entry);
    this.byRole.set(role, entries);
  }
}

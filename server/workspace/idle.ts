import type pg from 'pg';

// Idle reader connections, kept per reader role so a login (a fork and a SCRAM
// exchange, tens of milliseconds) is not paid on every workspace read. A
// connection waits here only after a read that ended cleanly, and only once
// `ROLLBACK; DISCARD ALL` has reset everything a session can hold: role and
// settings back to those of its login, advisory locks released, temporary
// objects dropped, LISTEN ended, prepared statements and cursors gone. It is
// only ever handed to a read of the same workspace, which logs in as the same role.

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
  private kept = 0;

  constructor(
    readonly perRole: number,
    readonly total: number,
    readonly idleMs: number,
    private readonly close: (client: pg.Client) => Promise<void>,
  ) {}

  /** An idle connection of `role`, or undefined. */
  take(role: string): pg.Client | undefined {
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
  async give(role: string, client: pg.Client): Promise<void> {
    try {
      await client.query('rollback');
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

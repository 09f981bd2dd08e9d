import type { Kysely } from 'kysely';
import { connectionUrlOf } from '../db/client';
import type { DB } from '../db/types';
import { logger } from '../log';
import { type LiveTotals, getLiveTotals, getLiveTotalsOf } from '../queries/live';
import { LiveListener } from './listener';

// The live figures of one server process: one LISTEN connection (listener.ts)
// for every stream of every app, and one read of an app's totals per
// notification burst, shared by all of that app's streams. Reads of one app
// are at least COALESCE_MS apart: a notification inside that window moves the
// read to its end. The database notifies an app at most once a second
// (server/db/sql/live/notify.sql), so every POLL_MS the totals of every
// watched app are read in one statement as well: a commit that was not
// notified (throttled, a long transaction, LISTEN reconnecting) is seen
// within POLL_MS plus one read.

export const COALESCE_MS = 500;
const POLL_MS = 1_000;
const LISTEN_READY_MS = 2_000;

/** One stream's side of the hub. */
export interface LiveSubscriber {
  /** Fresh totals of the app, read after this subscription began. */
  update(totals: LiveTotals): void;
  /** The server is draining: the stream ends. */
  end(): void;
}

interface Watched {
  /** Each subscriber with the read count when it joined: reads that began before it are not its to get. */
  subscribers: Map<LiveSubscriber, number>;
  lastReadAt: number;
  last: LiveTotals | null;
  timer: NodeJS.Timeout | null;
  reading: boolean;
  again: boolean;
  /** The snapshot read the subscribers that joined since the last one wait for, not started yet. */
  snapshot: Promise<LiveTotals> | null;
}

/** The hub of one database: see the note at the top of this file. */
export class LiveHub {
  private readonly apps = new Map<string, Watched>();
  private readonly listener: LiveListener;
  private poll: NodeJS.Timeout | null = null;
  private reads = 0;
  private polling = false;
  private draining = false;

  constructor(
    private readonly db: Kysely<DB>,
    url: string,
  ) {
    const log = (message: string, error: unknown) => logger.warn({ err: error }, message);
    this.listener = new LiveListener(
      url,
      {
        notify: (appId) => this.touch(appId),
        connected: () => this.touchAll(),
        disconnected: () => undefined,
      },
      log,
    );
  }

  /** Adds a subscriber of `appId` once LISTEN is active; returns its unsubscribe. A draining hub ends it at once. */
  async subscribe(appId: string, subscriber: LiveSubscriber): Promise<() => void> {
    if (this.draining) {
      subscriber.end();
      return () => undefined;
    }
    this.listener.start();
    if (!this.poll) {
      this.poll = setInterval(() => void this.pollAll(), POLL_MS);
      this.poll.unref();
    }
    await this.listener.ready(LISTEN_READY_MS);
    let watched = this.apps.get(appId);
    if (!watched) {
      watched = { subscribers: new Map(), lastReadAt: 0, last: null, timer: null, reading: false, again: false, snapshot: null };
      this.apps.set(appId, watched);
    }
    watched.subscribers.set(subscriber, this.reads);
    return () => {
      const current = this.apps.get(appId);
      if (!current) return;
      current.subscribers.delete(subscriber);
      if (current.subscribers.size === 0 && !current.reading) {
        if (current.timer) clearTimeout(current.timer);
        this.apps.delete(appId);
      }
    };
  }

  /**
   * The app's totals for a subscriber that has just joined: one read for every
   * subscriber that joined in the same turn of the event loop (200 streams
   * opened at once cost one statement), started after they all joined.
   */
  snapshot(appId: string): Promise<LiveTotals> {
    const watched = this.apps.get(appId);
    if (!watched) return getLiveTotals(this.db, appId);
    watched.snapshot ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      watched.snapshot = null;
      return getLiveTotals(this.db, appId);
    });
    return watched.snapshot;
  }

  /** Ends every stream and closes the LISTEN connection (SIGTERM). */
  async drain(): Promise<void> {
    this.draining = true;
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
    for (const watched of this.apps.values()) {
      if (watched.timer) clearTimeout(watched.timer);
      for (const subscriber of watched.subscribers.keys()) subscriber.end();
    }
    this.apps.clear();
    await this.listener.stop();
  }

  private deliver(watched: Watched, totals: LiveTotals, read: number): void {
    watched.last = totals;
    for (const [subscriber, joined] of watched.subscribers) if (joined < read) subscriber.update(totals);
  }

  /** The once-a-second read of every watched app: a change goes out now, or through touch() inside the coalescing window. */
  private async pollAll(): Promise<void> {
    if (this.polling || this.apps.size === 0 || this.draining) return;
    this.polling = true;
    const read = ++this.reads;
    const startedAt = Date.now();
    try {
      const found = await getLiveTotalsOf(this.db, [...this.apps.keys()]);
      for (const [appId, totals] of found) {
        const watched = this.apps.get(appId);
        // A read of the app's own that began after this one, or is under way, has figures as new.
        if (!watched || watched.reading || watched.timer || watched.lastReadAt > startedAt) continue;
        if (watched.last && watched.last.totalViews === totals.totalViews && watched.last.totalInvocations === totals.totalInvocations)
          continue;
        if (Date.now() - watched.lastReadAt >= COALESCE_MS) {
          watched.lastReadAt = Date.now();
          this.deliver(watched, totals, read);
        } else this.touch(appId);
      }
    } catch (error) {
      logger.warn({ err: error }, 'live totals could not be polled');
    } finally {
      this.polling = false;
    }
  }

  private touchAll(): void {
    for (const appId of this.apps.keys()) this.touch(appId);
  }

  /** Schedules a read of the app's totals: now, or at the end of its coalescing window. */
  private touch(appId: string): void {
    const watched = this.apps.get(appId);
    if (!watched || this.draining) return;
    if (watched.reading) {
      watched.again = true;
      return;
    }
    if (watched.timer) return;
    const wait = Math.max(0, watched.lastReadAt + COALESCE_MS - Date.now());
    watched.timer = setTimeout(() => void this.read(appId, watched), wait);
  }

  private async read(appId: string, watched: Watched): Promise<void> {
    watched.timer = null;
    watched.reading = true;
    watched.lastReadAt = Date.now();
    const read = ++this.reads;
    try {
      this.deliver(watched, await getLiveTotals(this.db, appId), read);
    } catch (error) {
      logger.warn({ err: error, appId }, 'live totals could not be read; trying again');
      watched.again = true;
    } finally {
      watched.reading = false;
      if (watched.subscribers.size === 0) this.apps.delete(appId);
      else if (watched.again) {
        watched.again = false;
        this.touch(appId);
      }
    }
  }
}

const HUBS = Symbol.for('appstats.live.hubs');
type Registry = { [HUBS]?: Map<Kysely<DB>, LiveHub> };

/**
 * The process's hub for `db`, made on first use. Kept on globalThis: Next
 * bundles each route apart, and one process must still hold one LISTEN
 * connection. The first hub also drains every hub on SIGTERM and SIGINT.
 */
export function liveHub(db: Kysely<DB>): LiveHub {
  const registry = globalThis as Registry;
  let hubs = registry[HUBS];
  if (!hubs) {
    const all = new Map<Kysely<DB>, LiveHub>();
    hubs = all;
    registry[HUBS] = all;
    // Next's own handler then waits for open requests: the streams end here. Where
    // nobody else handles the signal (a script), it is raised again once drained.
    const drainAll = (signal: NodeJS.Signals) => {
      void Promise.all([...all.values()].map((hub) => hub.drain())).finally(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    };
    process.once('SIGTERM', drainAll);
    process.once('SIGINT', drainAll);
  }
  let hub = hubs.get(db);
  if (!hub) {
    const url = connectionUrlOf(db);
    if (!url) throw new Error('live figures need a database built by createDatabase');
    hub = new LiveHub(db, url);
    hubs.set(db, hub);
  }
  return hub;
}

/** Drains and forgets the hub of `db` (tests closing their database). */
export async function closeLiveHub(db: Kysely<DB>): Promise<void> {
  const hubs = (globalThis as Registry)[HUBS];
  const hub = hubs?.get(db);
  if (!hub) return;
  hubs?.delete(db);
  await hub.drain();
}

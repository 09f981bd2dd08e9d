import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import type { LiveTotals } from '../queries/live';
import { COALESCE_MS, liveHub } from './hub';

// One live stream: the app's totals at once, then each change the hub reads,
// at most one per COALESCE_MS (a burst keeps only its latest figures), until
// the client goes (signal), the server drains, or a recheck of the caller's
// access fails (a revoked token, an ended session, a lost membership).

export interface LiveStreamOptions {
  db: Kysely<DB>;
  /** The app's UUID, already resolved and allowed. */
  appId: string;
  signal?: AbortSignal;
  /** Whether the caller may still read the app; false ends the stream. */
  recheck: () => Promise<boolean>;
  recheckMs: number;
}

/** A box holding the latest totals, with a way to wait for the next ones. */
class Latest {
  value: LiveTotals | null = null;
  closed = false;
  private wake: (() => void) | null = null;

  put(value: LiveTotals): void {
    this.value = value;
    this.notify();
  }

  close(): void {
    this.closed = true;
    this.notify();
  }

  /** Resolves on new totals, on close, on abort, or after `ms`. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.value || this.closed || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  take(): LiveTotals | null {
    const value = this.value;
    this.value = null;
    return value;
  }

  private notify(): void {
    this.wake?.();
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

const same = (a: LiveTotals, b: LiveTotals) => a.totalViews === b.totalViews && a.totalInvocations === b.totalInvocations;

/** The totals of `appId` now and after every change (see the note above); ends without an error. */
export async function* liveStats(options: LiveStreamOptions): AsyncGenerator<LiveTotals, void, unknown> {
  const { db, appId, signal } = options;
  const latest = new Latest();
  const hub = liveHub(db);
  const unsubscribe = await hub.subscribe(appId, { update: (totals) => latest.put(totals), end: () => latest.close() });
  try {
    let sent = await hub.snapshot(appId);
    let sentAt = Date.now();
    yield sent;
    let recheckAt = Date.now() + options.recheckMs;
    let checking = false;
    for (;;) {
      await latest.wait(checking ? COALESCE_MS * 4 : recheckAt - Date.now(), signal);
      if (signal?.aborted || latest.closed) return;
      // The recheck runs beside the events, so a busy pool never holds an event back; a
      // refusal ends the stream, a check that could not run (an outage) is tried again later.
      if (!checking && Date.now() >= recheckAt) {
        checking = true;
        void options
          .recheck()
          .then((allowed) => allowed || latest.close())
          .catch(() => undefined)
          .finally(() => {
            checking = false;
            recheckAt = Date.now() + options.recheckMs;
          });
      }
      if (!latest.value) continue;
      // The hub spaces its reads; this spaces the first change after the snapshot, too.
      const spacing = sentAt + COALESCE_MS - Date.now();
      if (spacing > 0) await pause(spacing, signal);
      if (signal?.aborted || latest.closed) return;
      const next = latest.take();
      if (!next || same(next, sent)) continue;
      sent = next;
      sentAt = Date.now();
      yield sent;
    }
  } finally {
    unsubscribe();
  }
}

import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import { logger } from '../log';
import { type WindowCount, addWindowHits, purgeExpiredWindows, readWindow } from '../queries/rate-limits';

// The per-call budget (CONTRACT §10) counted in memory, so a read spends no
// write: each key's fixed one-minute window is read from rate_limits once,
// when this process first sees the key in a window; after that, hits are
// counted here and reported in one statement for all keys at most once a
// REPORT_EVERY_MS, which brings back every other process's hits too. So the
// budget is shared by every server process, each learning of the others'
// hits within REPORT_EVERY_MS.

/** How often the hits counted here are added to rate_limits (one statement for all keys). */
export const REPORT_EVERY_MS = 1_000;

/** Past this many keys in memory, windows that ended are dropped when the hits are reported. */
const SWEEP_ABOVE_KEYS = 10_000;

interface Window {
  /** When the window ends, in ms since the epoch. */
  resetAt: number;
  /** Hits of every process known here: the total at the last report plus this process's since. */
  hits: number;
  /** This process's hits not yet reported. */
  unreported: number;
  /** The first read of the key's stored window, awaited by every hit until it is done. */
  loaded: Promise<void>;
}

/** Hits of one key in its current window. */
export interface WindowState {
  hits: number;
  resetAt: Date;
}

/** The budget windows of one database, counted in this process. */
export class BudgetStore {
  private readonly windows = new Map<string, Window>();
  private timer: NodeJS.Timeout | undefined;
  private reporting: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<DB>,
    readonly windowMs: number,
  ) {}

  /** Counts one hit on `key` at `now` and returns the key's hits so far in its window, every process's included. */
  async hit(key: string, now: Date): Promise<WindowState> {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now.getTime()) {
      const fresh: Window = { resetAt: now.getTime() + this.windowMs, hits: 0, unreported: 0, loaded: Promise.resolve() };
      fresh.loaded = readWindow(this.db, key, now).then((stored) => adopt(fresh, stored));
      this.windows.set(key, fresh);
      window = fresh;
    }
    const current = window;
    try {
      await current.loaded;
    } catch (error) {
      if (this.windows.get(key) === current) this.windows.delete(key);
      throw error;
    }
    current.hits++;
    current.unreported++;
    this.scheduleReport();
    return { hits: current.hits, resetAt: new Date(current.resetAt) };
  }

  /** Reports every unreported hit now (also what the timer does); resolves when rate_limits holds them. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.reporting = this.reporting.then(() => this.report());
    return this.reporting;
  }

  private scheduleReport(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), REPORT_EVERY_MS);
    this.timer.unref();
  }

  private async report(): Promise<void> {
    const sent = [...this.windows].filter(([, window]) => window.unreported > 0);
    if (sent.length === 0) return;
    const counts = sent.map(([key, window]) => ({ key, hits: window.unreported, resetAt: new Date(window.resetAt) }));
    for (const [, window] of sent) window.unreported = 0;
    try {
      const { totals, newKeys } = await addWindowHits(this.db, counts, this.windowMs);
      for (const [key, window] of sent) {
        const total = totals.get(key);
        // Hits counted while the report was on its way stay unreported, on top of the total.
        if (total && this.windows.get(key) === window) adopt(window, { hits: total.hits + window.unreported, resetAt: total.resetAt });
      }
      // Each new key sweeps a few windows that ended, so the table stays about as large as the live keys.
      if (newKeys > 0) await purgeExpiredWindows(this.db, new Date(), 20 * newKeys);
    } catch (error) {
      // The hits stay counted here; the other processes learn of them with the next report.
      for (const [index, [, window]] of sent.entries()) window.unreported += counts[index]?.hits ?? 0;
      logger.warn({ err: error }, 'could not report budget hits');
    }
    this.sweep();
  }

  private sweep(): void {
    if (this.windows.size <= SWEEP_ABOVE_KEYS) return;
    const now = Date.now();
    for (const [key, window] of this.windows) if (window.resetAt <= now && window.unreported === 0) this.windows.delete(key);
  }
}

/** Takes the stored window's figures when it is the one running (a later end means another process started it first). */
function adopt(window: Window, stored: WindowCount | undefined): void {
  if (!stored) return;
  window.hits = Math.max(window.hits, stored.hits);
  window.resetAt = stored.resetAt.getTime();
}

const stores = new WeakMap<Kysely<DB>, BudgetStore>();

/** The budget windows of `db` in this process (one store per database). */
export function budgetStoreOf(db: Kysely<DB>, windowMs: number): BudgetStore {
  let store = stores.get(db);
  if (!store) {
    store = new BudgetStore(db, windowMs);
    stores.set(db, store);
  }
  return store;
}

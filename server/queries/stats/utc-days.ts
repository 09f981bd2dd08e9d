import { DAY_MS } from '../../../lib/range';

/** A window of whole UTC calendar days: today and the `days - 1` before it, newest first. */
export interface DayWindow {
  /** Start of the oldest day (inclusive). */
  from: Date;
  /** Start of tomorrow (exclusive): the whole of today counts. */
  to: Date;
  /** The days as YYYY-MM-DD, newest first. */
  days: string[];
}

/** The last `days` UTC calendar days ending with the day of `now` (CONTRACT §5). */
export function lastUtcDays(now: Date, days: number): DayWindow {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const list = Array.from({ length: days }, (_, i) => new Date(today - i * DAY_MS).toISOString().slice(0, 10));
  return { from: new Date(today - (days - 1) * DAY_MS), to: new Date(today + DAY_MS), days: list };
}

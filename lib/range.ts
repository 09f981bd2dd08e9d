// Calendar ranges in a time zone (CONTRACT §8 "Ranges"): the days a request
// names, their defaults and limits, and the presets of the pages' range
// control. Pure: the instants of those days are computed by PostgreSQL, in
// the query that reads them, with the same zone rules as the oracle tests.

/** The most days one range may cover (`to − from + 1`). */
export const RANGE_MAX_DAYS = 400;
/** The most days a range may cover when it is read by the hour. */
export const HOUR_MAX_DAYS = 31;
/** Ranges of at most this many days default to hours. */
export const HOURLY_DEFAULT_MAX_DAYS = 2;
/** The default range: the last 30 days of the zone, today included. */
export const DEFAULT_RANGE_DAYS = 30;

export type RangeInterval = 'hour' | 'day';

/** What a request says about its range; every field optional. */
export interface RangeQuery {
  tz?: string;
  from?: string;
  to?: string;
  interval?: RangeInterval;
}

/** A range with its defaults applied and its limits checked. */
export interface ResolvedRange {
  tz: string;
  from: string;
  to: string;
  days: number;
  interval: RangeInterval;
  /** The equally long range that ends the day before `from`. */
  previousFrom: string;
  previousTo: string;
}

/** A range that breaks a rule, with the request field it is about. */
export class RangeInputError extends Error {
  constructor(
    readonly field: 'tz' | 'from' | 'to' | 'interval',
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'RangeInputError';
  }
}

/** Milliseconds in a UTC day: the one constant of every day calculation. */
export const DAY_MS = 86_400_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds of a YYYY-MM-DD day's UTC midnight, or undefined when it is not a real calendar day. */
function dayValue(day: string): number | undefined {
  const match = DAY_PATTERN.exec(day);
  if (!match) return undefined;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || date < 1) return undefined;
  const value = new Date(0);
  value.setUTCFullYear(year, month - 1, date);
  value.setUTCHours(0, 0, 0, 0);
  return value.getUTCDate() === date && value.getUTCMonth() === month - 1 ? value.getTime() : undefined;
}

/** Whether `day` is a calendar day written YYYY-MM-DD. */
export function isCalendarDay(day: string): boolean {
  return dayValue(day) !== undefined;
}

function dayOf(value: number): string {
  const date = new Date(value);
  const year = date.getUTCFullYear();
  return `${String(year).padStart(4, '0')}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-${String(date.getUTCDate()).padStart(2, '0')}`;
}

/** The calendar day `count` days after `day` (before it when negative). */
export function addDays(day: string, count: number): string {
  const value = dayValue(day);
  if (value === undefined) throw new RangeError(`not a calendar day: ${day}`);
  return dayOf(value + count * DAY_MS);
}

/** Days from `from` to `to`, both included (0 or less when `from` is after `to`). */
export function daysBetween(from: string, to: string): number {
  const start = dayValue(from);
  const end = dayValue(to);
  if (start === undefined || end === undefined) throw new RangeError(`not calendar days: ${from}, ${to}`);
  return Math.round((end - start) / DAY_MS) + 1;
}

/** Whether this runtime knows `tz` as a time zone (the server also checks PostgreSQL's list). */
export function isKnownTimeZone(tz: string): boolean {
  // IANA names only: `Area/Place`, `UTC`, `Etc/GMT+5`; never a POSIX rule such as `UTC+5` or `<+03>-3`.
  if (!/^[A-Za-z][A-Za-z0-9_-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Today's calendar day in `tz` at `now`. */
export function todayIn(tz: string, now: Date): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

/**
 * Applies the defaults of CONTRACT §8 to a range and checks its limits; throws
 * RangeInputError naming the field. `series` says whether an interval applies.
 */
export function resolveRange(query: RangeQuery, now: Date, series = true): ResolvedRange {
  const tz = query.tz ?? 'UTC';
  if (!isKnownTimeZone(tz)) throw new RangeInputError('tz', `unknown time zone ${JSON.stringify(tz)}`);
  for (const field of ['from', 'to'] as const) {
    const day = query[field];
    if (day !== undefined && !isCalendarDay(day)) throw new RangeInputError(field, 'must be a calendar day written YYYY-MM-DD');
  }
  const to = query.to ?? todayIn(tz, now);
  const from = query.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  const days = daysBetween(from, to);
  if (days < 1) throw new RangeInputError('from', 'must not be after to');
  if (days > RANGE_MAX_DAYS)
    throw new RangeInputError(query.from !== undefined ? 'from' : 'to', `the range may cover at most ${RANGE_MAX_DAYS} days`);
  const interval = query.interval ?? (days <= HOURLY_DEFAULT_MAX_DAYS ? 'hour' : 'day');
  if (series && interval === 'hour' && days > HOUR_MAX_DAYS) {
    throw new RangeInputError('interval', `hour is allowed for ranges of at most ${HOUR_MAX_DAYS} days`);
  }
  const previousTo = addDays(from, -1);
  return { tz, from, to, days, interval, previousFrom: addDays(previousTo, -(days - 1)), previousTo };
}

/** The choices of the pages' `Range` select. */
export const RANGE_PRESETS = ['today', '7d', '30d', '90d', 'month', 'custom'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

/** The days a preset stands for in `tz` at `now` (`custom` has none of its own). */
export function presetDays(preset: Exclude<RangePreset, 'custom'>, tz: string, now: Date): { from: string; to: string } {
  const today = todayIn(tz, now);
  if (preset === 'today') return { from: today, to: today };
  if (preset === 'month') return { from: `${today.slice(0, 8)}01`, to: today };
  const length = preset === '7d' ? 7 : preset === '30d' ? 30 : 90;
  return { from: addDays(today, -(length - 1)), to: today };
}

/** The preset whose days these are, or `custom`. */
export function presetOf(from: string, to: string, tz: string, now: Date): RangePreset {
  for (const preset of ['30d', 'today', '7d', '90d', 'month'] as const) {
    const days = presetDays(preset, tz, now);
    if (days.from === from && days.to === to) return preset;
  }
  return 'custom';
}

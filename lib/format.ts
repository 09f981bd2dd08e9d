// How figures read on every page: en-US separators, IEC bytes, short durations, UTC dates.
// A number and its unit are joined by a no-break space, so a line never ends between them.

const NBSP = '\u00a0';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const upToTwo = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** 1234567 → "1,234,567". */
export function formatNumber(value: number): string {
  return integer.format(value);
}

/** 1.54 → "1.54 %" (at most two decimals, as the API rounds them). */
export function formatPercent(value: number): string {
  return `${upToTwo.format(value)}${NBSP}%`;
}

const IEC_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Bytes in IEC units: 512 → "512 B", 2_100_000 → "2.0 MiB", 1073741824 → "1 GiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${integer.format(bytes)}${NBSP}B`;
  let exponent = Math.min(Math.floor(Math.log(bytes) / Math.log(1024)), IEC_UNITS.length - 1);
  let value = bytes / 1024 ** exponent;
  if (value >= 1023.95 && exponent < IEC_UNITS.length - 1) {
    exponent += 1;
    value = bytes / 1024 ** exponent;
  }
  const unit = IEC_UNITS[exponent];
  if (Number.isInteger(value)) return `${integer.format(value)}${NBSP}${unit}`;
  return `${value < 100 ? oneDecimal.format(value) : integer.format(value)}${NBSP}${unit}`;
}

/** Bytes as MiB with one decimal: 12_582_912 → "12.0 MiB". */
export function formatMiB(bytes: number): string {
  return `${oneDecimal.format(bytes / 1024 / 1024)}${NBSP}MiB`;
}

/** Milliseconds as "245 ms", "1.2 s", "3 min 11 s" or "2 h 5 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${integer.format(ms)}${NBSP}ms`;
  if (ms < 10_000) return `${oneDecimal.format(Math.floor(ms / 100) / 10)}${NBSP}s`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}${NBSP}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes}${NBSP}min ${seconds % 60}${NBSP}s` : `${minutes}${NBSP}min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${integer.format(hours)}${NBSP}h ${minutes % 60}${NBSP}min` : `${integer.format(hours)}${NBSP}h`;
}

/** Row counts: exact, or "≈ 10.2 M" when the figure is an estimate. */
export function formatRowCount(count: number, estimated: boolean): string {
  if (!estimated) return integer.format(count);
  if (count >= 1_000_000_000) return `≈ ${oneDecimal.format(count / 1_000_000_000)} G`;
  if (count >= 1_000_000) return `≈ ${oneDecimal.format(count / 1_000_000)} M`;
  if (count >= 1_000) return `≈ ${oneDecimal.format(count / 1_000)} K`;
  return `≈ ${integer.format(count)}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** An instant as "2024-02-23 14:30 UTC"; with seconds when asked. */
export function formatUtc(iso: string | Date, withSeconds = false): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  const day = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}${withSeconds ? `:${pad(date.getUTCSeconds())}` : ''}`;
  return `${day} ${time} UTC`;
}

/** How long ago: "just now", "12 s ago", "3 min ago", "5 h ago", "4 days ago". */
export function formatRelative(iso: string | Date, now: number): string {
  const then = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${integer.format(Math.floor(hours / 24))} days ago`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** A UTC day "2024-02-23" as an axis label: "Fri 23". */
export function formatDayShort(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()}`;
}

/** A UTC day "2024-02-23" in full: "Fri 23 Feb 2024". */
export function formatDayLong(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** "1 view" / "3 views". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatNumber(count)} ${count === 1 ? singular : pluralForm}`;
}

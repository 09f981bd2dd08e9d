import { formatDayLong, formatDayShort } from '@/lib/format';

/** One entry of a /stats/range series, as far as its labels need it. */
export interface SeriesLabelSource {
  start: string;
  local: string;
}

/** The UTC offset at a series entry's start, read from its local label: "UTC+05:45", "UTC−03:30". */
export function offsetOf(entry: SeriesLabelSource): string {
  const local = entry.local.length === 10 ? `${entry.local}T00:00` : entry.local;
  const minutes = Math.round((Date.parse(`${local}:00Z`) - Date.parse(entry.start)) / 60_000);
  if (minutes === 0) return 'UTC';
  const size = Math.abs(minutes);
  return `UTC${minutes > 0 ? '+' : '−'}${String(Math.floor(size / 60)).padStart(2, '0')}:${String(size % 60).padStart(2, '0')}`;
}

/** The axis label of an entry, in the range's zone: "Tue 23" for a day, "14:00" (or "Tue 23 14:00" at midnight) for an hour. */
export function axisLabel(entry: SeriesLabelSource): string {
  const day = entry.local.slice(0, 10);
  if (entry.local.length === 10) return formatDayShort(day);
  const time = entry.local.slice(11, 16);
  return time === '00:00' ? `${formatDayShort(day)} ${time}` : time;
}

/** The tooltip label: the day in full, the hour with its offset, so the two runs of a repeated hour differ. */
export function fullLabel(entry: SeriesLabelSource): string {
  const day = formatDayLong(entry.local.slice(0, 10));
  return entry.local.length === 10 ? day : `${day} ${entry.local.slice(11, 16)} (${offsetOf(entry)})`;
}

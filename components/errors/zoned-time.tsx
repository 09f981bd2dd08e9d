import { formatUtc } from '@/lib/format';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** An instant as "2024-02-23 14:30" on the wall clock of `tz`. */
export function formatInZone(iso: string, tz: string): string {
  let format = formatters.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(tz, format);
  }
  const parts = format.formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/** An instant in the chosen zone (named after it unless the column says so), the exact UTC instant in `title`. */
export function ZonedTime({ at, tz, named = false }: { at: string; tz: string; named?: boolean }) {
  return (
    <time dateTime={at} title={formatUtc(at, true)} className="tabular whitespace-nowrap">
      {formatInZone(at, tz)}
      {named && ` ${tz}`}
    </time>
  );
}

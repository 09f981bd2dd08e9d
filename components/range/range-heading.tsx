import { formatDayLong } from '@/lib/format';

/** The range in words, naming its zone: "Sun 27 Oct 2024 – Tue 29 Oct 2024 · Europe/Berlin". */
export function RangeHeading({ range }: { range: { from: string; to: string; tz: string } }) {
  const days = range.from === range.to ? formatDayLong(range.from) : `${formatDayLong(range.from)} – ${formatDayLong(range.to)}`;
  return (
    <p className="text-sm text-muted">
      {days} · <span className="font-medium text-fg">All days and times in {range.tz}</span>
    </p>
  );
}

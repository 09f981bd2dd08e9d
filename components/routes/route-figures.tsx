import { formatBytes, formatDuration, formatNumber, formatPercent } from '@/lib/format';
import type { RouteRangeFigures } from '@/server/schemas/routes';

const ms = (value: number | null) => (value === null ? '—' : formatDuration(value));

/** "↑ 12 % vs previous period", or nothing when there was nothing before to compare with. */
function change(now: number, before: number): string | null {
  if (before === 0) return null;
  const percent = Math.round(((now - before) / before) * 100);
  if (percent === 0) return 'same as previous period';
  return `${percent > 0 ? '↑' : '↓'} ${formatNumber(Math.abs(percent))} % vs previous period`;
}

/** The route's figures over the range, each with the previous period's beside it. */
export function RouteFiguresList({ totals, previous }: { totals: RouteRangeFigures; previous: RouteRangeFigures }) {
  const items: [string, string, string | null][] = [
    ['Calls', formatNumber(totals.invocations), change(totals.invocations, previous.invocations)],
    ['Failed', formatNumber(totals.failed), `${formatPercent(totals.errorRate)} of calls`],
    ['p50', ms(totals.p50DurationMs), `previous ${ms(previous.p50DurationMs)}`],
    ['p95', ms(totals.p95DurationMs), `previous ${ms(previous.p95DurationMs)}`],
    ['p99', ms(totals.p99DurationMs), `previous ${ms(previous.p99DurationMs)}`],
    ['Avg duration', formatDuration(totals.avgDurationMs), `previous ${formatDuration(previous.avgDurationMs)}`],
    ['Compute time', formatDuration(totals.computeMs), change(totals.computeMs, previous.computeMs)],
    ['Peak memory', totals.peakMemoryBytes === 0 ? '—' : formatBytes(totals.peakMemoryBytes), null],
  ];
  return (
    <dl className="grid grid-cols-2 gap-x-4 gap-y-3 sm:grid-cols-4 lg:grid-cols-8">
      {items.map(([label, value, note]) => (
        <div key={label} className="min-w-0">
          <dt className="text-xs text-muted">{label}</dt>
          <dd className="tabular text-lg font-semibold">{value}</dd>
          {note && <dd className="text-xs text-muted">{note}</dd>}
        </div>
      ))}
    </dl>
  );
}

'use client';

import { Bar, BarChart, CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDuration, formatNumber, formatPercent, plural } from '@/lib/format';
import type { RouterOutputs } from '@/trpc/react';
import { axisNumber, ChartFrame, ChartLegend, tooltipStyle } from './chart-frame';
import { axisLabel, fullLabel } from './range-labels';

type Range = RouterOutputs['insights']['range'];
type Entry = Range['series'][number];
/** A range without views: what the invocation and percentile charts draw (the API page's range, or one route's). */
type CallsRange = Pick<Range, 'interval' | 'tz'> & { totals: Omit<Range['totals'], 'views'>; series: Omit<Entry, 'views'>[] };

const unit = (range: CallsRange) => (range.interval === 'hour' ? 'hour' : 'day');
const busiest = <E,>(series: E[], pick: (e: E) => number) => series.reduce((top, e) => (pick(e) > pick(top) ? e : top));

function points<E extends CallsRange['series'][number], T>(range: { series: E[] }, values: (e: E) => T) {
  return range.series.map((e) => ({ label: axisLabel(e), full: fullLabel(e), ...values(e) }));
}

// An array, not a fragment: the chart finds its grid and axis among its direct children.
const axes = [
  <CartesianGrid key="grid" vertical={false} stroke="var(--border)" />,
  <XAxis key="x" dataKey="label" tickLine={false} axisLine={{ stroke: 'var(--border)' }} minTickGap={16} interval="preserveStartEnd" />,
];

/** Views per hour or day of the range, in its zone. */
export function RangeViewsChart({ range }: { range: Range }) {
  const total = range.totals.views;
  const top = range.series.length ? busiest(range.series, (e) => e.views) : undefined;
  const summary =
    total === 0 || !top
      ? 'No views in this range.'
      : `${plural(total, 'view')} in this range, most in the ${unit(range)} of ${fullLabel(top)} with ${formatNumber(top.views)}.`;
  return (
    <ChartFrame label={`Views by ${unit(range)}`} summary={summary} height={220} zone={range.tz}>
      <BarChart
        responsive
        style={{ width: '100%', height: '100%' }}
        data={points(range, (e) => ({ views: e.views }))}
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
      >
        {axes}
        <YAxis allowDecimals={false} width={44} tickLine={false} axisLine={false} tickFormatter={axisNumber} />
        <Tooltip
          {...tooltipStyle}
          labelFormatter={(_, p) => String(p?.[0]?.payload?.full ?? '')}
          formatter={(v) => [formatNumber(Number(v)), 'Views']}
        />
        <Bar dataKey="views" name="Views" fill="var(--chart-1)" radius={[3, 3, 0, 0]} isAnimationActive={false} />
      </BarChart>
    </ChartFrame>
  );
}

/** Invocations per hour or day of the range, succeeded and failed stacked. */
export function RangeInvocationsChart({ range }: { range: CallsRange }) {
  const { invocations, failed, errorRate } = range.totals;
  const top = range.series.length ? busiest(range.series, (e) => e.invocations) : undefined;
  const summary =
    invocations === 0 || !top
      ? 'No invocations in this range.'
      : `${plural(invocations, 'invocation')}, ${formatNumber(failed)} failed (${formatPercent(errorRate)}); busiest ${unit(range)} ${fullLabel(top)} with ${formatNumber(top.invocations)}.`;
  const legend = (
    <ChartLegend
      items={[
        { label: 'Succeeded', color: 'var(--chart-1)' },
        { label: 'Failed', color: 'var(--chart-2)' },
      ]}
    />
  );
  const data = points(range, (e) => ({ succeeded: e.invocations - e.failed, failed: e.failed }));
  return (
    <ChartFrame
      label={`Invocations by ${unit(range)}, succeeded and failed`}
      summary={summary}
      height={220}
      legend={legend}
      zone={range.tz}
    >
      <BarChart responsive style={{ width: '100%', height: '100%' }} data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        {axes}
        <YAxis allowDecimals={false} width={44} tickLine={false} axisLine={false} tickFormatter={axisNumber} />
        <Tooltip
          {...tooltipStyle}
          labelFormatter={(_, p) => String(p?.[0]?.payload?.full ?? '')}
          formatter={(v, name) => [formatNumber(Number(v)), name]}
        />
        <Bar dataKey="succeeded" name="Succeeded" stackId="calls" fill="var(--chart-1)" isAnimationActive={false} />
        <Bar dataKey="failed" name="Failed" stackId="calls" fill="var(--chart-2)" radius={[3, 3, 0, 0]} isAnimationActive={false} />
      </BarChart>
    </ChartFrame>
  );
}

const LINES = [
  { key: 'p50', name: 'p50', color: 'var(--chart-1)' },
  { key: 'p95', name: 'p95', color: 'var(--chart-2)' },
  { key: 'p99', name: 'p99', color: 'var(--chart-3, var(--muted))' },
] as const;

/** Powers of ten from 1 ms to the first at or above `max`: the ticks of a log axis that reads at a glance. */
function decades(max: number): number[] {
  const ticks = [1];
  while ((ticks.at(-1) ?? 1) < max) ticks.push((ticks.at(-1) ?? 1) * 10);
  return ticks.length > 1 ? ticks : [1, 10];
}

/**
 * Duration percentiles (p50, p95, p99) per hour or day on a log axis, so one slow
 * outlier in p99 does not flatten p50 and p95 to the floor; durations under 1 ms
 * are drawn at 1 ms (the tooltip says the exact figure). Periods without
 * invocations leave a gap.
 */
export function RangePercentilesChart({ range }: { range: CallsRange }) {
  const { p50DurationMs, p95DurationMs, p99DurationMs, invocations } = range.totals;
  const summary =
    invocations === 0
      ? 'No invocations, so no durations, in this range.'
      : `Over the range: p50 ${formatDuration(p50DurationMs ?? 0)}, p95 ${formatDuration(p95DurationMs ?? 0)}, p99 ${formatDuration(p99DurationMs ?? 0)} (nearest rank, within 2 %).`;
  const drawn = (value: number | null) => (value === null ? null : Math.max(value, 1));
  const data = points(range, (e) => ({
    p50: drawn(e.p50DurationMs),
    p95: drawn(e.p95DurationMs),
    p99: drawn(e.p99DurationMs),
    exact: { p50: e.p50DurationMs, p95: e.p95DurationMs, p99: e.p99DurationMs },
  }));
  const ticks = decades(Math.max(1, ...range.series.map((e) => e.p99DurationMs ?? 0)));
  return (
    <ChartFrame
      label={`Duration percentiles by ${unit(range)}`}
      summary={summary}
      height={200}
      legend={<ChartLegend items={LINES.map((l) => ({ label: l.name, color: l.color }))} />}
      zone={range.tz}
    >
      <LineChart responsive style={{ width: '100%', height: '100%' }} data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        {axes}
        <YAxis
          width={56}
          tickLine={false}
          axisLine={false}
          scale="log"
          domain={[1, ticks.at(-1) ?? 10]}
          ticks={ticks}
          allowDataOverflow
          tickFormatter={(v: number) => (v < 1000 ? `${v} ms` : `${formatNumber(v / 1000)} s`)}
        />
        <Tooltip
          {...tooltipStyle}
          cursor={{ stroke: 'var(--border)' }}
          labelFormatter={(_, p) => String(p?.[0]?.payload?.full ?? '')}
          formatter={(v, name, item) => {
            const exact = (item.payload as { exact?: Record<string, number | null> } | undefined)?.exact?.[String(name)];
            return [formatDuration(exact ?? Number(v)), name];
          }}
        />
        {LINES.map((l) => (
          <Line
            key={l.key}
            type="linear"
            dataKey={l.key}
            name={l.name}
            stroke={l.color}
            strokeWidth={2}
            dot={false}
            connectNulls={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ChartFrame>
  );
}

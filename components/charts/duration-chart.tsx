'use client';

import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDayLong, formatDayShort, formatDuration } from '@/lib/format';
import { ChartFrame, tooltipStyle } from './chart-frame';
import type { DailyPoint } from './invocations-chart';

interface Point {
  label: string;
  full: string;
  avg: number | null;
}

/** One sentence: the slowest day's average, or that nothing ran. */
export function durationSummary(daily: DailyPoint[]): string {
  const active = daily.filter((d) => d.count > 0);
  if (active.length === 0) return 'No invocations, so no durations, in the last 30 days.';
  const slowest = active.reduce((top, d) => (d.avgDurationMs > top.avgDurationMs ? d : top));
  const fastest = active.reduce((low, d) => (d.avgDurationMs < low.avgDurationMs ? d : low));
  return `Daily average duration between ${formatDuration(fastest.avgDurationMs)} and ${formatDuration(slowest.avgDurationMs)}, slowest on ${formatDayShort(slowest.day)}.`;
}

/** Average duration per UTC day; days without invocations leave a gap rather than a false zero. */
export function DurationChart({ daily }: { daily: DailyPoint[] }) {
  const points: Point[] = [...daily].reverse().map((d) => ({
    label: formatDayShort(d.day),
    full: formatDayLong(d.day),
    avg: d.count > 0 ? d.avgDurationMs : null,
  }));
  return (
    <ChartFrame label="Average duration by day, last 30 days" summary={durationSummary(daily)} height={140}>
      <LineChart responsive style={{ width: '100%', height: '100%' }} data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid vertical={false} stroke="var(--border)" />
        <XAxis dataKey="label" tickLine={false} axisLine={{ stroke: 'var(--border)' }} minTickGap={16} interval="preserveStartEnd" />
        <YAxis width={56} tickLine={false} axisLine={false} tickFormatter={(v: number) => formatDuration(v)} />
        <Tooltip
          {...tooltipStyle}
          cursor={{ stroke: 'var(--border)' }}
          labelFormatter={(_, payload) => (payload?.[0]?.payload as Point | undefined)?.full ?? ''}
          formatter={(value) => [formatDuration(Number(value)), 'Avg duration']}
        />
        <Line
          type="monotone"
          dataKey="avg"
          name="Avg duration"
          stroke="var(--chart-1)"
          strokeWidth={2}
          dot={false}
          connectNulls={false}
          isAnimationActive={false}
        />
      </LineChart>
    </ChartFrame>
  );
}

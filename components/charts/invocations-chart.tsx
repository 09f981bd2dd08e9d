'use client';

import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDayLong, formatDayShort, formatNumber, formatPercent, plural } from '@/lib/format';
import { axisNumber, ChartFrame, ChartLegend, tooltipStyle } from './chart-frame';

export interface DailyPoint {
  day: string;
  count: number;
  errorCount: number;
  avgDurationMs: number;
}

interface Point {
  label: string;
  full: string;
  succeeded: number;
  failed: number;
}

/** One sentence: how many, how many failed, the busiest day. */
export function invocationsSummary(daily: DailyPoint[]): string {
  const total = daily.reduce((sum, d) => sum + d.count, 0);
  if (total === 0) return 'No invocations in the last 30 days.';
  const failed = daily.reduce((sum, d) => sum + d.errorCount, 0);
  const best = daily.reduce((top, d) => (d.count > top.count ? d : top));
  const rate = formatPercent(Math.round((failed / total) * 10_000) / 100);
  return `${plural(total, 'invocation')} in the last 30 days, ${formatNumber(failed)} failed (${rate}); busiest day ${formatDayShort(best.day)} with ${formatNumber(best.count)}.`;
}

/** Invocations per UTC day over 30 days, succeeded and failed stacked; `daily` comes newest first. */
export function InvocationsChart({ daily }: { daily: DailyPoint[] }) {
  const points: Point[] = [...daily].reverse().map((d) => ({
    label: formatDayShort(d.day),
    full: formatDayLong(d.day),
    succeeded: d.count - d.errorCount,
    failed: d.errorCount,
  }));
  const legend = (
    <ChartLegend
      items={[
        { label: 'Succeeded', color: 'var(--chart-1)' },
        { label: 'Failed', color: 'var(--chart-2)' },
      ]}
    />
  );
  return (
    <ChartFrame
      label="Invocations by day, last 30 days, succeeded and failed"
      summary={invocationsSummary(daily)}
      height={220}
      legend={legend}
    >
      <BarChart responsive style={{ width: '100%', height: '100%' }} data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid vertical={false} stroke="var(--border)" />
        <XAxis dataKey="label" tickLine={false} axisLine={{ stroke: 'var(--border)' }} minTickGap={16} interval="preserveStartEnd" />
        <YAxis allowDecimals={false} width={44} tickLine={false} axisLine={false} tickFormatter={axisNumber} />
        <Tooltip
          {...tooltipStyle}
          labelFormatter={(_, payload) => (payload?.[0]?.payload as Point | undefined)?.full ?? ''}
          formatter={(value, name) => [formatNumber(Number(value)), name]}
        />
        <Bar dataKey="succeeded" name="Succeeded" stackId="calls" fill="var(--chart-1)" isAnimationActive={false} />
        <Bar dataKey="failed" name="Failed" stackId="calls" fill="var(--chart-2)" radius={[3, 3, 0, 0]} isAnimationActive={false} />
      </BarChart>
    </ChartFrame>
  );
}
